"""healthcode.core.handlers: `observed`, the one decorator every function's handler wears (logging context, tracing,
metrics)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from healthcode.core.handlers import API_REQUEST, SCHEDULED, STREAM_RECORDS, observed

CONTEXT = SimpleNamespace(function_name="yk-test", memory_limit_in_mb=512, aws_request_id="aws-1",
                          invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:yk-test")


def _emf(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if '"_aws"' in line]


@pytest.mark.parametrize(("path", "event", "correlation_id"), [
    (API_REQUEST, {"requestContext": {"requestId": "req-42"}}, "req-42"),
    (STREAM_RECORDS, {"Records": [{"eventID": "ev-1"}, {"eventID": "ev-2"}]}, "ev-1"),
    (SCHEDULED, {"id": "sched-7", "detail-type": "Scheduled Event"}, "sched-7"),
])
def test_the_handlers_log_lines_carry_the_events_id(path: str, event: dict[str, Any], correlation_id: str) -> None:
    # GIVEN a handler observed by where its events carry their id
    @observed(path)
    def handler(event: dict[str, Any], context: object) -> str | None:
        return Logger().get_correlation_id()

    # WHEN it handles such an event THEN its log lines are correlated by that id
    assert handler(event, CONTEXT) == correlation_id


def test_the_metrics_added_in_the_layer_are_flushed_when_the_handler_returns(capsys: pytest.CaptureFixture) -> None:
    # GIVEN a handler whose work adds a metric through a Metrics() of its own, as the layer's modules do
    layer_metrics = Metrics()

    @observed(API_REQUEST)
    def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
        layer_metrics.add_metric(name="ThingsDone", unit=MetricUnit.Count, value=3)
        return {"statusCode": 200}

    capsys.readouterr()
    # WHEN it handles an event
    answer = handler({"requestContext": {"requestId": "req-1"}}, CONTEXT)
    # THEN it answers as it would undecorated, and one EMF blob printed at its end holds the metric
    assert answer == {"statusCode": 200}
    blobs = _emf(capsys.readouterr().out)
    assert [blob["ThingsDone"] for blob in blobs] == [[3.0]]


def test_the_service_name_is_the_functions_at_its_import(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture) -> None:
    # GIVEN a handler decorated while its function's POWERTOOLS_SERVICE_NAME is set (the local stack imports every
    # function into one process, each with its own), then another's
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "codes")

    @observed(API_REQUEST)
    def handler(event: dict[str, Any], context: object) -> None:
        Metrics().add_metric(name="CodeShown", unit=MetricUnit.Count, value=1)

    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "scan")
    capsys.readouterr()
    # WHEN the first handles an event THEN its metrics name its own service
    handler({"requestContext": {"requestId": "req-2"}}, CONTEXT)
    assert [blob["service"] for blob in _emf(capsys.readouterr().out)] == ["codes"]
