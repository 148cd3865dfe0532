"""Helpers for the scanner-device tests: register a device as its venue's admin, call /v1/device/ through the
real authorizer (the key is checked there, and its context handed to the function as API Gateway does)."""

from __future__ import annotations

import json
import random
from typing import Any

from tests.integration.conftest import EVENTS, call, sample_event


def register(lambdas: dict[str, Any], admin: str, place_id: str, name: str = "东门哨兵") -> tuple[int, Any]:
    return call(lambdas["DevicesFunction"], sample_event(
        "devices-register.json", person_id=admin, body={"name": name},
        path=(f"/v1/venues/{place_id}/devices", "/v1/venues/{id}/devices", {"id": place_id})))


def new_device(lambdas: dict[str, Any], admin: str, place_id: str, name: str = "东门哨兵") -> dict[str, Any]:
    status, body = register(lambdas, admin, place_id, name)
    assert status == 201, body
    return body


def listing(lambdas: dict[str, Any], person: str, place_id: str) -> tuple[int, Any]:
    return call(lambdas["DevicesFunction"], sample_event(
        "devices-list.json", person_id=person,
        path=(f"/v1/venues/{place_id}/devices", "/v1/venues/{id}/devices", {"id": place_id})))


def revoke(lambdas: dict[str, Any], person: str, place_id: str, device_id: str) -> tuple[int, Any]:
    return call(lambdas["DevicesFunction"], sample_event(
        "devices-revoke.json", person_id=person,
        path=(f"/v1/venues/{place_id}/devices/{device_id}", "/v1/venues/{id}/devices/{device_id}",
              {"id": place_id, "device_id": device_id})))


def authorize(lambdas: dict[str, Any], path: str, headers: dict[str, str]) -> dict[str, Any] | None:
    """The authorizer's policy for this request, or None when it answers 401."""
    request = json.loads((EVENTS / "authorizer-request.json").read_text())
    request["path"] = path
    request["headers"] = headers
    try:
        return lambdas["AuthorizerFunction"].invoke(request)
    except Exception as error:  # noqa: BLE001 - the authorizer signals 401 by raising "Unauthorized"
        assert str(error) == "Unauthorized", error
        return None


def as_device(lambdas: dict[str, Any], key: str | None, sample: str, path: str, resource: str, method: str,
              body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """One request of a device through the authorizer; (401, None) when the authorizer refuses it."""
    sent = {"x-device-key": key} if key is not None else {}
    policy = authorize(lambdas, path, sent)
    if policy is None:
        return 401, None
    event = sample_event(sample, path=(path, resource, None), method=method, body=body)
    event["headers"] = {k: v for k, v in event["headers"].items() if k not in ("idempotency-key", "x-device-key")}
    event["headers"] |= sent | (headers or {})
    event["requestContext"]["authorizer"] = dict(policy["context"]) | {"principalId": policy["principalId"]}
    return call(lambdas["DevicesFunction"], event)


def device_check(lambdas: dict[str, Any], key: str | None, body: dict[str, Any],
                 idempotency_key: str | None = "auto") -> tuple[int, Any]:
    headers = {}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = f"d-{random.getrandbits(64):x}" if idempotency_key == "auto" else idempotency_key
    return as_device(lambdas, key, "devices-check.json", "/v1/device/checks", "/v1/device/checks", "POST", body,
                     headers)


def device_keys(lambdas: dict[str, Any], key: str | None) -> tuple[int, Any]:
    return as_device(lambdas, key, "devices-keys.json", "/v1/device/keys", "/v1/device/keys", "GET")
