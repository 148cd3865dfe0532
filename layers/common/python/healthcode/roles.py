"""Roles carried in the session: resident always; system admin by configuration; granted roles by relation."""

from __future__ import annotations

from healthcode.core.config import get_config
from healthcode.identity.idnumbers import IdDocument
from healthcode.models import Person, Relation

RESIDENT = "resident"
INBOUND = "inbound"
SYSTEM_ADMIN = "system_admin"
MEDICAL = "medical"


def roles_at_login(person: Person, document: IdDocument) -> list[str]:
    """The roles on record; the medical role granted by name and phone is claimed by login (medical.claim_grant)."""
    roles = [INBOUND if person.kind == "INBOUND" else RESIDENT]
    if document.number.upper() in get_config().system_admin_ids:
        roles.append(SYSTEM_ADMIN)
    for grant in Relation.query(person.person_id, Relation.sk.startswith("ROLE#")):
        if grant.target not in roles:
            roles.append(grant.target)
    return roles
