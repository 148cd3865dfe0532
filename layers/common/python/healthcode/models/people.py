"""People: residents, dependants and inbound travellers, with their current code status.

Access patterns:
- get by person_id (every code display, scan, recompute);
- find by document: GetItem on the identity marker in the auth table (`person#<id_hash>`), whose
  conditional put also keeps one person per document (a login, a feed, a family member);
- a scanner device's ID-card read (issue 14): GSI `by_document` (id_hash), projecting only what the device's answer
  and the check it records need (DEVICE_ANSWER), so ONE Query answers with the person's current status and no
  second read is needed. The index is kept current by DynamoDB itself - no copy of the status anywhere that could
  go stale - and, like any GSI, is eventually consistent (a change shows there within about a second). It holds
  no encrypted field, no phone and no identifier but the keyed hash and the person id; people items are created
  with their marker in one transaction, so a hash has at most one person;
- find by phone: GSI `by_phone_hash` (inbound re-login, PC admin login);
- people whose status must be re-evaluated: sparse GSI `by_next_review` (review_shard, next_review_at),
  present only while a time-bound reason (quarantine, contact) is running.
Stream (NEW_AND_OLD_IMAGES) feeds code_images (printable codes).
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from healthcode.models.base import index_meta, table_meta

# The person's attributes in `by_document`: the colour and its reasons (with their since/until, which `as_of` reads),
# the masked name shown to the device, the kind (code type), gender and birth date (the check's statistics).
# A write amplification: a people write that changes one of these (a colour change, a creation) writes the index
# item too, one write unit for an index item under 1 KB; writes of other attributes only (phone, review) do not.
DEVICE_ANSWER = ["color", "reasons", "name_masked", "kind", "gender", "birth_date"]


class ByDocument(GlobalSecondaryIndex):
    Meta = index_meta("by_document", IncludeProjection(DEVICE_ANSWER))

    id_hash = UnicodeAttribute(hash_key=True)


class ByPhoneHash(GlobalSecondaryIndex):
    Meta = index_meta("by_phone_hash", KeysOnlyProjection())

    phone_hash = UnicodeAttribute(hash_key=True)


class ByNextReview(GlobalSecondaryIndex):
    Meta = index_meta("by_next_review", KeysOnlyProjection())

    review_shard = UnicodeAttribute(hash_key=True)
    next_review_at = UnicodeAttribute(range_key=True)


class Person(Model):
    Meta = table_meta("people_table")

    person_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(default="RESIDENT")  # RESIDENT | DEPENDANT | INBOUND
    id_type = UnicodeAttribute()
    id_hash = UnicodeAttribute()
    id_enc = UnicodeAttribute()
    id_masked = UnicodeAttribute()
    issue_count = UnicodeAttribute(null=True)
    name_enc = UnicodeAttribute()
    name_masked = UnicodeAttribute()
    phone_hash = UnicodeAttribute(null=True)
    phone_enc = UnicodeAttribute(null=True)
    phone_masked = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)
    gender = UnicodeAttribute(default="unknown")
    birth_date = UnicodeAttribute(null=True)
    color = UnicodeAttribute(default="GREEN")
    reasons = JSONAttribute(default=list)  # [{"code": ..., "since": ..., "until": ...}]
    code_version = NumberAttribute(default=1)
    status_updated_at = UnicodeAttribute(null=True)
    review_shard = UnicodeAttribute(null=True)
    next_review_at = UnicodeAttribute(null=True)
    nucleic_acid = JSONAttribute(null=True)  # latest test shown on the code page (FAQ 11): {result, institution, tested_at}
    created_at = UnicodeAttribute()
    version = VersionAttribute()

    by_document = ByDocument()
    by_phone_hash = ByPhoneHash()
    by_next_review = ByNextReview()
