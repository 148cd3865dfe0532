"""GET /v1/openapi.json describes what the API really answers: its success statuses and media types, and the
shared error model on 4xx (the fuzz checks every response against it)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from healthcode.meta.routes import openapi_document


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(openapi_document())


def _operations(document: dict[str, Any]):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_no_operation_declares_the_resolvers_422(document):
    # GIVEN the document WHEN its responses are read THEN the only 422 is the API's own IDEMPOTENCY_KEY_REUSED
    # (Powertools' validation 422 is answered as 400 by this API)
    with_422 = {(p, m) for p, m, op in _operations(document) if "422" in op["responses"]}
    assert with_422 == {("/v1/venues/{id}/checks", "post"), ("/v1/quick-checkin", "post"),
                        ("/v1/me/declarations", "post"), ("/v1/medical/notices", "post"), ("/v1/device/checks", "post")}
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_the_writes_that_take_an_idempotency_key_declare_it(document):
    # GIVEN the document WHEN the idempotent writes are read THEN each declares the header (required for checks)
    declared = {(p, m): parameter["required"] for p, m, op in _operations(document)
                for parameter in op.get("parameters", []) if parameter["name"] == "Idempotency-Key"}
    assert declared == {("/v1/venues/{id}/checks", "post"): True, ("/v1/quick-checkin", "post"): False,
                        ("/v1/me/declarations", "post"): False, ("/v1/medical/notices", "post"): False,
                        ("/v1/device/checks", "post"): True}
    assert document["paths"]["/v1/me/declarations"]["post"]["responses"]["422"]["content"]["application/json"][
        "schema"] == {"$ref": "#/components/schemas/Error"}


def test_every_operation_declares_the_error_model_on_its_4xx(document):
    # GIVEN the document WHEN each operation's 4xx are read THEN each is the one error model
    for path, method, operation in _operations(document):
        declared = {s for s in operation["responses"] if s.startswith("4")}
        assert {"400", "401", "403", "404", "429"} <= declared, (path, method)
        for status in declared:
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (path, method, status)
    error = document["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["required"] == ["code", "message", "message_zh"] and "field" in error["properties"]


def test_conflict_and_media_type_errors_are_declared_where_they_can_happen(document):
    # GIVEN the document THEN 409 is declared on writes only, and 415 where there is a body
    for path, method, operation in _operations(document):
        assert ("409" in operation["responses"]) == (method != "get"), (path, method)
        assert ("415" in operation["responses"]) == ("requestBody" in operation), (path, method)


@pytest.mark.parametrize(("path", "method", "statuses"), [
    ("/v1/me/family", "post", {"201"}),
    ("/v1/me/declarations", "post", {"201"}),
    ("/v1/me/macau-code", "post", {"201"}),
    ("/v1/venues", "post", {"201"}),
    ("/v1/itinerary/sms-code", "post", {"202"}),
    ("/v1/venues/{id}/checks", "post", {"200", "201"}),
    ("/v1/quick-checkin", "post", {"200", "201"}),
    ("/v1/me/family/{person_id}", "delete", {"204"}),
    ("/v1/inspector/venues/{id}", "delete", {"204"}),
    ("/v1/me/code", "get", {"200"}),
])
def test_success_statuses_are_the_ones_the_routes_answer(document, path, method, statuses):
    # GIVEN a route that answers 201/202/204 WHEN its documented successes are read THEN they are those
    assert {s for s in document["paths"][path][method]["responses"] if s.startswith("2")} == statuses


def test_no_content_means_no_content(document):
    # GIVEN every 204 in the document THEN it declares no body
    assert all("content" not in op["responses"]["204"] for _, _, op in _operations(document) if "204" in op["responses"])


@pytest.mark.parametrize("path", ["/v1/me/code/physical", "/v1/venues/{id}/quick-code"])
def test_png_answers_are_declared(document, path):
    # GIVEN a route that answers a PNG (or JSON with format=) THEN both media types are declared
    assert set(document["paths"][path]["get"]["responses"]["200"]["content"]) == {"image/png", "application/json"}


@pytest.mark.parametrize(("path", "code"), [("/v1/health", "NOT_READY"), ("/v1/me/code", "DISPLAY_FAILED")])
def test_a_routes_own_503_is_declared_in_the_error_model(document, path, code):
    # GIVEN a route that answers 503 of its own (not ready; a display that failed) THEN it is documented, as an Error
    answer = document["paths"][path]["get"]["responses"]["503"]
    assert code in answer["description"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_a_venue_admin_offer_is_declared_202(document):
    # GIVEN the admin-transfer offer, answered alike whether or not the successor exists THEN its success is 202
    responses = document["paths"]["/v1/venues/{id}/admin-transfer"]["post"]["responses"]
    assert {s for s in responses if s.startswith("2")} == {"202"}


def test_the_device_routes_declare_the_device_key_header(document):
    # GIVEN the document WHEN the scanner devices' routes are read THEN each names its required x-device-key header
    device_routes = {(p, m) for p, m, _ in _operations(document) if p.startswith("/v1/device/")}
    assert device_routes == {("/v1/device/checks", "post"), ("/v1/device/keys", "get")}
    for path, method in device_routes:
        headers = {h["name"]: h["required"] for h in document["paths"][path][method]["parameters"]
                   if h["in"] == "header"}
        assert headers["x-device-key"] is True
