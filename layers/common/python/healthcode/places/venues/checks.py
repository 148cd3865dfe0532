"""Temperature checks by inspectors and quick check-ins (葵花码) by residents, as append-only Check items.

A check costs two DynamoDB calls beyond the idempotency record: one BatchGetItem reads the scanned person and
the inspector's binding together, and one BatchWriteItem stores the check and its audit entry — so an unbound
inspector, or a code that does not resolve (forged, tampered, revoked), writes nothing. The latest declaration,
shown only on request, is one more Query. Plain batch writes, not a transaction: the check's key is new (a ULID)
so it needs no condition, and the checks and audit tables are the hottest ones (moto's transactions, in the
local stack, are not safe against concurrent writers to the same tables either). Device retries carry an
Idempotency-Key: `healthcode.core.idempotency` (key = venue + inspector + Idempotency-Key) answers a retry with the
first answer, and the check is stored once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ulid import ULID

from healthcode.codes.display import check_holder, code_type_for
from healthcode.codes.tokens import PERSON_CODES, CodeClaims, CodeType, get_keyring, verify
from healthcode.colour.reasons import describe
from healthcode.colour.status import as_of
from healthcode.core import audit, clock
from healthcode.core.batch import get_many, put_new
from healthcode.core.errors import InvalidCode, NotBound, NotFound
from healthcode.core.idempotency import Idempotent
from healthcode.identity.idnumbers import age_on
from healthcode.models import Check, Person, Place, Relation
from healthcode.models.declarations import latest_summary
from healthcode.places.venues import VENUE

VENUE_CHECK = "VENUE_CHECK"
QUICK_CHECKIN = "QUICK_CHECKIN"
TEMPERATURES = ("NORMAL", "FEVER")
AGE_GROUPS = ("0-17", "18-39", "40-59", "60+", "unknown")


def age_group(birth_date: str | None, on: date) -> str:
    age = age_on(date.fromisoformat(birth_date), on) if birth_date else None
    if age is None or age < 0:
        return "unknown"
    if age < 18:
        return "0-17"
    if age < 40:
        return "18-39"
    if age < 60:
        return "40-59"
    return "60+"


def _alert(color: str) -> dict[str, str] | None:
    """FAQ 13: a red code is recorded, and the inspector is told to look at the reasons and follow local rules."""
    if color != "RED":
        return None
    return {"level": "RED", "message": "Red code: check the reasons and follow the city's handling rules",
            "message_zh": "红码人员：请查看红码原因，并按当地相应处理办法进一步核实和处理"}


def _new_check(place_id: str, person: Person, kind: str, inspector_id: str | None, temperature: str,
               code_type: str, inspector_name_masked: str | None = None) -> Check:
    moment = clock.now()
    today = clock.local_date(moment)
    check_id = str(ULID())
    at = clock.iso(moment)
    shown = as_of(person.color, person.reasons, moment)  # a period that ran out since the last review is over
    details: dict[str, Any] = {}
    if shown.color == "RED":
        details["reasons"] = [r["code"] for r in shown.reasons]
    if inspector_name_masked:  # carried to the statistics, so the admin's read needs no lookup of inspectors
        details["inspector_name_masked"] = inspector_name_masked
    return Check(
        place_date=f"{place_id}#{today.isoformat()}", sk=f"{at}#{check_id}", check_id=check_id, place_id=place_id,
        kind=kind, person_id=person.person_id, inspector_id=inspector_id, temperature=temperature,
        color=shown.color, code_type=code_type, gender=person.gender or "unknown",
        age_group=age_group(person.birth_date, today), checked_at=at,
        details=details or None,
    )


def _answer(check: Check, person: Person) -> dict[str, Any]:
    """What the inspector (or the resident) sees: masked name and phone only (FAQ 9), colour and reasons
    (as they stood at the check, the colour the check stored)."""
    shown = as_of(person.color, person.reasons, clock.parse(check.checked_at))
    return {
        "check_id": check.check_id,
        "place_id": check.place_id,
        "kind": check.kind,
        "checked_at": check.checked_at,
        "temperature": check.temperature,
        "code_type": check.code_type,
        "name_masked": person.name_masked,
        "phone_masked": person.phone_masked,
        "color": shown.color,
        "reasons": describe(shown.reasons),
        "red": shown.color == "RED",
        "alert": _alert(shown.color),
    }


# ---------------------------------------------------------------- inspector checks


def resolve(claims: CodeClaims, person: Person | None) -> Person:
    """The checks of `codes.person_from_code`, on a person read in the same BatchGetItem as the binding."""
    return check_holder(claims, person)


def _read(people: list[str], places: tuple[str, ...] | list[str] = (),
          bindings: tuple[tuple[str, str], ...] | list[tuple[str, str]] = ()) -> dict[str, list[Any]]:
    """One BatchGetItem across the people, places and relations tables (the bindings read consistently)."""
    found_people, found_places, found_bindings = get_many(
        (Person, [(p,) for p in people], False), (Place, [(p,) for p in places], False),
        (Relation, list(bindings), True))
    return {"people": found_people, "places": found_places, "bindings": found_bindings}


def _record_check(request: dict[str, Any]) -> dict[str, Any]:
    claims = verify(request["qr"], PERSON_CODES)  # forged / tampered / garbage: 400, nothing read
    place_id, inspector_id = request["place_id"], request["actor_id"]
    found = _read([claims.subject], bindings=[(inspector_id, f"{VENUE}#{place_id}")])  # DynamoDB call 1
    if not found["bindings"]:
        raise NotBound(field="id")
    person = resolve(claims, found["people"][0] if found["people"] else None)
    check = _new_check(place_id, person, VENUE_CHECK, inspector_id, request["temperature"], claims.type.value,
                       (found["bindings"][0].data or {}).get("name_masked"))
    entry = audit.entry(person.person_id, inspector_id, "VENUE_CHECK",
                        "temperature check" + (" + health declaration" if request.get("with_declaration") else ""),
                        place_id)
    put_new(check, entry)  # DynamoDB call 2
    answer = _answer(check, person)
    if request.get("with_declaration"):
        answer["latest_declaration"] = latest_summary(person.person_id)
    return answer


# Device retries: key = venue + inspector + Idempotency-Key; a replay is answered 200 with "replayed": true.
CHECK_ONCE = Idempotent(_record_check, key_fields=("place_id", "actor_id", "idempotency_key"),
                        payload_fields=("qr", "temperature", "member"), mark_replayed=True)


def record_check(place_id: str, inspector_id: str, qr: str, temperature: str, idempotency_key: str,
                 with_declaration: bool = False) -> dict[str, Any]:
    """POST /v1/venues/{id}/checks: the inspector scanned a code and measured NORMAL or FEVER."""
    return CHECK_ONCE({"place_id": place_id, "actor_id": inspector_id, "idempotency_key": idempotency_key,
                                 "qr": qr, "temperature": temperature, "member": None,
                                 "with_declaration": with_declaration})


# ---------------------------------------------------------------- quick check-in (葵花码)


def quick_code_text(place: Place) -> str:
    """The venue's signed quick check-in code: fixed per venue (issued at its creation), so printouts stay valid."""
    return get_keyring().sign(CodeType.QUICK_CHECKIN, place.place_id, 1, int(clock.parse(place.created_at).timestamp()))


def _quick_checkin(request: dict[str, Any]) -> dict[str, Any]:
    claims = verify(request["qr"], {CodeType.QUICK_CHECKIN})
    found = _read([request["subject_id"]], places=[claims.subject])  # DynamoDB call 1
    person = found["people"][0] if found["people"] else None
    place = found["places"][0] if found["places"] else None
    if place is None or place.kind != VENUE or claims.version != 1:
        raise InvalidCode("Not the quick check-in code of a venue", "不是有效的场所快速打卡码", field="qr")
    if place.status != "ACTIVE":
        raise InvalidCode("This venue no longer takes check-ins", "该场所已停用", field="qr")
    if person is None:
        raise NotFound("No such person", "未找到该人员")
    kind = code_type_for(person)
    check = _new_check(place.place_id, person, QUICK_CHECKIN, None, "NORMAL", kind.value)
    entry = audit.entry(person.person_id, request["actor_id"], "QUICK_CHECKIN", "quick check-in (葵花码)",
                        place.place_id)
    put_new(check, entry)  # DynamoDB call 2
    return _answer(check, person) | {"place_name": place.name}


QUICK_CHECKIN_ONCE = Idempotent(_quick_checkin, key_fields=("place_id", "actor_id", "idempotency_key"),
                                payload_fields=("qr", "temperature", "member"), mark_replayed=True)


def quick_checkin(subject_id: str, actor_id: str, qr: str, idempotency_key: str | None) -> dict[str, Any]:
    """POST /v1/quick-checkin: the resident (or their guardian, member=) scanned the venue's 葵花码; NORMAL."""
    place_id = verify(qr, {CodeType.QUICK_CHECKIN}).subject  # 400 before anything is stored
    return QUICK_CHECKIN_ONCE({"place_id": place_id, "actor_id": actor_id, "subject_id": subject_id,
                                  "idempotency_key": idempotency_key, "qr": qr, "temperature": "NORMAL",
                                  "member": subject_id})
