"""Append-only facts from authority feeds and staff: tests, cases, contacts, quarantines, notices, entries.

Items: PK person_id, SK `<occurred_at ISO +08:00>#<event_id>`; one marker per event_id in the auth table
(`event#<event_id>`) keeps replays out. Access patterns: all facts of one person in time order (recompute,
records); nothing else. Stream (NEW_IMAGE) feeds status_stream.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.models import Model

from healthcode.models.base import table_meta


class HealthEvent(Model):
    Meta = table_meta("health_events_table")

    person_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # occurred_at#event_id
    event_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # NUCLEIC_ACID, ANTIBODY, CONFIRMED, ... (DESIGN.md "Feed kinds")
    occurred_at = UnicodeAttribute()
    result = UnicodeAttribute(null=True)
    valid_from = UnicodeAttribute(null=True)
    valid_until = UnicodeAttribute(null=True)
    details = JSONAttribute(null=True)  # never personal data beyond what the record kind needs
    source = UnicodeAttribute()  # "feed:<partner>", "inbox:<file>", "medical:<person_id>"
    received_at = UnicodeAttribute()
