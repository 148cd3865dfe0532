"""Pre-computed aggregates, written only by stats_stream; reading statistics is one Query on `scope`.

Items: PK scope (e.g. `venue#<place_id>`, `inspector#<person_id>`, `org#<place_id>`, `grid#<place_id>`),
SK bucket (`total`, `day#<YYYY-MM-DD>`, ...), counters in a map. Exactly-once counting: every update is
conditioned on the stream record's sequence number not being in `applied` (a bounded list of recent ones).
"""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute
from pynamodb.models import Model

from .base import table_meta


class StatsBucket(Model):
    Meta = table_meta("stats_table")

    scope = UnicodeAttribute(hash_key=True)
    bucket = UnicodeAttribute(range_key=True)
    counters = MapAttribute(default=dict)
    applied = ListAttribute(of=UnicodeAttribute, default=list)
