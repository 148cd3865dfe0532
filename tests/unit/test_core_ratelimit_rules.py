"""The limits of healthcode.core.ratelimit: defaults, RATE_LIMITS overrides, and the fixed windows they count in."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from healthcode.core import clock
from healthcode.core.config import get_config
from healthcode.core.ratelimit import AUTH_LOGIN, INBOUND_APPLY, LIMITS, Limit, limit_for, window


def test_without_overrides_the_defaults_apply(monkeypatch):
    monkeypatch.delenv("RATE_LIMITS", raising=False)
    get_config.cache_clear()  # config is read once; the test changed the environment
    assert limit_for(INBOUND_APPLY) == Limit(30, timedelta(minutes=10))


def test_an_override_sets_requests_and_seconds(monkeypatch):
    monkeypatch.setenv("RATE_LIMITS", "auth-login=1000/60, inbound-apply=5/300")
    get_config.cache_clear()  # config is read once; the test changed the environment
    assert limit_for(AUTH_LOGIN) == Limit(1000, timedelta(seconds=60))
    assert limit_for(INBOUND_APPLY) == Limit(5, timedelta(seconds=300))


def test_off_switches_a_limit_off(monkeypatch):
    monkeypatch.setenv("RATE_LIMITS", "inbound-apply=off")
    get_config.cache_clear()  # config is read once; the test changed the environment
    assert limit_for(INBOUND_APPLY) is None


@pytest.mark.parametrize("text", ["inbound-apply=0/600", "inbound-apply=ten/600", "inbound-apply=30",
                                  "inbound-apply=30/0", "no-such-limit=1/1", "garbage"])
def test_malformed_overrides_leave_the_default(monkeypatch, text):
    monkeypatch.setenv("RATE_LIMITS", text)
    get_config.cache_clear()  # config is read once; the test changed the environment
    assert limit_for(INBOUND_APPLY) == LIMITS[INBOUND_APPLY]


@pytest.mark.parametrize(("moment", "start", "end"), [
    ("2026-11-27T10:00:00+08:00", "2026-11-27T10:00:00+08:00", "2026-11-27T10:10:00+08:00"),
    ("2026-11-27T10:09:59.999+08:00", "2026-11-27T10:00:00+08:00", "2026-11-27T10:10:00+08:00"),
    ("2026-11-27T10:10:00+08:00", "2026-11-27T10:10:00+08:00", "2026-11-27T10:20:00+08:00"),
])
def test_windows_are_fixed_ten_minute_slots(moment, start, end):
    begins, ends = window(Limit(30, timedelta(minutes=10)), clock.parse(moment))
    assert datetime.fromtimestamp(begins, clock.SHANGHAI) == clock.parse(start) and ends == clock.parse(end)
