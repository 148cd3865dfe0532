"""Per-caller limits: requests per source IP (public routes) or per person (some session routes) per window, 429
beyond; and attempts at a secret reserved before it is compared.

The routes anyone can call without a session either tell whether someone exists (inbound apply: entry record or
not) or cost something real (an SMS, an identity-provider check, a drawn captcha). Each of them takes one count
from its limit for the caller's address (`requestContext.identity.sourceIp`, set by API Gateway from the
connection; behind CloudFront, CloudFront's `CloudFront-Viewer-Address` when the request proves it came through
CloudFront, see viewer) once the request is well-formed, and before it reads or sends anything:

    inbound-apply   POST /v1/inbound/apply   30 per 10 minutes
    auth-captcha    POST /v1/auth/captcha    60 per 10 minutes
    auth-sms-code   POST /v1/auth/sms-code   20 per 10 minutes (each phone has its own limits too, see otp)
    auth-login      POST /v1/auth/login     100 per 10 minutes
    auth-sms-login  POST /v1/auth/sms-login  60 per 10 minutes (each phone also locks after 5 wrong codes, see otp)

Generous on purpose: many phones share one address behind carrier NAT, and a real user never comes near them.

Some routes behind a session would let one person try without end what they must not enumerate (is this name and
ID number registered? which join codes exist?) or send SMS to any number; they count per person (`take_per_person`,
the session's person id, whatever the address):

    itinerary-sms-code  POST /v1/itinerary/sms-code                  10 per hour (each phone has its own, see otp)
    venue-admin-offer   POST /v1/venues/{id}/admin-transfer           10 per hour
    org-admin-offer     POST /v1/orgs/{id}/admin-transfer             10 per hour
    join-code           POST /v1/venues/join, /v1/orgs/join           20 per hour, shared by the two

The environment variable RATE_LIMITS overrides them (local load tests): `auth-login=1000/600,inbound-apply=off`,
`join-code=off`.

Attempts at a secret (SMS codes, inbound names) are counted by `reserve_attempt` before the secret is compared:
one conditional write takes attempt n of the limit, and only a taken attempt compares, so containers racing each
other compare `limit` answers between them at most (a read-then-write count let 20 containers compare 24 codes).

A fixed window per limit and address (or person): one item in the auth table, `rate#<limit>#<HMAC of the address>#
<window start>` (`rate#<limit>#person#<person_id>#<window start>`) -> count, expires_at = window end (TTL). One conditional UpdateItem counts and checks at once (no read,
no scan); refused, it writes nothing and answers 429 TOO_MANY_REQUESTS with Retry-After = the rest of the window.
The address is stored only as a keyed hash, like phones and document numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from healthcode.core import clock, pii, viewer
from healthcode.core.config import get_config
from healthcode.core.errors import TooManyRequests
from healthcode.models import AuthItem


@dataclass(frozen=True)
class Limit:
    requests: int
    window: timedelta


INBOUND_APPLY = "inbound-apply"
AUTH_CAPTCHA = "auth-captcha"
AUTH_SMS_CODE = "auth-sms-code"
AUTH_LOGIN = "auth-login"
AUTH_SMS_LOGIN = "auth-sms-login"
ITINERARY_SMS_CODE = "itinerary-sms-code"
VENUE_ADMIN_OFFER = "venue-admin-offer"
ORG_ADMIN_OFFER = "org-admin-offer"
JOIN_CODE = "join-code"

LIMITS = {
    INBOUND_APPLY: Limit(30, timedelta(minutes=10)),
    AUTH_CAPTCHA: Limit(60, timedelta(minutes=10)),
    AUTH_SMS_CODE: Limit(20, timedelta(minutes=10)),
    AUTH_LOGIN: Limit(100, timedelta(minutes=10)),
    AUTH_SMS_LOGIN: Limit(60, timedelta(minutes=10)),
    ITINERARY_SMS_CODE: Limit(10, timedelta(hours=1)),
    VENUE_ADMIN_OFFER: Limit(10, timedelta(hours=1)),
    ORG_ADMIN_OFFER: Limit(10, timedelta(hours=1)),
    JOIN_CODE: Limit(20, timedelta(hours=1)),
}


def _overrides(text: str) -> dict[str, Limit | None]:
    """`name=requests/seconds` or `name=off`, comma-separated; malformed entries are ignored (defaults stand)."""
    found: dict[str, Limit | None] = {}
    for part in text.split(","):
        name, _, value = part.strip().partition("=")
        name, value = name.strip(), value.strip().lower()
        if name not in LIMITS:
            continue
        if value == "off":
            found[name] = None
            continue
        requests, _, seconds = value.partition("/")
        if requests.isdigit() and seconds.isdigit() and int(requests) > 0 and int(seconds) > 0:
            found[name] = Limit(int(requests), timedelta(seconds=int(seconds)))
    return found


def limit_for(name: str) -> Limit | None:
    """The limit in force (None: switched off by RATE_LIMITS)."""
    overrides = _overrides(get_config().rate_limits)
    return overrides[name] if name in overrides else LIMITS[name]


def source_ip(router: Any) -> str:
    """The caller's address: the connection's, or CloudFront's viewer address when trusted (viewer.client_address)."""
    event = router.current_event
    return viewer.client_address(event.headers, event.request_context.identity.source_ip, event.multi_value_headers)


def window(limit: Limit, now: datetime) -> tuple[int, datetime]:
    """(start of the fixed window holding `now` in epoch seconds, its end)."""
    seconds = int(limit.window.total_seconds())
    start = int(now.timestamp()) // seconds * seconds
    return start, datetime.fromtimestamp(start + seconds, clock.SHANGHAI)


def take(name: str, address: str | None, now: datetime | None = None) -> None:
    """Count one request of `address` against limit `name`, or raise 429 (Retry-After) writing nothing.

    `address` None means an internal caller (demo seeding, back-office code), which has no limit.
    """
    if address is None:
        return
    _count(name, f"{pii.lookup_hash('ip', address)}", now, "Too many requests from your network; try again in a "
           "few minutes")


def take_per_person(name: str, person_id: str, now: datetime | None = None) -> None:
    """Count one request of the person `person_id` (a session's, an opaque ULID) against limit `name`, or 429."""
    _count(name, f"person#{person_id}", now, "Too many attempts; try again later")


def _count(name: str, who: str, now: datetime | None, message: str) -> None:
    limit = limit_for(name)
    if limit is None:
        return
    now = now or clock.now()
    start, ends = window(limit, now)
    item = AuthItem(key=f"rate#{name}#{who}#{start}")
    try:
        item.update(actions=[AuthItem.count.add(1), AuthItem.expires_at.set(ends)],
                    condition=AuthItem.count.does_not_exist() | (AuthItem.count < limit.requests))
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        minutes = max(1, round(limit.window.total_seconds() / 60))
        raise TooManyRequests(math.ceil((ends - now).total_seconds()),
                              f"{message} (at most {limit.requests} per {minutes} minutes)",
                              "操作过于频繁，请稍后再试") from None


def reserve_attempt(key: str, limit: int, lasts: timedelta, now: datetime) -> int | None:
    """Take one of `limit` attempts counted under `key` (the count lives `lasts` after the latest attempt), before
    anything is compared; the attempt's number (1..limit), or None when all are taken.

    Atomic, never read-then-write: many containers guessing at once get `limit` comparisons between them, no more.
    A live count below the limit is raised by one conditional UpdateItem (`count < limit`); a missing or expired
    count is started at 1 by a conditional put. Taken attempts are never given back: once the limit is reached,
    nobody compares until the count expires (which is also when the lock the caller writes ends).
    """
    for _ in range(3):
        attempts = AuthItem(key=key)
        try:
            attempts.update(actions=[AuthItem.count.add(1), AuthItem.expires_at.set(now + lasts)],
                            condition=(AuthItem.expires_at > now) & (AuthItem.count < limit))
            return int(attempts.count)
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
        try:
            AuthItem(key=key, count=1, expires_at=now + lasts).save(
                condition=AuthItem.key.does_not_exist() | (AuthItem.expires_at <= now))
            return 1
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            # Live and at the limit, or started by another container a moment ago: the update above decides.
    return None


def release_attempt(key: str) -> None:
    """Give back an attempt reserved by `reserve_attempt` whose answer was right: only wrong answers count."""
    try:
        AuthItem(key=key).update(actions=[AuthItem.count.add(-1)], condition=AuthItem.count > 0)
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def seconds_until_free(key: str, now: datetime, default: timedelta) -> int:
    """When `reserve_attempt` refused: how long until its attempts expire (Retry-After); read on that path only."""
    try:
        attempts = AuthItem.get(key, consistent_read=True)
    except AuthItem.DoesNotExist:
        return 1
    if attempts.expires_at is None:
        return int(default.total_seconds())
    return max(1, math.ceil((attempts.expires_at - now).total_seconds()))
