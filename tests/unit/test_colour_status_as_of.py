"""status.as_of: a stored status seen later. Periods that ran out are gone (half-open, as evaluate has them), the
colour follows the reasons left; reasons without an end stay until a new fact."""

from __future__ import annotations

from datetime import timedelta

from healthcode.colour.status import GREEN, RED, Fact, as_of, evaluate
from healthcode.core import clock

T = clock.parse("2026-11-27T10:00:00+08:00")
# every date is relative to T: no test may depend on today's date
QUARANTINE = {"code": "HOME_QUARANTINE", "since": clock.iso(T - timedelta(days=14)), "until": clock.iso(T)}
CONTACT = {"code": "CLOSE_CONTACT", "since": clock.iso(T - timedelta(days=7)), "until": clock.iso(T + timedelta(days=7))}
CONFIRMED = {"code": "CONFIRMED", "since": clock.iso(T - timedelta(days=26))}


def test_before_the_end_the_stored_status_stands():
    assert as_of(RED, [QUARANTINE], T - timedelta(milliseconds=1)) == (RED, [QUARANTINE], None)


def test_at_the_end_the_period_is_over_and_the_code_green():
    assert as_of(RED, [QUARANTINE], T) == (GREEN, [], "2026-11-27T10:00:00.000+08:00")


def test_a_running_period_keeps_the_code_red():
    assert as_of(RED, [QUARANTINE, CONTACT], T + timedelta(hours=1)) == (RED, [CONTACT], clock.iso(T))


def test_reasons_without_an_end_stay():
    assert as_of(RED, [CONFIRMED, QUARANTINE], T + timedelta(days=30)) == (RED, [CONFIRMED], clock.iso(T))


def test_a_green_status_is_left_alone():
    assert as_of(GREEN, [], T) == (GREEN, [], None)


def test_seen_after_its_end_a_status_is_what_the_rules_say_then():
    # GIVEN a home quarantine and a close contact evaluated while both run
    facts = [Fact("q", "HOME_QUARANTINE", T - timedelta(days=14), valid_from=T - timedelta(days=14), valid_until=T),
             Fact("c", "CLOSE_CONTACT", T - timedelta(days=7), valid_from=T - timedelta(days=7),
                  valid_until=T + timedelta(days=7))]
    stored = evaluate(facts, T - timedelta(days=1))
    assert [r["code"] for r in stored.reasons] == ["CLOSE_CONTACT", "HOME_QUARANTINE"]

    # WHEN it is read after the quarantine ended, and after both ended
    for later in (T, T + timedelta(days=7)):
        seen = as_of(stored.color, stored.reasons, later)
        # THEN colour and reasons are those the rules give at that moment
        fresh = evaluate(facts, later)
        assert (seen.color, seen.reasons) == (fresh.color, fresh.reasons)
