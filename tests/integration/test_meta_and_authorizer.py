"""Meta routes and the REQUEST authorizer on their sample events."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest


def test_health(lambdas, event, invoke):
    assert invoke(lambdas["MetaFunction"], event("meta-health.json")) == (200, {"status": "ok"})


def test_keys_are_a_jwk_set_that_verifies_codes(lambdas, event, invoke, resident):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    status, jwks = invoke(lambdas["MetaFunction"], event("meta-keys.json"))
    assert status == 200
    _, code = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"]))
    prefix, kid, payload, sig = code["qr"].split(".")
    key = next(k for k in jwks["keys"] if k["kid"] == kid)
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519"
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(key["x"] + "=="))
    public.verify(base64.urlsafe_b64decode(sig + "=="), f"{prefix}.{kid}.{payload}".encode())


def test_openapi_document_covers_every_template_route(lambdas, event, invoke, aws):
    from infra.template import routes

    status, doc = invoke(lambdas["MetaFunction"], event("meta-openapi.json"))
    assert status == 200 and doc["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    declared = {(r.path, r.method) for r in routes(aws["template"]) if r.path != "/v1/openapi.json"}
    assert declared <= documented


def _authorize(lambdas, token: str | None, path: str = "/v1/me/code"):
    request = json.loads(open("events/authorizer-request.json").read())
    request["path"] = path
    request["headers"] = {"authorization": f"Bearer {token}"} if token is not None else {}
    return lambdas["AuthorizerFunction"].invoke(request)


def test_authorizer_passes_person_and_roles(lambdas, resident):
    policy = _authorize(lambdas, resident["token"])
    assert policy["principalId"] == resident["person_id"]
    assert policy["context"] == {"person_id": resident["person_id"], "kind": "session", "roles": "resident"}
    assert policy["policyDocument"]["Statement"][0]["Effect"] == "Allow"


def _forged(kind: str, resident) -> str | None:
    from healthcode.core.secrets import get_secret

    now = int(time.time())
    claims = {"sub": resident["person_id"], "roles": ["resident", "system_admin"], "iat": now, "exp": now + 600,
              "iss": "yuekang-code"}
    if kind == "missing":
        return None
    if kind == "expired":
        return jwt.encode(claims | {"iat": now - 7200, "exp": now - 60}, get_secret().session_key, algorithm="HS256")
    if kind == "tampered":
        header, payload, sig = resident["token"].split(".")
        body = json.loads(base64.urlsafe_b64decode(payload + "=="))
        body["roles"] = ["system_admin"]
        forged = base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")
        return f"{header}.{forged}.{sig}"
    if kind == "alg-none":
        header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
        payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        return f"{header}.{payload}."
    if kind == "other-key":
        return jwt.encode(claims, "not-the-key-" * 4, algorithm="HS256")
    if kind == "garbage":
        return "abc"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["missing", "expired", "tampered", "alg-none", "other-key", "garbage"])
def test_authorizer_refuses_bad_sessions(lambdas, resident, kind):
    with pytest.raises(Exception, match="^Unauthorized$"):
        _authorize(lambdas, _forged(kind, resident))


def test_partner_routes_need_a_known_api_key(lambdas):
    from healthcode.core.pii import key_digest
    from healthcode.models import AuthItem

    AuthItem(key=f"apikey#{key_digest('partner-secret')}", value="cdc").save()
    request = json.loads(open("events/authorizer-request.json").read())
    request["path"] = "/v1/feeds/health-events"
    request["headers"] = {"x-api-key": "partner-secret"}
    policy = lambdas["AuthorizerFunction"].invoke(request)
    assert policy["context"]["kind"] == "partner"
    request["headers"] = {"x-api-key": "wrong"}
    with pytest.raises(Exception, match="^Unauthorized$"):
        lambdas["AuthorizerFunction"].invoke(request)
