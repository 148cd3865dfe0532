"""What the venues' and the grids' statistics share on the checks stream: the items of their kinds folded with one
anchor per (place, day), the stream's partition key `<place_id>#<YYYY-MM-DD>`, at (`<scope>#<place_id>`, `day#<date>`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from healthcode.core import clock
from healthcode.core.streams import Aggregator
from healthcode.models import Check


class PlaceDayChecks(Aggregator[Check]):
    """An aggregate of the checks stream's INSERTs of `kinds` (checks are append-only: no MODIFY or REMOVE should come,
    and none would count; other kinds are other places' statistics)."""

    partition_key = "place_date"
    kinds: frozenset[str] = frozenset()
    scope = ""  # the stats table's scope prefix: venue, grid

    def folds(self, record: dict[str, Any]) -> bool:
        image = (record.get("dynamodb") or {}).get("NewImage") or {}
        return record.get("eventName") == "INSERT" and image.get("kind", {}).get("S") in self.kinds

    def read(self, record: dict[str, Any]) -> Check:
        check = Check.from_raw_data(record["dynamodb"]["NewImage"])
        if not check.place_date.startswith(f"{check.place_id}#"):
            raise ValueError(f"{check.kind} item with inconsistent keys")
        date.fromisoformat(check.place_date.rsplit("#", 1)[1])
        clock.parse(check.checked_at)
        return check

    def anchor_key(self, partition: str) -> tuple[str, str]:
        place_id, day = partition.rsplit("#", 1)
        return f"{self.scope}#{place_id}", f"day#{day}"
