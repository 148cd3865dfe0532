"""Showing a code (亮码): the signed QR, the colour with its reasons, and the three-day display log."""

from __future__ import annotations

import secrets as random
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from healthcode.codes.tokens import PERSON_CODES, CodeClaims, CodeType, get_keyring, verify
from healthcode.colour.reasons import describe
from healthcode.colour.status import as_of
from healthcode.core import clock
from healthcode.core.errors import ApiError, DisplayFailed, InvalidCode
from healthcode.core.paging import start_key
from healthcode.identity.people import get as get_person
from healthcode.models import DisplayLogEntry, Person

logger = Logger(child=True)
CODE_TYPE_OF_KIND = {"INBOUND": CodeType.INBOUND}


def code_type_for(person: Person) -> CodeType:
    return CODE_TYPE_OF_KIND.get(person.kind, CodeType.RESIDENT)


SUCCESS, FAILED = "SUCCESS", "FAILED"
RESULT_LABELS = {SUCCESS: "亮码成功", FAILED: "亮码失败"}


def show_code(subject: str, shown_by: str) -> dict[str, Any]:
    """One read of the person, one write of the display log; colour comes from the stored status as it stands now
    (`status.as_of`: a period that ran out since the last review no longer counts).

    A display the server could not complete (the person unreadable, the code not signed, the log not written: a
    busy table, KMS or Secrets Manager) is logged as FAILED for the person whose code it was (FAQ 2: the display
    log tells whether each display succeeded) and answered 503 DISPLAY_FAILED. A request that is wrong (no such
    person) is no display and logs nothing.
    """
    moment = clock.now()
    try:
        return _show(subject, shown_by, moment)
    except ApiError as error:
        if error.status < 500:
            raise
        _log_failure(subject, shown_by, moment, error.code)
        raise DisplayFailed() from error
    except Exception as error:  # noqa: BLE001 - any fault of ours or upstream: the holder sees 亮码失败
        logger.warning("code display failed", extra={"error": type(error).__name__}, exc_info=True)
        _log_failure(subject, shown_by, moment, "INTERNAL" if not _is_upstream(error) else "UPSTREAM_UNAVAILABLE")
        raise DisplayFailed() from error


def _is_upstream(error: Exception) -> bool:
    from botocore.exceptions import BotoCoreError, ClientError

    return isinstance(error, (BotoCoreError, ClientError))


def _entry(subject: str, shown_by: str, moment: datetime, **fields: Any) -> DisplayLogEntry:
    return DisplayLogEntry(person_id=subject, at=f"{clock.iso(moment)}#{random.token_hex(3)}",
                           shown_by=shown_by if shown_by != subject else None,
                           expires_at=moment + timedelta(days=3), **fields)


def _log_failure(subject: str, shown_by: str, moment: datetime, failure: str) -> None:
    """Best effort: when the log itself cannot be written (the table is what failed), there is nothing to add."""
    try:
        _entry(subject, shown_by, moment, result=FAILED, failure=failure).save()
    except Exception:  # noqa: BLE001
        logger.warning("failed display not logged", exc_info=True)


def _show(subject: str, shown_by: str, moment: datetime) -> dict[str, Any]:
    person = get_person(subject)
    shown = as_of(person.color, person.reasons, moment)
    code_type = code_type_for(person)
    qr = get_keyring().sign(code_type, person.person_id, int(person.code_version), int(moment.timestamp()))
    _entry(person.person_id, shown_by, moment, color=shown.color, code_type=code_type.value, result=SUCCESS).save()
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


def log_item(entry: DisplayLogEntry) -> dict[str, Any]:
    """One display as the display log and the records show it: when, colour and code type (when known), and
    whether it succeeded (`result`, `ok`, `result_label`; FAQ 2)."""
    result = entry.result or SUCCESS
    return {"at": entry.at.split("#")[0], "color": entry.color, "code_type": entry.code_type, "result": result,
            "ok": result == SUCCESS, "result_label": RESULT_LABELS.get(result, RESULT_LABELS[FAILED])}


def display_log(subject: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    """Displays of the last three days, newest first, failed ones included; the key condition leaves expired items
    out."""
    since = clock.iso(clock.now() - timedelta(days=3))
    page = DisplayLogEntry.query(
        subject,
        DisplayLogEntry.at >= since,
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start_key(cursor, DisplayLogEntry, subject, since=since),
    )
    return [log_item(entry) for entry in page], page.last_evaluated_key


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
