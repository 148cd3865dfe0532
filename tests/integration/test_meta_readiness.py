"""GET /v1/health is readiness, not mere liveness: 503 NOT_READY until the application secret holds its keys
(`python -m infra.keys init` after the first deploy), 200 from then on."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def placeholder_secret(aws):
    """The application secret as a fresh deploy leaves it (no keys yet); restored afterwards."""
    from healthcode.core import secrets
    from healthcode.core.config import get_config

    client = aws["session"].client("secretsmanager")
    secret_id = get_config().app_secret_id
    initialised = client.get_secret_value(SecretId=secret_id)["SecretString"]
    client.put_secret_value(SecretId=secret_id, SecretString=json.dumps({"session_key": "set-by-the-template"}))
    secrets.reset_cache()
    yield client, secret_id, initialised
    client.put_secret_value(SecretId=secret_id, SecretString=initialised)
    secrets.reset_cache()


def test_health_is_503_until_the_keys_are_initialised(lambdas, event, placeholder_secret):
    # GIVEN a deployed stack whose secret has no keys yet
    # WHEN its health is asked
    answer = lambdas["MetaFunction"].invoke(event("meta-health.json"))

    # THEN it is not ready: 503 NOT_READY naming what it waits for, with Retry-After
    body = json.loads(answer["body"])
    headers = {k.lower(): v for k, v in (answer.get("headers") or {}).items()}
    headers |= {k.lower(): v[0] for k, v in (answer.get("multiValueHeaders") or {}).items()}
    assert answer["statusCode"] == 503, body
    assert body["error"]["code"] == "NOT_READY" and body["error"]["details"] == {"waiting_for": ["keys"]}
    assert int(headers["retry-after"]) > 0


def test_health_turns_200_once_the_keys_are_initialised(lambdas, event, invoke, placeholder_secret):
    # GIVEN the same stack, not ready at first
    client, secret_id, initialised = placeholder_secret
    assert invoke(lambdas["MetaFunction"], event("meta-health.json"))[0] == 503

    # WHEN `infra.keys init` writes the keys
    client.put_secret_value(SecretId=secret_id, SecretString=initialised)

    # THEN the next health check is 200, in the same warm container
    assert invoke(lambdas["MetaFunction"], event("meta-health.json")) == (200, {"status": "ok"})
