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
# The system admins' list of grants (the console): relations of this owner, `GRANT#<grant id>` (the keyed hash of the
# grant key), data = the grant's masked name and phone, unit, position, who granted it and when, and - once the
# person has logged in and claimed it - their person_id. Listed with one Query (medical.notices.list_staff).
STAFF_LIST = "medical-staff"
GRANT_KIND = "GRANT"


def grant_key(name: str, phone_e164: str) -> str:
    normalised = " ".join(name.split()).upper()
    return GRANT_PREFIX + pii.lookup_hash("medical", f"{normalised}|{phone_e164}")


def grant_id(key: str) -> str:
    """The id a grant is listed and withdrawn by: the keyed hash of its key (name and phone, hashed)."""
    return key[len(GRANT_PREFIX):]


def listed_grant(grant: AuthItem, person_id: str | None, now: str) -> Relation:
    """The grant's entry in the system admins' list (masked), with who claimed it."""
    shown = {k: grant.data.get(k) for k in ("name_masked", "phone_masked", "unit", "position", "granted_by",
                                            "granted_at")}
    return Relation.make(STAFF_LIST, GRANT_KIND, grant_id(grant.key), now,
                         data=shown | {"person_id": person_id, "claimed_at": now if person_id else None})


def claim_grant(person_id: str, name: str | None, phone: str | None) -> bool:
    """At login: a matching grant gives the medical role, kept as a ROLE#medical relation with unit and position;
    the admins' list shows who claimed it."""
    if not name or not phone:
        return False
    try:
        grant = AuthItem.get(grant_key(name, phone))
    except DoesNotExist:
        return False
    now = clock.iso(clock.now())
    Relation.make(person_id, "ROLE", MEDICAL, now,
                  data={"unit": grant.data["unit"], "position": grant.data["position"], "grant": grant.key}).save()
    listed_grant(grant, person_id, now).save()
    return True
