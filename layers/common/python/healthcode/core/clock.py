"""Time in the product's terms: Asia/Shanghai calendar days and natural weeks, ISO 8601 with +08:00."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact and needs no tz database.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def now() -> datetime:
    return datetime.now(SHANGHAI)


def iso(moment: datetime) -> str:
    """2026-11-27T15:04:05.123+08:00 — sortable as text because the offset is always +08:00."""
    return moment.astimezone(SHANGHAI).isoformat(timespec="milliseconds")


def parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def week_start(day: date) -> date:
    """Monday of the natural week containing `day`."""
    return day - timedelta(days=day.weekday())
