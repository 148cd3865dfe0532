"""Fuzz every operation of GET /v1/openapi.json over HTTP with schemathesis: no 5xx, and every 4xx in the error model.

The fuzz runs against a local stack of its own (started here, like tests/conftest.py::local_stack), so its
writes — reissued codes, transferred venues, removed family members — cannot disturb the other e2e tests.
Callers: the demo resident (also the demo venue's admin and inspector) for most routes, the demo system admin for
/v1/admin/*, the demo doctor for /v1/medical/*, and the partner API key on /v1/feeds/*.

Checks on every response: not_a_server_error; status code, content type and body conform to the document (which
declares each operation's success and the shared error responses); and `error_body_names_the_problem`: every 4xx
is `{"error": {"code", "message", "message_zh", "field"?}}`, and every 400 names its field.

The default run is bounded (the coverage phase's boundary and negative values, plus a few random examples per
operation, well under a minute); `test_api_fuzz_deep` (slow) runs many more random examples, FUZZ_EXAMPLES per
operation (default 60): `FUZZ_EXAMPLES=500 .venv/bin/pytest tests/e2e/test_meta_api_fuzz.py -k deep` for a long hunt.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
FEED_KEY = "fuzz-feed-key"


@pytest.fixture(scope="module")
def fuzz_stack(stack_spawner, tmp_path_factory):
    """A local stack for this module alone (its writes stay here), with the partner key FEED_KEY."""
    with stack_spawner(tmp_path_factory.mktemp("fuzz-stack"), FEED_API_KEY=FEED_KEY) as stack:
        yield stack


def _login(stack: SimpleNamespace, person: dict[str, Any]) -> str:
    answer = requests.post(f"{stack.base_url}/v1/auth/login", timeout=10, json={
        "id_type": "ID_CARD", "id_number": person["id_number"], "name": person["name"], "method": "FACE",
        "proof": "dev-pass"})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


@pytest.fixture(scope="module")
def callers(fuzz_stack) -> dict[str, dict[str, str]]:
    """Headers per route family: who would really call it."""
    people = fuzz_stack.demo["people"]
    resident = _login(fuzz_stack, {"id_number": fuzz_stack.demo["id_number"], "name": fuzz_stack.demo["name"]})
    admin = _login(fuzz_stack, next(p for p in people if p.get("system_admin")))
    doctor = _login(fuzz_stack, next(p for p in people if "medical" in p["roles"]))
    return {"/v1/feeds/": {"x-api-key": FEED_KEY}, "/v1/admin/": {"Authorization": f"Bearer {admin}"},
            "/v1/medical/": {"Authorization": f"Bearer {doctor}"}, "": {"Authorization": f"Bearer {resident}"}}


@pytest.fixture(scope="module")
def known_ids(fuzz_stack) -> dict[str, str]:
    """Path parameters that exist, swapped into positive cases so they reach past the 404 of an unknown id."""
    return {"id": fuzz_stack.demo["venue"]["place_id"],
            "person_id": fuzz_stack.demo["residents"]["family"][0]["person_id"]}


@pytest.fixture(scope="module")
def api_schema(fuzz_stack):
    schema = schemathesis.openapi.from_url(f"{fuzz_stack.base_url}/v1/openapi.json", timeout=10)
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
    return schema


@schemathesis.check
def error_body_names_the_problem(ctx, response, case) -> bool | None:
    """Every 4xx is the one error model; every 400 says which field is wrong."""
    if not 400 <= response.status_code < 500:
        return None
    body = json.loads(response.content or b"null")
    error = body.get("error") if isinstance(body, dict) else None
    assert isinstance(error, dict), f"a {response.status_code} without an error object: {response.text[:300]}"
    for key in ("code", "message", "message_zh"):
        assert isinstance(error.get(key), str) and error[key], f"error.{key} missing: {response.text[:300]}"
    if response.status_code == 400:  # every 400 is about something the caller sent: it names it
        assert isinstance(error.get("field"), str) and error["field"], f"a 400 without its field: {response.text[:300]}"
    return True


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          error_body_names_the_problem]


def _call(case, callers: dict[str, dict[str, str]], known_ids: dict[str, str]) -> None:
    headers = dict(next(h for prefix, h in callers.items() if case.path.startswith(prefix)))
    if case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
        if case.path_parameters:
            case.path_parameters = {k: known_ids.get(k, v) for k, v in case.path_parameters.items()}
        if case.path.endswith("/checks"):  # the header a scanner sends (not in the document: read by the handler)
            headers["Idempotency-Key"] = uuid.uuid4().hex
    case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    """schemathesis 4.32's lazy schemas read `node._nodeid`, which pytest 9.2 no longer has (it is `nodeid`)."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_fuzz(case, callers, known_ids):
    # GIVEN any request the document allows, or one just outside it WHEN it is sent THEN the answer is no 5xx,
    # conforms to the document, and a 4xx names the problem
    _call(case, callers, known_ids)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_fuzz_deep(case, callers, known_ids):
    # GIVEN many more random requests WHEN they are sent THEN the same holds
    _call(case, callers, known_ids)
