"""Organizations, venues and grids, with their join codes.

Access patterns: get by place_id; find by join code (GSI `by_join_code`); find the place an admin holds
(GSI `by_admin`); find the places whose admin registered a phone (sparse GSI `by_phone_hash`, keys plus what the
console login needs: kind, admin_id, phone_admin_id, status). One admin per place and one place per admin are kept by marker items in the auth table
(`admin#<kind>#<person_id>`, `place-admin#<place_id>`) written in the same transaction as the place.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from healthcode.models.base import index_meta, table_meta


class ByJoinCode(GlobalSecondaryIndex):
    Meta = index_meta("by_join_code", AllProjection())

    join_code = UnicodeAttribute(hash_key=True)


class ByAdmin(GlobalSecondaryIndex):
    Meta = index_meta("by_admin", AllProjection())

    admin_id = UnicodeAttribute(hash_key=True)


class ByPhoneHash(GlobalSecondaryIndex):
    """The console login (guide 4.(一)1(3)): the places whose admin registered this phone. Sparse: only places with
    a phone are in it; `phone_admin_id` is who registered it, so after an admin change the phone logs in nobody
    until the new admin registers one (a venue's contact phone is not the new admin's)."""

    Meta = index_meta("by_phone_hash", IncludeProjection(["kind", "admin_id", "phone_admin_id", "status"]))

    phone_hash = UnicodeAttribute(hash_key=True)


class Place(Model):
    Meta = table_meta("places_table")

    place_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()  # VENUE | ORG | GRID
    name = UnicodeAttribute()
    join_code = UnicodeAttribute()
    admin_id = UnicodeAttribute(null=True)
    region_code = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)
    type = UnicodeAttribute(null=True)  # venue type
    level = UnicodeAttribute(null=True)  # organization level
    phone_enc = UnicodeAttribute(null=True)
    phone_masked = UnicodeAttribute(null=True)
    phone_hash = UnicodeAttribute(null=True)  # keyed hash of the phone (pii.lookup_hash("phone", ...)), as people's
    phone_admin_id = UnicodeAttribute(null=True)  # the admin who registered the phone
    status = UnicodeAttribute(default="ACTIVE")  # grids: PENDING until approved
    details = JSONAttribute(null=True)
    last_edited_week = UnicodeAttribute(null=True)  # Monday (Asia/Shanghai) of the last edit
    created_at = UnicodeAttribute()
    version = VersionAttribute()

    by_join_code = ByJoinCode()
    by_admin = ByAdmin()
    by_phone_hash = ByPhoneHash()
