"""Append-only venue temperature checks / check-ins and grid collections (FAQ 12: never edited or deleted).

Items: PK place_date (`<place_id>#<YYYY-MM-DD>` Asia/Shanghai), SK `<time ISO +08:00>#<check_id>`; GSI
`by_person` (person_id, sk) for a person's temperature records. The item carries what the statistics need
(gender, age group, hour, inspector) so stats_stream never reads another table. Stream feeds stats_stream.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from healthcode.models.base import index_meta, table_meta


class ByPerson(GlobalSecondaryIndex):
    Meta = index_meta("by_person", AllProjection())

    person_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class Check(Model):
    Meta = table_meta("checks_table")

    place_date = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    check_id = UnicodeAttribute()
    place_id = UnicodeAttribute()
    kind = UnicodeAttribute(default="VENUE_CHECK")  # VENUE_CHECK | QUICK_CHECKIN | GRID_COLLECTION
    person_id = UnicodeAttribute()
    inspector_id = UnicodeAttribute(null=True)
    temperature = UnicodeAttribute(null=True)  # NORMAL | FEVER
    color = UnicodeAttribute()
    code_type = UnicodeAttribute()
    gender = UnicodeAttribute(default="unknown")
    age_group = UnicodeAttribute(default="unknown")
    checked_at = UnicodeAttribute()
    details = JSONAttribute(null=True)

    by_person = ByPerson()
