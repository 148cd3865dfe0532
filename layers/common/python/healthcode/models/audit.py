"""Who read whose personal data, when and why.

Access patterns: append per read; list one subject's reads by time (PK subject, SK at).
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from healthcode.models.base import table_meta


class AuditEntry(Model):
    Meta = table_meta("audit_table")

    subject = UnicodeAttribute(hash_key=True)  # person_id whose data was read
    at = UnicodeAttribute(range_key=True)  # ISO time + "#" + ULID
    actor = UnicodeAttribute()  # person_id of the reader, or "partner:<name>"
    action = UnicodeAttribute()  # e.g. LOGIN, SCAN, RECORDS_READ
    purpose = UnicodeAttribute(null=True)
    place_id = UnicodeAttribute(null=True)
