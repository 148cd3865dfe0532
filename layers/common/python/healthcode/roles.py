"""Roles carried in the session: resident always; system admin by configuration; granted roles by relation."""

from __future__ import annotations

from .core.config import get_config
from .idnumbers import IdDocument
from .models import Person, Relation

RESIDENT = "resident"
INBOUND = "inbound"
SYSTEM_ADMIN = "system_admin"
MEDICAL = "medical"


def roles_at_login(person: Person, document: IdDocument, name: str | None = None,
                   phone: str | None = None) -> list[str]:
    roles = [INBOUND if person.kind == "INBOUND" else RESIDENT]
    if document.number.upper() in get_config().system_admin_ids:
        roles.append(SYSTEM_ADMIN)
    for grant in Relation.query(person.person_id, Relation.sk.startswith("ROLE#")):
        if grant.target not in roles:
            roles.append(grant.target)
    if MEDICAL not in roles:  # medical staff are granted by name and phone (section 4.(四)), claimed at login
        from .medical import claim_grant

        if claim_grant(person.person_id, name, phone):
            roles.append(MEDICAL)
    return roles
