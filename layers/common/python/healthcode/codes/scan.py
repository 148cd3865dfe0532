"""Scanning someone's code (inspectors, grid workers, medical staff): who may scan, what they see, the audit trail.

Inspectors are people bound to a venue (a `VENUE#<place_id>` relation), grid workers people bound to a grid
(`GRID#<place_id>`), medical staff people holding the `medical` role. The answer shows the person masked, with
the stored colour, its reasons and their latest declaration; every scan writes an audit entry. A forged,
tampered, wrongly typed, unknown-kid or revoked code is 400 INVALID_CODE and writes nothing.
"""

from __future__ import annotations

from typing import Any

from healthcode.codes.display import person_from_code
from healthcode.colour.reasons import describe
from healthcode.colour.status import as_of
from healthcode.core import audit, clock
from healthcode.core.caller import Caller
from healthcode.core.errors import Forbidden
from healthcode.identity.roles import MEDICAL
from healthcode.models import Relation
from healthcode.models.declarations import latest_summary

INSPECTOR = "inspector"
GRID_WORKER = "grid_worker"


def _bound_to(person_id: str, kind: str) -> bool:
    return any(True for _ in Relation.query(person_id, Relation.sk.startswith(f"{kind}#"), limit=1))


def scanner_role(who: Caller) -> str:
    """The role a scan is made in: medical (session role), else inspector, else grid worker; else 403."""
    if who.has(MEDICAL):
        return MEDICAL
    if _bound_to(who.person_id, "VENUE"):
        return INSPECTOR
    if _bound_to(who.person_id, "GRID"):
        return GRID_WORKER
    raise Forbidden("Only inspectors, grid workers and medical staff may scan codes",
                    "仅场所检测员、网格员和医护人员可扫码查看")


def scan(who: Caller, qr: str) -> dict[str, Any]:
    role = scanner_role(who)
    person, claims = person_from_code(qr)
    moment = clock.now()
    shown = as_of(person.color, person.reasons, moment)  # a period that ran out since the last review is over
    answer: dict[str, Any] = {
        "person_id": person.person_id,
        "name_masked": person.name_masked,
        "phone_masked": person.phone_masked,
        "color": shown.color,
        "reasons": describe(shown.reasons),
        "code_type": claims.type.value,
        "status_updated_at": shown.since or person.status_updated_at or person.created_at,
        "latest_declaration": latest_summary(person.person_id),
        "scanned_at": clock.iso(moment),
        "scanned_as": role,
    }
    if role == MEDICAL:  # the release notice is prefilled with the document, masked
        answer |= {"id_type": person.id_type, "id_masked": person.id_masked}
    audit.record(person.person_id, who.person_id, "SCAN", purpose=role)
    return answer
