"""The console's date ranges (healthcode.core.ranges.parse_range): from= / to=, both included, at most 366 days."""

from __future__ import annotations

from datetime import date, datetime

import pytest


@pytest.fixture
def today(monkeypatch):
    from healthcode.core import clock

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 1, 10, 0, tzinfo=clock.SHANGHAI))
    return date(2026, 3, 1)


def test_no_range_when_neither_is_given(today):
    from healthcode.core.ranges import parse_range

    assert parse_range(None, None) is None


def test_to_defaults_to_today_and_days_are_listed_inclusive(today):
    from healthcode.core.ranges import parse_range

    days = parse_range("2026-02-27", None)

    assert list(days.days()) == [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1)]


def test_366_days_are_a_range_and_367_are_not(today):
    from healthcode.core.errors import ValidationFailed
    from healthcode.core.ranges import parse_range

    assert len(list(parse_range("2025-03-01", "2026-03-01").days())) == 366
    with pytest.raises(ValidationFailed) as refused:
        parse_range("2025-02-28", "2026-03-01")
    assert refused.value.field == "from"


@pytest.mark.parametrize(("start", "end", "field"), [
    ("2026-02-30", None, "from"), ("2026-2-1", None, "from"), ("20260201", None, "from"), ("", None, "from"),
    ("2026-02-01", "2026-02-31", "to"), ("2026-02-01", "2026-03-02", "to"), (None, "2026-02-01", "from"),
    ("2026-02-02", "2026-02-01", "from"),
])
def test_a_bad_range_names_its_field(today, start, end, field):
    from healthcode.core.errors import ValidationFailed
    from healthcode.core.ranges import parse_range

    with pytest.raises(ValidationFailed) as refused:
        parse_range(start, end)

    assert refused.value.field == field
