"""Code displays (亮码), kept three days.

Access patterns: append on every display; list one person's last three days with a key condition
`at >= now - 3 days` (DynamoDB's TTL deletes lazily and moto never does, so reads bound the range).
"""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from healthcode.models.base import table_meta


class DisplayLogEntry(Model):
    Meta = table_meta("display_log_table")

    person_id = UnicodeAttribute(hash_key=True)
    at = UnicodeAttribute(range_key=True)  # ISO time + "#" + short random suffix
    color = UnicodeAttribute(null=True)  # none when the display failed before the colour was known
    code_type = UnicodeAttribute(null=True)
    result = UnicodeAttribute(default="SUCCESS")  # SUCCESS | FAILED (FAQ 2: 亮码成功与否)
    failure = UnicodeAttribute(null=True)  # FAILED only: what could not be done, e.g. UPSTREAM_UNAVAILABLE
    shown_by = UnicodeAttribute(null=True)  # guardian's person_id when shown for a family member
    expires_at = TTLAttribute()
