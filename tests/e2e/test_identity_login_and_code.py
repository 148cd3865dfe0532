"""The first vertical slice over HTTP on the local stack: log in, see a green signed code, read the log."""

from __future__ import annotations

import base64
import json

import pytest
import requests

pytestmark = pytest.mark.e2e


def login(stack, **overrides):
    body = {"id_type": "ID_CARD", "id_number": stack.demo["id_number"], "name": stack.demo["name"],
            "method": "FACE", "proof": "dev-pass"} | overrides
    return requests.post(f"{stack.base_url}/v1/auth/login", json=body, timeout=10)


def test_resident_logs_in_and_sees_a_green_code(local_stack):
    answer = login(local_stack)
    assert answer.status_code == 200, answer.text
    token = answer.json()["token"]
    code = requests.get(f"{local_stack.base_url}/v1/me/code", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert code.status_code == 200
    shown = code.json()
    assert shown["color"] == "GREEN" and shown["qr"].startswith("YKM1.")
    assert shown["name_masked"] == "张*丰"
    # the code verifies against the published JWK Set
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    keys = requests.get(f"{local_stack.base_url}/v1/keys", timeout=10).json()["keys"]
    prefix, kid, payload, sig = shown["qr"].split(".")
    key = next(k for k in keys if k["kid"] == kid)
    Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(key["x"] + "==")).verify(
        base64.urlsafe_b64decode(sig + "=="), f"{prefix}.{kid}.{payload}".encode())
    assert json.loads(base64.urlsafe_b64decode(payload + "=="))["s"] == shown["person_id"]
    log = requests.get(f"{local_stack.base_url}/v1/me/display-log", headers={"Authorization": f"Bearer {token}"},
                       timeout=10)
    assert log.status_code == 200 and log.json()["items"][0]["color"] == "GREEN"


def test_system_admin_from_environment_gets_the_role(local_stack):
    admin = next(p for p in local_stack.demo["people"] if p.get("system_admin"))
    answer = login(local_stack, id_number=admin["id_number"], name=admin["name"])
    assert "system_admin" in answer.json()["roles"]


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc"])
def test_code_without_a_valid_session_is_401(local_stack, header):
    headers = {"Authorization": header} if header else {}
    answer = requests.get(f"{local_stack.base_url}/v1/me/code", headers=headers, timeout=10)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "UNAUTHORIZED"


def test_unknown_route_is_answered_as_api_gateway_does(local_stack):
    answer = requests.get(f"{local_stack.base_url}/v1/no/such/route", timeout=10)
    assert answer.status_code in (403, 404)
    assert answer.json()["error"]["code"] == "NOT_FOUND"


def test_bad_login_names_the_field(local_stack):
    answer = login(local_stack, id_number="440305199003074560")
    assert answer.status_code == 400
    assert answer.json()["error"] == answer.json()["error"] | {"code": "INVALID_ID_NUMBER", "field": "id_number"}


def test_public_routes_and_page(local_stack):
    assert requests.get(f"{local_stack.base_url}/v1/health", timeout=10).json() == {"status": "ok"}
    assert "/v1/me/code" in requests.get(f"{local_stack.base_url}/v1/openapi.json", timeout=10).json()["paths"]
    page = requests.get(f"{local_stack.base_url}/", timeout=10)
    assert page.status_code == 200 and "粤康码" in page.text


def test_dev_routes_exist_only_in_the_local_gateway(local_stack):
    from infra.template import load_template, routes

    assert not [r for r in routes(load_template()) if r.path.startswith("/v1/dev/")]
    answer = requests.post(f"{local_stack.base_url}/v1/dev/streams/drain", timeout=30)
    assert answer.status_code == 200 and answer.json()["failures"] == []
