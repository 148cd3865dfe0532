"""The audit trail of one person (the console, system admins): who read their personal data, when, why and where.

One Query of the audit table on the person (PK subject, newest first), one BatchGetItem of the readers' masked names;
never a scan. Reading the trail is itself a read of the person's data: it leaves an entry of its own.
"""

from __future__ import annotations

import re
from typing import Any

from healthcode.core import audit
from healthcode.core.caller import Caller
from healthcode.core.errors import Forbidden, ValidationFailed
from healthcode.core.paging import start_key
from healthcode.identity.people import masked_names
from healthcode.identity.roles import SYSTEM_ADMIN
from healthcode.models import AuditEntry

SUBJECT = re.compile(r"^[0-9A-Za-z_:-]{1,64}$")
ACTION = "AUDIT_TRAIL_READ"


def trail(who: Caller, subject: str | None, limit: int, cursor: dict[str, Any] | None) -> dict[str, Any]:
    """GET /v1/admin/audit?subject=<person_id>: a page of the person's audit entries, newest first."""
    if not who.has(SYSTEM_ADMIN):
        raise Forbidden("Only system admins read the audit trail", "仅系统管理员可查看数据访问记录")
    if not subject or not SUBJECT.match(subject):
        raise ValidationFailed("subject must be a person_id", "请填写人员编号", field="subject")
    page = AuditEntry.query(subject, scan_index_forward=False, limit=limit,
                            last_evaluated_key=start_key(cursor, AuditEntry, subject))
    entries = list(page)
    readers = sorted({e.actor for e in entries if not e.actor.startswith("partner:")} | {subject})
    names = masked_names(readers)
    if subject in names:  # an unknown subject has nothing to read: no entry
        audit.record(subject, who.person_id, ACTION, purpose=SYSTEM_ADMIN)
    items = [{"at": e.at.split("#", 1)[0], "actor": e.actor, "actor_name_masked": names.get(e.actor),
              "action": e.action, "purpose": e.purpose, "place_id": e.place_id} for e in entries]
    return {"subject": subject, "subject_name_masked": names.get(subject), "items": items,
            "last_key": page.last_evaluated_key}
