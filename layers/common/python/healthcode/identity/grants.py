"""Role grants claimed at login: the medical role granted by name and phone (table 4-1, kept by medical.notices).

A grant is `medical-grant#<keyed hash of (normalised name, E.164 phone)>` in the auth table. The login that
matches one materialises the role once as a `ROLE#medical` relation, which roles.roles_at_login reads later.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from healthcode.core import clock, pii
from healthcode.identity.roles import MEDICAL
from healthcode.models import AuthItem, Relation

GRANT_PREFIX = "medical-grant#"


def grant_key(name: str, phone_e164: str) -> str:
    normalised = " ".join(name.split()).upper()
    return GRANT_PREFIX + pii.lookup_hash("medical", f"{normalised}|{phone_e164}")


def claim_grant(person_id: str, name: str | None, phone: str | None) -> bool:
    """At login: a matching grant gives the medical role, kept as a ROLE#medical relation with unit and position."""
    if not name or not phone:
        return False
    try:
        grant = AuthItem.get(grant_key(name, phone))
    except DoesNotExist:
        return False
    Relation.make(person_id, "ROLE", MEDICAL, clock.iso(clock.now()),
                  data={"unit": grant.data["unit"], "position": grant.data["position"], "grant": grant.key}).save()
    return True
