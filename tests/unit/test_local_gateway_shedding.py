"""LOCAL_MAX_WAITING: the local gateway sheds like API Gateway / Lambda under overload (429 THROTTLED with
Retry-After) instead of queueing without bound; unset, it queues as before (issue 13's load test)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from infra.local.gateway import TemplateGateway
from infra.template import ApiRoute, load_template


def _request() -> dict:
    return {"requestContext": {"resourcePath": "/v1/me/code", "path": "/v1/me/code", "httpMethod": "GET",
                               "identity": {"sourceIp": "127.0.0.1"}},
            "headers": {}, "body": None, "multiValueQueryStringParameters": None, "pathParameters": None}


def _gateway(release: threading.Event, entered: threading.Event) -> TemplateGateway:
    def invoke(event: dict) -> dict:
        entered.set()
        release.wait(10)
        return {"statusCode": 200, "body": "{}"}

    route = ApiRoute("CodesFunction", "/v1/me/code", "GET", False, False, None)
    responses = load_template()["Resources"]["HealthCodeApi"]["Properties"]["GatewayResponses"]
    return TemplateGateway([route], {"CodesFunction": SimpleNamespace(invoke=invoke)}, None, responses, {})


def test_a_function_with_enough_requests_waiting_answers_429_with_retry_after(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LOCAL_MAX_WAITING", "1")
    release, entered = threading.Event(), threading.Event()
    gateway = _gateway(release, entered)
    first: list[dict] = []
    worker = threading.Thread(target=lambda: first.append(gateway(_request(), None)))
    worker.start()
    assert entered.wait(10)
    # WHEN a second request comes while the first still holds the function THEN it is shed at once
    shed = gateway(_request(), None)
    release.set()
    worker.join(10)
    assert shed["statusCode"] == 429 and shed["headers"]["Retry-After"] == "5"
    assert first[0]["statusCode"] == 200
    # AND once the function is free again requests go through
    assert gateway(_request(), None)["statusCode"] == 200


def test_without_the_knob_requests_queue(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("LOCAL_MAX_WAITING", raising=False)
    release, entered = threading.Event(), threading.Event()
    gateway = _gateway(release, entered)
    release.set()
    assert [gateway(_request(), None)["statusCode"] for _ in range(3)] == [200, 200, 200]
