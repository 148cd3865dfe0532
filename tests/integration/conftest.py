"""Integration fixtures: moto with every resource built from template.yaml, handlers loaded as Lambda would."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

from infra.local.demo import id_number
from infra.local.embedded import embedded_aws, load_all
from infra.template import ROOT

EVENTS = ROOT / "events"
SYSTEM_ADMIN = id_number("44010619860101123")


@pytest.fixture(scope="session")
def aws():
    """One embedded AWS for the integration session; tests use fresh people so they do not interfere."""
    with embedded_aws(SYSTEM_ADMIN) as resources:
        yield resources


@pytest.fixture(scope="session")
def lambdas(aws) -> dict[str, Any]:
    return load_all(aws)


def sample_event(name: str, **changes: Any) -> dict[str, Any]:
    """A sample from events/, with body/query/headers/authorizer replaced as asked.

    Each event comes from an address of its own (source_ip= to choose it), so the per-address limits of
    healthcode.core.ratelimit never add up across the tests of one session.
    """
    event = copy.deepcopy(json.loads((EVENTS / name).read_text()))
    source_ip = changes.pop("source_ip", None) or f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}"
    event["requestContext"].setdefault("identity", {})["sourceIp"] = source_ip
    if "body" in changes:
        body = changes.pop("body")
        event["body"] = body if isinstance(body, str) or body is None else json.dumps(body, ensure_ascii=False)
    if "query" in changes:
        query = changes.pop("query")
        event["queryStringParameters"] = query or None
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
    if "person_id" in changes:
        person_id = changes.pop("person_id")
        event["requestContext"]["authorizer"] = {"person_id": person_id, "kind": "session",
                                                 "roles": ",".join(changes.pop("roles", ["resident"])),
                                                 "principalId": person_id}
    if "path" in changes:  # concrete path, its template resource and parameters: path=("/v1/x/1", "/v1/x/{id}", {"id": "1"})
        path, resource, params = changes.pop("path")
        event["path"], event["resource"], event["pathParameters"] = path, resource, params
        event["requestContext"]["resourcePath"], event["requestContext"]["path"] = resource, f"/live{path}"
    if "method" in changes:
        event["httpMethod"] = event["requestContext"]["httpMethod"] = changes.pop("method")
    if "headers" in changes:
        event["headers"] = {**(event.get("headers") or {}), **changes.pop("headers")}
    assert not changes, f"unknown changes {changes}"
    return event


def call(function: Any, event: dict[str, Any]) -> tuple[int, Any]:
    answer = function.invoke(event)
    body = answer.get("body")
    try:
        body = json.loads(body) if body else None
    except ValueError:
        pass
    return answer["statusCode"], body


def new_phone() -> str:
    """A mainland mobile (+86 and 11 digits) that no test of the session is likely to hold."""
    return f"+86136{random.randrange(10**8):08d}"


def new_id_card() -> str:
    """A valid ID card number of Guangzhou (Tianhe), born 1986-2000, that no test of the session is likely to use."""
    return id_number(f"440106{random.randint(1986, 2000)}0{random.randint(1, 9)}{random.randint(10, 28)}"
                     f"{random.randint(100, 999)}")


def log_in(lambdas: dict[str, Any], number: str, name: str, phone: str | None = None, **fields: str
           ) -> dict[str, Any]:
    """A verified login (face, ID card) as the H5 page sends it, binding the phone if one is given; `fields` replace
    or add body fields (method, id_type, issue_count). The answer: person_id, token, roles."""
    body = {"id_type": "ID_CARD", "id_number": number, "name": name, "method": "FACE", "proof": "dev-pass"} | fields
    if phone:
        body["phone"] = phone
    status, answer = call(lambdas["AuthFunction"], sample_event("auth-login.json", body=body))
    assert status == 200, answer
    return answer


@pytest.fixture
def login(lambdas):
    """`login(name, number, phone=None)`: log_in for the session's handlers."""

    def submit(name: str, number: str, phone: str | None = None) -> dict[str, Any]:
        return log_in(lambdas, number, name, phone)

    return submit


def api_request(function: Any, sample: str, method: str, path: str, resource: str, person_id: str, body: Any = None,
                params: dict[str, str] | None = None, query: dict[str, str] | None = None,
                headers: dict[str, str] | None = None, roles: list[str] | None = None) -> tuple[int, Any]:
    """A signed-in request to `function`, built on the sample event: the method, the concrete path with its resource
    and path parameters, the body and query replaced (and headers and the session's roles, if given)."""
    changes: dict[str, Any] = {"person_id": person_id, "path": (path, resource, params), "method": method,
                               "body": body, "query": query or {}}
    if headers:
        changes["headers"] = headers
    if roles:
        changes["roles"] = roles
    return call(function, sample_event(sample, **changes))


@pytest.fixture
def resident(lambdas):
    """A freshly logged-in resident: (person_id, token, id_number)."""
    import random

    first17 = f"440305{random.randint(1991, 2005)}0{random.randint(1, 9)}1{random.randint(1, 9)}{random.randint(100, 999)}"
    number = id_number(first17)
    status, body = call(lambdas["AuthFunction"], sample_event("auth-login.json", body={
        "id_type": "ID_CARD", "id_number": number, "name": "陈大文", "method": "FACE", "proof": "dev-pass"}))
    assert status == 200, body
    return {"person_id": body["person_id"], "token": body["token"], "id_number": number}


@pytest.fixture
def event():
    return sample_event


@pytest.fixture
def invoke():
    return call


class Clock:
    """healthcode.core.clock.now() under the test's control: `.now` is what it answers, `.advance(minutes=...)` moves it."""

    def __init__(self, start) -> None:
        self.now = start

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)


@pytest.fixture
def clock(aws, monkeypatch) -> Clock:
    """The product's clock frozen at 10:00:00 today, Shanghai time (on a 10-minute boundary: rate-limit windows
    start there)."""
    from healthcode.core import clock as product_clock

    frozen = Clock(product_clock.now().replace(hour=10, minute=0, second=0, microsecond=0))
    monkeypatch.setattr(product_clock, "now", lambda: frozen.now)
    return frozen
