"""Showing a code (亮码): the signed QR, the colour with its reasons, and the three-day display log."""

from __future__ import annotations

import secrets as random
from datetime import timedelta
from typing import Any

from . import clock
from .errors import InvalidCode
from .models import DisplayLogEntry, Person
from .paging import start_key
from .people import get as get_person
from .reasons import describe
from .status import as_of
from .tokens import PERSON_CODES, CodeClaims, CodeType, get_keyring, verify

CODE_TYPE_OF_KIND = {"INBOUND": CodeType.INBOUND}


def code_type_for(person: Person) -> CodeType:
    return CODE_TYPE_OF_KIND.get(person.kind, CodeType.RESIDENT)


def show_code(subject: str, shown_by: str) -> dict[str, Any]:
    """One read of the person, one write of the display log; colour comes from the stored status as it stands now
    (`status.as_of`: a period that ran out since the last review no longer counts)."""
    person = get_person(subject)
    moment = clock.now()
    shown = as_of(person.color, person.reasons, moment)
    code_type = code_type_for(person)
    qr = get_keyring().sign(code_type, person.person_id, int(person.code_version), int(moment.timestamp()))
    DisplayLogEntry(
        person_id=person.person_id,
        at=f"{clock.iso(moment)}#{random.token_hex(3)}",
        color=shown.color,
        code_type=code_type.value,
        shown_by=shown_by if shown_by != subject else None,
        expires_at=moment + timedelta(days=3),
    ).save()
    return {
        "person_id": person.person_id,
        "color": shown.color,
        "reasons": describe(shown.reasons),
        "qr": qr,
        "code_type": code_type.value,
        "name_masked": person.name_masked,
        "updated_at": shown.since or person.status_updated_at or person.created_at,
        "nucleic_acid": person.nucleic_acid,  # FAQ 11: the latest test from 20 April 2020 on, or null
    }


def display_log(subject: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    """Displays of the last three days, newest first; the key condition leaves expired items out."""
    since = clock.iso(clock.now() - timedelta(days=3))
    page = DisplayLogEntry.query(
        subject,
        DisplayLogEntry.at >= since,
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start_key(cursor, DisplayLogEntry, subject, since=since),
    )
    items = [
        {"at": entry.at.split("#")[0], "color": entry.color, "code_type": entry.code_type, "result": entry.result}
        for entry in page
    ]
    return items, page.last_evaluated_key


def person_from_code(qr: str, accepted: frozenset[CodeType] | set[CodeType] = PERSON_CODES) -> tuple[Person, CodeClaims]:
    """The person a scanned code stands for: signature, kid, type, then revocation by code version.

    Every failure is INVALID_CODE (400) and nothing is written: a forged, tampered, unknown-kid,
    wrongly typed or revoked (re-issued) code never reaches a record.
    """
    claims = verify(qr, accepted)
    try:
        person = Person.get(claims.subject)
    except Person.DoesNotExist:
        person = None
    return check_holder(claims, person), claims


def check_holder(claims: CodeClaims, person: Person | None) -> Person:
    """The checks a verified code must pass against its person (read however the caller reads it)."""
    if person is None:
        raise InvalidCode("Code of an unknown person", "粤康码对应人员不存在", field="qr")
    if claims.version != int(person.code_version):
        raise InvalidCode("This code has been re-issued; the old one is revoked", "该码已重新生成，旧码已作废", field="qr")
    expected = {CodeType.PHYSICAL, code_type_for(person)}
    if claims.type in PERSON_CODES and claims.type not in expected:
        raise InvalidCode("Code type does not match the person", "码类型与人员不符", field="qr")
    return person
