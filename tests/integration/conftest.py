"""Integration fixtures: moto with every resource built from template.yaml, handlers loaded as Lambda would."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.local.demo import id_number
from infra.local.lambdas import load_function
from infra.local.provision import provision
from infra.template import ROOT, Resolver, functions, load_template

EVENTS = ROOT / "events"
SYSTEM_ADMIN = id_number("44010619860101123")


@pytest.fixture(scope="session")
def aws():
    """One embedded AWS for the integration session; tests use fresh people so they do not interfere."""
    with mock_aws():
        template = load_template()
        session = boto3.session.Session(region_name="us-east-1")
        physical = provision(template, session)
        # Point the environment at what was created (KMS key id and secret ARN are only known now).
        resolver = Resolver(template, physical, {"SystemAdminIds": SYSTEM_ADMIN, "IdentityProvider": "dev",
                                                 "SmsProvider": "dev", "LogLevel": "WARNING"}, "us-east-1")
        specs = functions(template)
        env = {k: str(resolver.resolve(v)) for k, v in next(iter(specs.values())).environment.items()}
        for key in ("PII_KEY_ID", "APP_SECRET_ID", "SYSTEM_ADMIN_IDS"):
            os.environ[key] = env[key]
        from healthcode.config import get_config

        get_config.cache_clear()
        yield {"template": template, "session": session, "physical": physical, "resolver": resolver, "specs": specs}


@pytest.fixture(scope="session")
def lambdas(aws) -> dict[str, Any]:
    return {name: load_function(spec, aws["resolver"]) for name, spec in aws["specs"].items()}


def sample_event(name: str, **changes: Any) -> dict[str, Any]:
    """A sample from events/, with body/query/headers/authorizer replaced as asked."""
    event = copy.deepcopy(json.loads((EVENTS / name).read_text()))
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
