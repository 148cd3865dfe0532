"""The code route sheds instead of failing (issue 13): a throttled DynamoDB answers 429 with Retry-After, a DynamoDB
that does not answer 503 with Retry-After, an invocation without time left 429 — never a timeout or a 502."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError, ReadTimeoutError


@pytest.fixture
def dynamodb_fails(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """dynamodb_fails["with"] = an exception: DynamoDB's GetItem raises it (after botocore's own retries)."""
    failing: dict[str, Any] = {"with": None, "calls": 0}
    real = BaseClient._make_api_call

    def make_api_call(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if operation == "GetItem" and failing["with"] is not None:
            failing["calls"] += 1
            raise failing["with"]
        return real(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", make_api_call)
    yield failing


def throttled(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "Rate of requests exceeds the allowed throughput"},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, "GetItem")


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "ThrottlingException",
                                  "RequestLimitExceeded"])
def test_a_throttled_dynamodb_read_answers_429_with_retry_after(lambdas, event, resident, dynamodb_fails, code):
    # GIVEN DynamoDB throttles the read of the person
    dynamodb_fails["with"] = throttled(code)
    # WHEN the resident asks for their code
    answer = lambdas["CodesFunction"].invoke(event("codes-my-code.json", person_id=resident["person_id"]))
    # THEN the route sheds: 429, a Retry-After of a few seconds, the one error model, and the display is logged as
    # failed (FAQ 2: whether each display succeeded), when the log can be written
    assert dynamodb_fails["calls"] >= 1
    assert answer["statusCode"] == 429, answer
    headers = {k.lower(): v for k, v in (answer.get("headers") or {}).items()} | {
        k.lower(): v[0] for k, v in (answer.get("multiValueHeaders") or {}).items()}
    assert 2 <= int(headers["retry-after"]) <= 6
    assert '"OVERLOADED"' in answer["body"]
    dynamodb_fails["with"] = None
    log = lambdas["CodesFunction"].invoke(event("codes-display-log.json", person_id=resident["person_id"]))
    assert [item["result"] for item in json.loads(log["body"])["items"]] == ["FAILED"]


def test_a_dynamodb_that_does_not_answer_gives_503_with_retry_after(lambdas, event, resident, dynamodb_fails):
    dynamodb_fails["with"] = ReadTimeoutError(endpoint_url="https://dynamodb.ap-east-1.amazonaws.com")
    answer = lambdas["CodesFunction"].invoke(event("codes-my-code.json", person_id=resident["person_id"]))
    assert answer["statusCode"] == 503, answer
    headers = {k.lower(): v for k, v in (answer.get("headers") or {}).items()} | {
        k.lower(): v[0] for k, v in (answer.get("multiValueHeaders") or {}).items()}
    assert int(headers["retry-after"]) >= 2


def test_other_dynamodb_failures_are_not_dressed_up_as_overload(lambdas, event, resident, dynamodb_fails):
    dynamodb_fails["with"] = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetItem")

    # a real fault stays a fault (a failed display, FAQ 2: 503 DISPLAY_FAILED, a 5xx alarm), not a 429 that hides it
    answer = lambdas["CodesFunction"].invoke(event("codes-my-code.json", person_id=resident["person_id"]))
    assert answer["statusCode"] == 503 and json.loads(answer["body"])["error"]["code"] == "DISPLAY_FAILED", answer
    headers = {k.lower() for k in (answer.get("headers") or {})} | {
        k.lower() for k in (answer.get("multiValueHeaders") or {})}
    assert "retry-after" not in headers


def test_an_invocation_without_time_left_sheds_before_working(lambdas, event, resident, dynamodb_fails):
    from infra.local.lambdas import LambdaContext

    function = lambdas["CodesFunction"]
    context = LambdaContext("CodesFunction", timeout_seconds=1)  # less than the budget the route needs
    answer = function.handler(event("codes-my-code.json", person_id=resident["person_id"]), context)
    assert answer["statusCode"] == 429
    assert dynamodb_fails["calls"] == 0


def test_the_scan_preview_sheds_the_same_way(lambdas, event, resident, dynamodb_fails):
    from healthcode.codes.tokens import CodeType, get_keyring

    qr = get_keyring().sign(CodeType.RESIDENT, resident["person_id"], 1, 1_700_000_000)
    dynamodb_fails["with"] = throttled("ProvisionedThroughputExceededException")
    answer = lambdas["ScanFunction"].invoke(event("scan-code.json", person_id=resident["person_id"], roles=["resident", "medical"],
                                                  body={"qr": qr}))
    assert answer["statusCode"] == 429, answer
