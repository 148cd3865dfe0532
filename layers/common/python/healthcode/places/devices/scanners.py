"""Scanner devices (数字哨兵): venue-registered code scanners and ID-card readers with a thermal sensor.

Registration (the venue's admin): `POST /v1/venues/{id}/devices {name}` answers the device key ONCE. Stored:
- `device#<device_id>` in the auth table -> place_id, data {key_hash: SHA-256 of the key, name, created_at}: what
  the authorizer reads (one GetItem, consistent) for every device request. The key is `ykd1.<device_id>.<secret>`
  (secret: 256 random bits), so the authorizer finds the item by id and compares digests in constant time; like
  partner keys only the digest is kept. Revocation DELETES this item, in the same transaction as the listing's
  update: with the authorizer uncached (ReauthorizeEvery: 0) the next request of a revoked device is a 401.
- a DEVICE relation (owner = device_id, target = place_id; the inverse index lists a venue's devices), data
  {name, status ACTIVE|REVOKED, revoked_at}: the admin's list, revoked devices included.

Device checks (`POST /v1/device/checks`, header x-device-key, Idempotency-Key required): a scanned code (verified
by signature, as an inspector's check) or an ID card read (number and name from the chip), a temperature in °C and
the time of measurement. The check is a Check item of kind VENUE_CHECK with the device as its `inspector_id` (and
the device's name where an inspector's masked name goes), so stats_stream counts it in the venue's statistics with
the device as one of the "inspector" rows, without a change to the stream. It is placed by `measured_at`, not
by the arrival: partition `<place_id>#<local date of measurement>`, sort key `<measured_at>#<check_id>`, hour
bucket from measured_at - a device that was offline sends its queue later and each check lands in its own day and
hour. The check_id is derived from (device, Idempotency-Key, measured_at), so the check's key is the same however
often it is sent: within 24 h the idempotency record answers a re-send with the first answer; after that a re-send
overwrites the same item (a MODIFY, which stats_stream does not count). Each check is counted once either way.

The bound on age: a check measured more than 72 h ago is refused (400 naming measured_at). 72 h covers a device
cut off from Friday evening to Monday morning (a weekend, the usual long outage of a small venue's network) with
room to spare; older readings no longer help anyone trace today's contacts, and a device whose clock is days off
should be noticed, not trusted. A measurement more than 2 minutes in the future (clock skew allowed) is refused.

An ID card: the number is looked up by its keyed hash, never stored, in the people's GSI `by_document` (keyed by
that hash, projecting only the status, masked name, kind, gender and birth date): one Query finds the person with
their current status, where going through the document's marker (`person#<hmac>`) would take a second read.
The index is current without any copy to keep in step (eventually consistent, like the person read of a code).
An ID card of a person the system does not know: feeds create the person of every document they carry,
so a person with fed facts (a test result, a quarantine) is known before ever logging in, and is answered from
those facts. A number with no person at all is answered `color: UNKNOWN`, decision STOP (the gate cannot say
the visitor is green; a person at the gate looks at their paper proof or registers them), and nothing is stored
or counted: a check needs a subject, and creating a person from a chip read that no one has verified would put
identities in the system on a reader's word. The device never receives a full name, phone or ID number.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pynamodb.exceptions import DoesNotExist
from ulid import ULID

from healthcode.codes.display import check_holder, code_type_for
from healthcode.codes.tokens import PERSON_CODES, get_keyring
from healthcode.colour.reasons import describe
from healthcode.colour.status import as_of
from healthcode.core import audit, clock
from healthcode.core.batch import put_new
from healthcode.core.errors import Forbidden, InvalidIdNumber, NotFound, TooManyDevices, ValidationFailed
from healthcode.core.idempotency import Idempotent
from healthcode.core.pii import key_digest
from healthcode.core.tx import Tx
from healthcode.identity.device_keys import ID_PREFIX, KEY_VERSION, DeviceIdentity, auth_key
from healthcode.identity.idnumbers import parse_document
from healthcode.identity.people import id_hash, status_by_document
from healthcode.models import AuthItem, Check, Person, Place, Relation
from healthcode.places.venues.checks import VENUE_CHECK, age_group
from healthcode.places.venues.places import venue_of_admin
from healthcode.residents.declarations import FEVER_FROM

DEVICE = "DEVICE"  # relation kind
MAX_DEVICES = 50  # per venue, active or revoked
MAX_AGE = timedelta(hours=72)  # queued offline checks older than this are refused (see the module docstring)
CLOCK_SKEW = timedelta(minutes=2)  # a device clock this far ahead is still taken
TEMPERATURE_RANGE = (Decimal("30"), Decimal("45"))  # what a thermal sensor reads off a person; outside: 400
DEVICE_CHECK_ACTION = "DEVICE_CHECK"


def temperature_class(celsius: Decimal) -> str:
    """NORMAL or FEVER: the one threshold of the product (declarations' FEVER_FROM, 37.3 °C)."""
    return "FEVER" if celsius >= FEVER_FROM else "NORMAL"


# ---------------------------------------------------------------- the admin's side


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned or len(cleaned) > 40 or any(ord(c) < 32 for c in cleaned):
        raise ValidationFailed("name: 1-40 printable characters", "设备名称须为1-40个字符", field="name")
    return cleaned


def _view(relation: Relation) -> dict[str, Any]:
    data = relation.data or {}
    return {"device_id": relation.owner, "name": data.get("name", ""), "status": data.get("status", "ACTIVE"),
            "created_at": relation.created_at, "revoked_at": data.get("revoked_at")}


def _relations(place_id: str) -> list[Relation]:
    return list(Relation.inverse.query(place_id, Relation.inverse_sk.startswith(f"{DEVICE}#"),
                                       limit=MAX_DEVICES + 1))


def register(place_id: str, admin_id: str, name: str) -> dict[str, Any]:
    """A new device of the admin's venue; the answer holds its key, which is never shown again."""
    name = _clean_name(name)
    venue_of_admin(place_id, admin_id)  # 404 / 403 (field id)
    if len(_relations(place_id)) >= MAX_DEVICES:
        raise TooManyDevices(MAX_DEVICES, field="id")
    device_id = f"{ID_PREFIX}{ULID()}"
    key = f"{KEY_VERSION}.{device_id}.{secrets.token_urlsafe(32)}"
    now = clock.iso(clock.now())
    relation = Relation.make(device_id, DEVICE, place_id, now, data={"name": name, "status": "ACTIVE",
                                                                     "created_by": admin_id})
    (Tx()
     .put("auth", AuthItem(key=auth_key(device_id), value=place_id,
                           data={"key_hash": key_digest(key), "name": name, "created_at": now}),
          condition=AuthItem.key.does_not_exist())
     .put("relation", relation)
     .commit())
    return _view(relation) | {"device_key": key}


def list_devices(place_id: str, admin_id: str) -> dict[str, Any]:
    venue_of_admin(place_id, admin_id)
    devices = sorted((_view(r) for r in _relations(place_id)), key=lambda d: d["created_at"], reverse=True)
    return {"place_id": place_id, "devices": devices}


def revoke(place_id: str, admin_id: str, device_id: str) -> dict[str, Any]:
    """Delete the key's item (the authorizer refuses the key from now on) and mark the listing REVOKED."""
    venue_of_admin(place_id, admin_id)
    try:
        relation = Relation.get(device_id, f"{DEVICE}#{place_id}", consistent_read=True)
    except DoesNotExist:
        raise NotFound("No such device at this venue", "该场所没有此设备", field="device_id") from None
    data = dict(relation.data or {})
    if data.get("status") == "REVOKED":
        return _view(relation)
    data |= {"status": "REVOKED", "revoked_at": clock.iso(clock.now()), "revoked_by": admin_id}
    (Tx()
     .delete("auth", AuthItem(key=auth_key(device_id)))
     .update("relation", relation, actions=[Relation.data.set(data)])
     .commit())
    relation.data = data
    return _view(relation)


# ---------------------------------------------------------------- the device's side


def parse_measured_at(text: str, now: datetime) -> datetime:
    try:
        moment = clock.parse(text)
    except (TypeError, ValueError):
        raise ValidationFailed("measured_at: an ISO 8601 date and time, e.g. 2026-12-07T09:30:00+08:00",
                               "测温时间格式有误", field="measured_at") from None
    if moment > now + CLOCK_SKEW:
        raise ValidationFailed("measured_at is in the future (check the device's clock)", "测温时间晚于当前时间",
                               field="measured_at")
    if moment < now - MAX_AGE:
        hours = int(MAX_AGE.total_seconds() // 3600)
        raise ValidationFailed(f"measured_at is more than {hours} h ago: too old to be recorded",
                               f"测温时间早于{hours}小时前，不再登记", field="measured_at")
    return moment


def parse_temperature(value: float | str | Decimal) -> Decimal:
    """The reading to 0.1 °C, half up (what a sensor displays; 37.25 is 37.3, a fever); 400 outside 30-45 °C or
    for what is no number (NaN, infinity)."""
    try:
        celsius = Decimal(str(value))
        if not celsius.is_finite():
            raise ArithmeticError("not a number")
        celsius = celsius.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    except ArithmeticError:
        raise ValidationFailed("temperature_c: a number of °C", "体温须为数字", field="temperature_c") from None
    low, high = TEMPERATURE_RANGE
    if not low <= celsius <= high:
        raise ValidationFailed(f"temperature_c must be between {low} and {high} °C", f"体温须在{low}至{high}°C之间",
                               field="temperature_c")
    return celsius


def id_card_lookup(id_number: str) -> str:
    """The ID number's keyed hash (the key of the people's `by_document`), or 400 naming id_card.id_number; the
    number itself goes no further than this function."""
    try:
        document = parse_document("ID_CARD", id_number)
    except InvalidIdNumber as error:
        raise InvalidIdNumber(error.message, error.message_zh, field="id_card.id_number") from None
    return id_hash(document)


def _check_id(device_id: str, idempotency_key: str, measured: datetime) -> str:
    """A ULID whose time is the measurement and whose randomness is a digest of (device, key): the same check sent
    again has the same item key."""
    digest = hashlib.sha256(f"{device_id}|{idempotency_key}|{clock.iso(measured)}".encode()).digest()
    millis = int(measured.timestamp() * 1000)
    return str(ULID.from_bytes(millis.to_bytes(6, "big") + digest[:10]))


def _unknown(temperature: str) -> dict[str, Any]:
    reasons = [{"code": "NO_RECORD", "label": "未查询到该证件的健康码信息",
                "guide": "请出示粤康码、纸质证明，或由工作人员人工登记"}]
    if temperature == "FEVER":
        reasons.append(_fever_reason())
    return {"decision": "STOP", "color": "UNKNOWN", "reasons": reasons, "name_masked": None,
            "temperature": temperature, "recorded": False}


def _fever_reason() -> dict[str, str]:
    return {"code": "FEVER", "label": f"体温异常（≥{FEVER_FROM}°C）", "guide": "请复测体温，并按当地防疫规定处置"}


def _record(request: dict[str, Any]) -> dict[str, Any]:
    device_id, place_id = request["device_id"], request["place_id"]
    measured = clock.parse(request["measured_at"])
    celsius = Decimal(request["temperature_c"])
    temperature = temperature_class(celsius)
    if request.get("qr"):
        claims = get_keyring().verify(request["qr"], PERSON_CODES)
        try:
            found: Person | None = Person.get(claims.subject)  # DynamoDB call: the person
        except DoesNotExist:
            found = None
        person = check_holder(claims, found)
        code_type, source = claims.type.value, "QR"
    else:
        by_card = status_by_document(request["id_lookup"])  # DynamoDB call: the person, by the number's hash
        if by_card is None:
            return _unknown(temperature)
        person = by_card
        code_type, source = code_type_for(person).value, "ID_CARD"
    shown = as_of(person.color, person.reasons, clock.now())
    check_id = _check_id(device_id, request["idempotency_key"], measured)
    at = clock.iso(measured)
    details: dict[str, Any] = {"inspector_name_masked": request["device_name"], "device": True, "source": source,
                               "temperature_c": str(celsius), "received_at": clock.iso(clock.now())}
    if shown.color == "RED":
        details["reasons"] = [r["code"] for r in shown.reasons]
    check = Check(place_date=f"{place_id}#{clock.local_date(measured).isoformat()}", sk=f"{at}#{check_id}",
                  check_id=check_id, place_id=place_id, kind=VENUE_CHECK, person_id=person.person_id,
                  inspector_id=device_id, temperature=temperature, color=shown.color, code_type=code_type,
                  gender=person.gender or "unknown", age_group=age_group(person.birth_date, clock.local_date(measured)),
                  checked_at=at, details=details)
    entry = audit.entry(person.person_id, device_id, DEVICE_CHECK_ACTION,
                        f"device temperature check ({'ID card' if source == 'ID_CARD' else 'code'})", place_id)
    put_new(check, entry)  # DynamoDB call: the check and its audit entry
    reasons = describe(shown.reasons)
    if temperature == "FEVER":
        reasons.append(_fever_reason())
    return {
        "check_id": check_id, "place_id": place_id, "device_id": device_id,
        "decision": "PASS" if shown.color == "GREEN" and temperature == "NORMAL" else "STOP",
        "color": shown.color, "reasons": reasons, "name_masked": person.name_masked,
        "temperature": temperature, "temperature_c": float(celsius), "measured_at": at, "code_type": code_type,
        "recorded": True,
    }


# key = venue + device + Idempotency-Key; the payload carries the ID card only as its keyed hash
CHECK_ONCE = Idempotent(_record, key_fields=("place_id", "device_id", "idempotency_key"),
                        payload_fields=("qr", "id_lookup", "temperature_c", "measured_at"), mark_replayed=True)


def device_check(device: DeviceIdentity, idempotency_key: str, qr: str | None, id_number: str | None,
                 temperature_c: float, measured_at: str, place_id: str | None = None) -> dict[str, Any]:
    """POST /v1/device/checks: every input checked (400 naming the field, nothing written) before anything is read."""
    if place_id is not None and place_id != device.place_id:
        raise Forbidden("A device records checks only for its own venue", "设备只能为其登记的场所测温",
                        field="place_id")
    if (qr is None) == (id_number is None):
        raise ValidationFailed("Send exactly one of qr and id_card", "请提供粤康码或身份证信息之一", field="qr")
    now = clock.now()
    measured = parse_measured_at(measured_at, now)
    celsius = parse_temperature(temperature_c)
    id_lookup = id_card_lookup(id_number) if id_number is not None else None
    if qr is not None:
        get_keyring().verify(qr, PERSON_CODES)  # 400 INVALID_CODE before the idempotency record is written
    return CHECK_ONCE({"place_id": device.place_id, "device_id": device.device_id, "device_name": device.name,
                       "idempotency_key": idempotency_key, "qr": qr, "id_lookup": id_lookup,
                       "temperature_c": str(celsius), "measured_at": clock.iso(measured)})


def device_keys(device: DeviceIdentity) -> dict[str, Any]:
    """GET /v1/device/keys: what a device needs to work offline - the JWK Set, its venue, the rules it applies."""
    try:
        place = Place.get(device.place_id)
        venue = {"place_id": place.place_id, "name": place.name}
    except DoesNotExist:
        venue = {"place_id": device.place_id, "name": None}
    return get_keyring().jwks() | {
        "venue": venue, "device": {"device_id": device.device_id, "name": device.name},
        "fever_from_c": float(FEVER_FROM), "max_offline_hours": int(MAX_AGE.total_seconds() // 3600),
    }
