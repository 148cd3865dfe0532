"""Roles carried in the session: resident always; system admin by configuration; granted roles by relation."""

from __future__ import annotations

from healthcode.core.config import get_config
from healthcode.core.errors import InboundCodeOnly
from healthcode.identity.idnumbers import IdDocument
from healthcode.identity.people import INBOUND_KIND
from healthcode.models import Person, Relation

RESIDENT = "resident"
INBOUND = "inbound"
SYSTEM_ADMIN = "system_admin"
MEDICAL = "medical"


def roles_at_login(person: Person, document: IdDocument) -> list[str]:
    """The roles on record; the medical role granted by name and phone is claimed by login (grants.claim_grant)."""
    roles = [INBOUND if person.kind == INBOUND_KIND else RESIDENT]
    if document.number.upper() in get_config().system_admin_ids:
        roles.append(SYSTEM_ADMIN)
    for grant in Relation.query(person.person_id, Relation.sk.startswith("ROLE#")):
        if grant.target not in roles:
            roles.append(grant.target)
    return roles


def refuse_inbound(roles: frozenset[str] | set[str] | list[str]) -> None:
    """403 INBOUND_CODE_ONLY for an inbound session, before anything is read or written."""
    if INBOUND in roles:
        raise InboundCodeOnly()
