"""Scanner devices in template.yaml (issue 14): a revoked device key must be refused within a minute, so the
authorizer's cache (if one is ever turned on) is at most 60 s and keyed by the device key; the device routes are
behind the authorizer, not public."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.template import load_template, resources_of  # noqa: E402

DEVICE_ROUTES = {("/v1/venues/{id}/devices", "POST"), ("/v1/venues/{id}/devices", "GET"),
                 ("/v1/venues/{id}/devices/{device_id}", "DELETE"), ("/v1/device/checks", "POST"),
                 ("/v1/device/keys", "GET")}


def test_a_revoked_device_key_cannot_outlive_the_authorizer_cache_by_more_than_a_minute():
    # GIVEN the API's authorizer
    api = next(iter(resources_of(load_template(), "AWS::Serverless::Api").values()))
    auth = api["Properties"]["Auth"]
    identity = auth["Authorizers"][auth["DefaultAuthorizer"]].get("Identity") or {}
    # THEN its answers are cached for at most 60 s (SAM's default, when unset, is 300 s)
    ttl = identity.get("ReauthorizeEvery", 300)
    assert ttl <= 60
    # AND a cache, if any, is keyed by the device key too (otherwise a session's answer could serve a device)
    if ttl > 0:
        assert "x-device-key" in [h.lower() for h in identity.get("Headers", [])]


def test_the_device_routes_are_served_by_the_devices_function_behind_the_authorizer():
    functions = resources_of(load_template(), "AWS::Serverless::Function")
    events = functions["DevicesFunction"]["Properties"]["Events"].values()
    routes = {(e["Properties"]["Path"], e["Properties"]["Method"]) for e in events if e["Type"] == "Api"}
    assert routes == DEVICE_ROUTES
    assert all((e["Properties"].get("Auth") or {}).get("Authorizer") != "NONE" for e in events)


def test_the_people_index_of_id_card_reads_projects_the_model_s_status_fields_and_no_personal_data():
    # GIVEN the people table's by_document index (a device's ID-card read: one Query answers with the status)
    from healthcode.models.people import DEVICE_ANSWER, Person

    people = resources_of(load_template(), "AWS::DynamoDB::Table")["PeopleTable"]["Properties"]
    index = next(g for g in people["GlobalSecondaryIndexes"] if g["IndexName"] == "by_document")
    # THEN it is keyed by the document's keyed hash and projects exactly what the model declares
    assert index["KeySchema"] == [{"AttributeName": "id_hash", "KeyType": "HASH"}]
    assert index["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": DEVICE_ANSWER}
    assert Person.by_document.Meta.projection.non_key_attributes == DEVICE_ANSWER
    # AND nothing encrypted, no phone, no other identifier rides along (the masked name is what a device shows)
    assert not [a for a in DEVICE_ANSWER if a.endswith(("_enc", "_hash")) or "phone" in a or a.startswith("id_")]
