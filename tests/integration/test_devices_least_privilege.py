"""Least privilege for scanner devices (issue 14): the devices function and the authorizer's device keys make only
the AWS calls their policies in template.yaml grant (the recorder and fixtures of test_colour_least_privilege)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from devices_support import new_device
from venues_support import code_of, create_venue, new_person

from tests.integration.test_colour_least_privilege import logical_of, run_as, sample, status_of  # noqa: F401
from tests.integration.test_devices import _resident_with_card, _unknown_number


def _device_event(name, device, body=None, key="lp-1"):
    from healthcode.core import clock

    event = sample(name)
    event["requestContext"]["authorizer"] = {"person_id": device["device_id"], "kind": "device", "roles": "device",
                                             "place_id": device["place_id"], "device_name": device["name"],
                                             "principalId": device["device_id"]}
    event["headers"]["idempotency-key"] = key
    if body is not None:
        event["body"] = json.dumps(body | {"measured_at": clock.iso(clock.now() - timedelta(seconds=5))},
                                   ensure_ascii=False)
    return event


def _admin_event(name, admin, place_id, body=None, device_id=None):
    event = sample(name)
    event["requestContext"]["authorizer"] = {"person_id": admin, "kind": "session", "roles": "resident",
                                             "principalId": admin}
    event["pathParameters"] = {"id": place_id} | ({"device_id": device_id} if device_id else {})
    event["path"] = f"/v1/venues/{place_id}/devices" + (f"/{device_id}" if device_id else "")
    event["body"] = json.dumps(body, ensure_ascii=False) if body is not None else None
    return event


def test_devices_need_only_what_the_devices_function_is_granted(run_as, lambdas):  # noqa: F811
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    registered = run_as("DevicesFunction", _admin_event("devices-register.json", admin, venue["place_id"],
                                                        {"name": "北门哨兵"}))
    assert status_of(registered) == 201
    device = json.loads(registered["body"]) | {"place_id": venue["place_id"]}
    listed = run_as("DevicesFunction", _admin_event("devices-list.json", admin, venue["place_id"]))
    by_code = run_as("DevicesFunction", _device_event("devices-check.json", device, {
        "qr": code_of(lambdas, new_person(lambdas)), "temperature_c": 36.5}, "lp-qr"))
    _, number = _resident_with_card(lambdas)
    by_card = run_as("DevicesFunction", _device_event("devices-check.json", device, {
        "id_card": {"id_number": number, "name": "李阿婆"}, "temperature_c": 37.5}, "lp-card"))
    unknown = run_as("DevicesFunction", _device_event("devices-check.json", device, {
        "id_card": {"id_number": _unknown_number(), "name": "某人"}, "temperature_c": 36.5}, "lp-unknown"))
    keys = run_as("DevicesFunction", _device_event("devices-keys.json", device))
    revoked = run_as("DevicesFunction", _admin_event("devices-revoke.json", admin, venue["place_id"],
                                                     device_id=device["device_id"]))
    assert [status_of(a) for a in (listed, by_code, by_card, unknown, keys, revoked)] == [200, 201, 201, 201, 200, 200]
    assert run_as.missing == {}


def test_the_authorizer_needs_only_what_it_is_granted_for_device_keys(run_as, lambdas):  # noqa: F811
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    device = new_device(lambdas, admin, venue["place_id"])
    request = sample("authorizer-request.json")
    request["path"], request["headers"] = "/v1/device/checks", {"x-device-key": device["device_key"]}
    allowed = run_as("AuthorizerFunction", request)
    assert allowed["context"]["place_id"] == venue["place_id"]
    request["headers"] = {"x-device-key": device["device_key"] + "x"}
    with pytest.raises(Exception, match="Unauthorized"):
        run_as("AuthorizerFunction", request)
    assert run_as.missing == {}
