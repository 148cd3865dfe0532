"""The local scheduler understands the template's rate() and EventBridge cron() expressions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from infra.local.scheduler import Scheduler, next_fire, scheduled_event
from infra.template import Schedule

T0 = datetime(2026, 11, 27, 10, 30, tzinfo=UTC).timestamp()  # a Friday


@pytest.mark.parametrize(("expression", "seconds"), [("rate(1 minute)", 60), ("rate(5 minutes)", 300),
                                                      ("rate(2 hours)", 7200), ("rate(1 day)", 86400)])
def test_rate_expressions(expression, seconds):
    assert next_fire(expression, T0) == T0 + seconds


def test_cron_with_question_mark_and_year():
    fire = next_fire("cron(0 2 * * ? *)", T0)
    assert datetime.fromtimestamp(fire, UTC) == datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def test_cron_weekdays_are_one_based_sunday_first():
    # EventBridge 2 = Monday
    fire = next_fire("cron(0 1 ? * 2 *)", T0)
    assert datetime.fromtimestamp(fire, UTC).weekday() == 0


def test_unknown_expression_is_refused():
    with pytest.raises(ValueError):
        next_fire("every tuesday", T0)


def test_scheduled_event_has_the_eventbridge_shape_and_input_wins():
    event = scheduled_event(Schedule("Fn", "Nightly", "rate(1 day)", True, None))
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"][0].endswith("rule/Nightly")
    assert scheduled_event(Schedule("Fn", "X", "rate(1 day)", True, '{"job": "x"}')) == {"job": "x"}


def test_fire_invokes_the_function_with_the_event():
    seen = []

    class Function:
        def invoke(self, event):
            seen.append(event)
            return {"ok": True}

    scheduler = Scheduler([(Schedule("Fn", "Expiry", "rate(1 minute)", True, None), Function())])
    assert scheduler.fire("Expiry") == {"ok": True}
    assert seen[0]["detail-type"] == "Scheduled Event" and scheduler.fired == ["Expiry"]
