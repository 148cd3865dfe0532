"""Time in the product's terms: Asia/Shanghai calendar days, natural weeks (Monday first), ISO 8601 with +08:00."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from healthcode.core.clock import SHANGHAI, iso, local_date, now, parse, week_start


@pytest.mark.parametrize(
    "day", [date(2024, 6, 10) + timedelta(days=n) for n in range(7)], ids=lambda d: d.strftime("%a")
)
def test_week_start_is_the_monday_of_the_natural_week(day: date) -> None:
    # GIVEN any day from Monday 2024-06-10 to Sunday 2024-06-16 WHEN its week start is asked THEN it is that Monday
    assert week_start(day) == date(2024, 6, 10)


def test_sunday_belongs_to_the_week_that_began_the_monday_before() -> None:
    # GIVEN a Sunday WHEN its week start is asked THEN it is six days earlier, not the next day
    assert week_start(date(2024, 6, 16)) == date(2024, 6, 10)


def test_week_start_crosses_a_year_boundary() -> None:
    # GIVEN Wednesday 2025-01-01 WHEN its week start is asked THEN it is Monday 2024-12-30
    assert week_start(date(2025, 1, 1)) == date(2024, 12, 30)


@pytest.mark.parametrize(
    "moment",
    [datetime(2024, 1, 1, 16, 30, tzinfo=UTC), datetime(2024, 1, 2, 0, 30, tzinfo=SHANGHAI),
     datetime(2024, 1, 1, 11, 30, tzinfo=timezone(timedelta(hours=-5)))],
    ids=["UTC", "Shanghai", "UTC-5"],
)
def test_iso_is_always_written_in_shanghai_time(moment: datetime) -> None:
    # GIVEN the same instant in any time zone WHEN it is written THEN it is Shanghai time, milliseconds, +08:00
    assert iso(moment) == "2024-01-02T00:30:00.000+08:00"


def test_now_is_in_shanghai_time() -> None:
    # GIVEN the clock WHEN the time is read THEN it is written with +08:00
    assert iso(now()).endswith("+08:00") and now().utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2024, 1, 1, 15, 59, 59, tzinfo=UTC), date(2024, 1, 1)),  # 23:59:59 in Shanghai
        (datetime(2024, 1, 1, 16, 0, 0, tzinfo=UTC), date(2024, 1, 2)),  # midnight in Shanghai, still Jan 1 in UTC
        (datetime(2024, 1, 1, 23, 59, 59, tzinfo=UTC), date(2024, 1, 2)),
        (datetime(2024, 1, 2, 0, 0, 0, tzinfo=UTC), date(2024, 1, 2)),  # UTC midnight is 08:00 in Shanghai
        (datetime(2023, 12, 31, 16, 0, 0, tzinfo=UTC), date(2024, 1, 1)),  # new year arrives 8 hours early
    ],
)
def test_local_date_is_the_shanghai_calendar_day(moment: datetime, day: date) -> None:
    # GIVEN an instant around midnight WHEN its date is asked THEN it is the calendar day in Shanghai, not UTC
    assert local_date(moment) == day


def test_parse_reads_a_time_without_offset_as_shanghai_time() -> None:
    # GIVEN a time with no offset, as a form might send it WHEN it is parsed THEN it is taken as Shanghai time
    assert parse("2024-06-10T09:00:00") == datetime(2024, 6, 10, 9, 0, tzinfo=SHANGHAI)


def test_parse_converts_a_time_with_another_offset_to_shanghai() -> None:
    # GIVEN a UTC time WHEN it is parsed THEN it is the same instant, expressed at +08:00
    parsed = parse("2024-06-10T01:00:00+00:00")
    assert (parsed.isoformat(), parsed.utcoffset()) == ("2024-06-10T09:00:00+08:00", timedelta(hours=8))


def test_parse_reads_back_what_iso_writes() -> None:
    # GIVEN an instant written by iso() WHEN it is parsed THEN it is the same instant
    moment = datetime(2024, 6, 10, 1, 2, 3, 456000, tzinfo=UTC)
    assert parse(iso(moment)) == moment
