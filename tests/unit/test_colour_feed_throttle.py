"""The feed route's usage plan: read from template.yaml, honoured by the local gateway with a token bucket per key."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from infra.local.gateway import TemplateGateway, TokenBuckets
from infra.template import ApiRoute, functions, load_template


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_feed_route_requires_an_api_key_and_carries_the_plans_throttle():
    specs = functions(load_template())
    route = next(r for spec in specs.values() for r in spec.routes if r.path == "/v1/feeds/health-events")
    assert route.api_key_required and route.authorized
    assert route.throttle == (5.0, 10.0)


def test_session_routes_are_not_metered():
    specs = functions(load_template())
    route = next(r for spec in specs.values() for r in spec.routes if r.path == "/v1/me/code")
    assert not route.api_key_required and route.throttle is None


def test_a_bucket_allows_the_burst_then_refuses():
    buckets = TokenBuckets(FakeClock())
    answers = [buckets.take(("k", "/p", "POST"), 5, 10) for _ in range(11)]
    assert answers == [True] * 10 + [False]


def test_a_bucket_refills_at_the_rate():
    clock = FakeClock()
    buckets = TokenBuckets(clock)
    for _ in range(10):
        buckets.take(("k",), 5, 10)
    clock.now += 0.2  # one token at 5/s
    assert buckets.take(("k",), 5, 10) is True
    assert buckets.take(("k",), 5, 10) is False


def test_each_api_key_has_its_own_bucket():
    buckets = TokenBuckets(FakeClock())
    for _ in range(10):
        buckets.take(("a",), 5, 10)
    assert buckets.take(("a",), 5, 10) is False
    assert buckets.take(("b",), 5, 10) is True


def _gateway(calls):
    function = SimpleNamespace(invoke=lambda event: calls.append(event) or {"statusCode": 200, "body": "{}"})
    authorizer = SimpleNamespace(invoke=lambda request: {
        "principalId": "partner:p", "context": {"person_id": "partner:p", "kind": "partner", "roles": "partner"},
        "policyDocument": {"Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke",
                                          "Resource": ["arn:aws:execute-api:*"]}]}})
    route = ApiRoute("FeedsFunction", "/v1/feeds/health-events", "POST", True, True, (1.0, 2.0))
    responses = load_template()["Resources"]["HealthCodeApi"]["Properties"]["GatewayResponses"]
    gateway = TemplateGateway([route], {"FeedsFunction": function}, authorizer, responses, {})
    gateway.buckets = TokenBuckets(FakeClock())
    return gateway


def _request(api_key=None):
    headers = {"content-type": "application/json"} | ({"x-api-key": api_key} if api_key else {})
    return {"requestContext": {"resourcePath": "/v1/feeds/health-events", "path": "/v1/feeds/health-events",
                               "httpMethod": "POST", "identity": {"sourceIp": "127.0.0.1"}},
            "headers": headers, "body": "[]", "multiValueQueryStringParameters": None, "pathParameters": None}


def test_the_gateway_answers_429_once_the_keys_burst_is_spent():
    calls = []
    gateway = _gateway(calls)
    statuses = [gateway(_request("key-1"), None)["statusCode"] for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert len(calls) == 2


def test_the_throttled_answer_is_the_templates_gateway_response():
    gateway = _gateway([])
    for _ in range(2):
        gateway(_request("key-1"), None)
    answer = gateway(_request("key-1"), None)
    assert answer["statusCode"] == 429
    assert '"TOO_MANY_REQUESTS"' in answer["body"]
    assert answer["headers"]["Retry-After"] == "5"  # the phone's page waits at least this long (issue 13)


def test_the_function_sees_the_api_key_in_the_identity():
    calls = []
    _gateway(calls)(_request("key-9"), None)
    assert calls[0]["requestContext"]["identity"]["apiKey"] == "key-9"


@pytest.mark.parametrize("api_key", [None, ""])
def test_a_metered_route_without_a_key_is_refused(api_key):
    calls = []
    answer = _gateway(calls)(_request(api_key), None)
    assert answer["statusCode"] == 403 and calls == []
