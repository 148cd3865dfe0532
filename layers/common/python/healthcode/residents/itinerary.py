"""The itinerary card (通信大数据行程卡, 2.(三).4): the cities a phone reached or passed in the last 14 days.

Who may look: a resident, for any mainland mobile number whose SMS code they type, as the guide has it ("填写手机号
以及验证码等信息"): the code sent to the number proves the handset is at hand, and that is the proof the telecom
operators' own card asks for. No bound phone is needed (a face-login resident has none). Our SMS sender is not a
tool for texting arbitrary numbers: each phone has otp's limits (one send a minute, ten a day), and each person
ITINERARY_SMS_CODE sends an hour (`ratelimit.take_per_person`).

The period is the 14 calendar days (Asia/Shanghai) ending today, today included. Each city appears once,
with the latest day it was reached or passed; newest first.

Where the cities come from is an `ItineraryProvider`, chosen by ITINERARY_PROVIDER:
- `http` (production): the telecom operators' itinerary service. Contract:

      POST {ITINERARY_PROVIDER_URL}/v1/itinerary
      {"phone": "+8613912345678", "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}
      200 {"cities": [{"city": "广州市", "date": "YYYY-MM-DD"}, ...]}  -> the cities (any order, repeats allowed)
      404                                                               -> no record for this phone: no cities
      any other status, a timeout, or an answer not of that shape       -> 503 UPSTREAM_UNAVAILABLE

- `feeds` (local stack, and a deployment without the telecom link): the `ITINERARY` facts of the feeds
  (details {city, date}), of the people whose bound phone this is: a Query on the people GSI
  `by_phone_hash`, then one key-bounded Query of each one's health events.
"""

from __future__ import annotations

import json
import urllib.error
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

from healthcode.core import clock, pii, ratelimit, upstream
from healthcode.core.config import get_config
from healthcode.core.errors import NotAMainlandMobile, ServiceUnavailable
from healthcode.identity import otp
from healthcode.models import HealthEvent, Person

PERIOD_DAYS = 14
OTP_PURPOSE = "itinerary"
SMS_TEXT = "【粤康码】您正在查询通信大数据行程卡，验证码为{code}，5分钟内有效。如非本人操作，请忽略。"
MAX_CITY_LENGTH = 64
MAX_CITIES = 200


@dataclass(frozen=True, order=True)
class CityVisit:
    day: date
    city: str


class ItineraryProvider(Protocol):
    def cities(self, phone: str, first_day: date, last_day: date) -> list[CityVisit]:
        """Every city the phone reached or passed between the two days (inclusive); repeats allowed."""
        ...


def period(today: date) -> tuple[date, date]:
    return today - timedelta(days=PERIOD_DAYS - 1), today


def latest_per_city(visits: list[CityVisit], first_day: date, last_day: date) -> list[CityVisit]:
    """Each city once, with its latest day inside the period; newest first, then by name."""
    latest: dict[str, date] = {}
    for visit in visits:
        if first_day <= visit.day <= last_day and visit.day > latest.get(visit.city, date.min):
            latest[visit.city] = visit.day
    return sorted((CityVisit(day, city) for city, day in latest.items()), key=lambda v: (-v.day.toordinal(), v.city))


def _visit(city: Any, day: Any) -> CityVisit | None:
    if not isinstance(city, str) or not city.strip() or len(city.strip()) > MAX_CITY_LENGTH:
        return None
    try:
        return CityVisit(date.fromisoformat(str(day)[:10]), city.strip())
    except ValueError:
        return None


class FeedItineraryProvider:
    """The ITINERARY facts of the feeds, for the people whose bound phone this is."""

    def cities(self, phone: str, first_day: date, last_day: date) -> list[CityVisit]:
        since = clock.iso(datetime.combine(first_day, datetime.min.time(), clock.SHANGHAI))
        visits: list[CityVisit] = []
        for holder in Person.by_phone_hash.query(pii.lookup_hash("phone", phone)):
            for fact in HealthEvent.query(holder.person_id, HealthEvent.sk >= since,
                                          filter_condition=HealthEvent.kind == "ITINERARY"):
                details = fact.details or {}
                visit = _visit(details.get("city"), details.get("date") or fact.occurred_at)
                if visit is not None:
                    visits.append(visit)
        return visits


class HttpItineraryProvider:
    """The telecom operators' itinerary service (contract in the module docstring)."""

    def __init__(self, base_url: str, timeout: float = 3.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def cities(self, phone: str, first_day: date, last_day: date) -> list[CityVisit]:
        body = json.dumps({"phone": phone, "from": first_day.isoformat(), "to": last_day.isoformat()}).encode()
        try:
            answer = upstream.post_json(f"{self.base_url}/v1/itinerary", body, self.timeout)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return []
            raise ServiceUnavailable() from exc
        listed = answer.get("cities") if isinstance(answer, dict) else None
        if not isinstance(listed, list) or len(listed) > MAX_CITIES:
            raise ServiceUnavailable()
        visits = [_visit(item.get("city"), item.get("date")) if isinstance(item, dict) else None for item in listed]
        if any(visit is None for visit in visits):
            raise ServiceUnavailable()
        return [visit for visit in visits if visit is not None]


@lru_cache(maxsize=1)
def get_itinerary_provider() -> ItineraryProvider:
    cfg = get_config()
    if cfg.itinerary_provider == "http":
        return HttpItineraryProvider(cfg.itinerary_provider_url)
    return FeedItineraryProvider()


def check_mainland_mobile(phone: str) -> None:
    """400 naming `phone` unless it (E.164) is a mainland mobile number, the only lines the operators track."""
    import phonenumbers  # deferred, as in people.normalise_phone

    parsed = phonenumbers.parse(phone, None)
    if parsed.country_code != 86 or phonenumbers.number_type(parsed) not in (
            phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise NotAMainlandMobile(field="phone")


def send_code(person_id: str, phone: str) -> dict[str, Any]:
    check_mainland_mobile(phone)
    ratelimit.take_per_person(ratelimit.ITINERARY_SMS_CODE, person_id)
    otp.send_code(OTP_PURPOSE, phone, SMS_TEXT)
    return {"phone_masked": pii.mask_phone(phone), "expires_in": int(otp.CODE_TTL.total_seconds()),
            "resend_after": int(otp.RESEND_AFTER.total_seconds())}


def card(person_id: str, phone: str, sms_code: str) -> dict[str, Any]:
    """The itinerary card: a valid SMS code for the phone, then the cities of the period."""
    check_mainland_mobile(phone)
    otp.verify_code(OTP_PURPOSE, phone, sms_code)
    moment = clock.now()
    first_day, last_day = period(clock.local_date(moment))
    visits = latest_per_city(get_itinerary_provider().cities(phone, first_day, last_day), first_day, last_day)
    return {
        "phone_masked": pii.mask_phone(phone),
        "queried_at": clock.iso(moment),
        "period": {"from": first_day.isoformat(), "to": last_day.isoformat(), "days": PERIOD_DAYS},
        "cities": [{"city": visit.city, "date": visit.day.isoformat()} for visit in visits],
    }
