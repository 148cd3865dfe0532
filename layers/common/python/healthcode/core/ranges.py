"""Statistics over a date range (the console's dashboards): the `from=` / `to=` of a statistics read, and the day
buckets of one scope read with ONE Query of the stats table (`<scope>` / `day#<from>` .. `day#<to>`), never a scan.

The cost follows the number of days asked (at most MAX_DAYS), never the number of declarations or checks behind
them: each day is one pre-computed bucket (healthcode.core.streams), and days with nothing counted have no bucket
(the answer fills them with zeros).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from healthcode.core import clock
from healthcode.core.errors import ValidationFailed
from healthcode.core.streams import Bucket, query_range

MAX_DAYS = 366
DAY_PREFIX = "day#"


@dataclass(frozen=True)
class DayRange:
    start: date
    end: date

    def days(self) -> Iterator[date]:
        day = self.start
        while day <= self.end:
            yield day
            day += timedelta(days=1)


def _parse(value: str, field: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or len(value) != 10:
        raise ValidationFailed(f"{field} must be a date YYYY-MM-DD", "日期格式应为YYYY-MM-DD", field=field)
    return day


def parse_range(start: str | None, end: str | None) -> DayRange | None:
    """`from` and `to` (YYYY-MM-DD, Asia/Shanghai, both included): None when neither is given; `to` defaults to today.

    400 naming the field: a malformed date, a `to` after today, `to` without `from`, `from` after `to`, a range of
    more than MAX_DAYS days (`from`).
    """
    if start is None and end is None:
        return None
    if start is None:
        raise ValidationFailed("from is required with to", "请填写开始日期", field="from")
    today = clock.local_date(clock.now())
    first = _parse(start, "from")
    last = _parse(end, "to") if end is not None else today
    if last > today:
        raise ValidationFailed("to must be today or earlier", "结束日期不能晚于今天", field="to")
    if first > last:
        raise ValidationFailed("from must not be after to", "开始日期不能晚于结束日期", field="from")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed(f"A range covers at most {MAX_DAYS} days", f"查询范围最多{MAX_DAYS}天", field="from")
    return DayRange(first, last)


def query_days(scope: str, days: DayRange, attributes: list[str] | None = None) -> dict[str, Bucket]:
    """The scope's day buckets in the range, by day (YYYY-MM-DD): one Query on the key (`bucket BETWEEN`, through the
    stream seam's `query_range`), followed page by page only past 1 MB (a venue's day buckets with thousands of
    inspectors)."""
    found: dict[str, Bucket] = {}
    for bucket in query_range(scope, f"{DAY_PREFIX}{days.start.isoformat()}", f"{DAY_PREFIX}{days.end.isoformat()}",
                              attributes):
        if len(bucket.bucket) == len(DAY_PREFIX) + 10:  # day#YYYY-MM-DD exactly: no other bucket sorts in between
            found[bucket.bucket[len(DAY_PREFIX):]] = bucket
    return found
