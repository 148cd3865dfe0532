"""Roles carried in the session: resident always; system admin by configuration; granted roles by relation."""

from __future__ import annotations

from healthcode.core.config import get_config
from healthcode.core.errors import InboundCodeOnly
from healthcode.identity.idnumbers import IdDocument
from healthcode.identity.people import INBOUND_KIND
from healthcode.models import AuthItem, Person, Relation

RESIDENT = "resident"
INBOUND = "inbound"
SYSTEM_ADMIN = "system_admin"
MEDICAL = "medical"
# The places a person administers, as roles of a console session (sms_login): what the console shows follows them;
# every route still checks the place's admin itself, so a role outliving an admin change opens nothing.
PLACE_ADMIN_ROLES = {"ORG": "org_admin", "VENUE": "venue_admin", "GRID": "grid_admin"}


def roles_at_login(person: Person, document: IdDocument) -> list[str]:
    """The roles on record; the medical role granted by name and phone is claimed by login (grants.claim_grant)."""
    roles = [INBOUND if person.kind == INBOUND_KIND else RESIDENT]
    if document.number.upper() in get_config().system_admin_ids:
        roles.append(SYSTEM_ADMIN)
    for grant in Relation.query(person.person_id, Relation.sk.startswith("ROLE#")):
        if grant.target not in roles:
            roles.append(grant.target)
    return roles


def place_admin_roles(person_id: str) -> list[str]:
    """The roles of the places this person administers: one BatchGetItem of the one-admin markers
    (`admin#<kind>#<person_id>`, healthcode.places.admin), never a scan."""
    keys = {f"admin#{kind}#{person_id}": role for kind, role in PLACE_ADMIN_ROLES.items()}
    held = {item.key for item in AuthItem.batch_get(list(keys), consistent_read=True)}
    return [role for key, role in keys.items() if key in held]


def refuse_inbound(roles: frozenset[str] | set[str] | list[str]) -> None:
    """403 INBOUND_CODE_ONLY for an inbound session, before anything is read or written."""
    if INBOUND in roles:
        raise InboundCodeOnly()
