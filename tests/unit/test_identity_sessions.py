"""Session tokens: HS256 JWTs issued at login; everything but an intact, unexpired HS256 token is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from healthcode.core.errors import Unauthorized
from healthcode.identity.sessions import ISSUER, Session, issue, verify


def b64url_json(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).rstrip(b"=").decode()


def valid_claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"sub": "P1", "roles": ["resident"], "iat": now, "exp": now + 600, "iss": ISSUER}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_issued_token_verifies_to_its_session(session_secret: bytes) -> None:
    # GIVEN a token issued at login for a person with two roles
    token, expires_at = issue("P1", ["resident", "inspector"])

    # WHEN the authorizer verifies it
    session = verify(token)

    # THEN it gives back the person, the roles and the expiry
    assert session == Session(person_id="P1", roles=("resident", "inspector"), expires_at=expires_at)


def test_token_lives_for_the_configured_session_lifetime(session_secret: bytes) -> None:
    # GIVEN a configured lifetime of 2 hours WHEN a token is issued at a known time
    _, expires_at = issue("P1", [], now=1_700_000_000)

    # THEN it expires 2 hours later
    assert expires_at == 1_700_000_000 + 7200


def test_expired_token_is_refused(session_secret: bytes) -> None:
    # GIVEN a token issued more than a lifetime ago
    token, _ = issue("P1", ["resident"], now=int(time.time()) - 7200 - 60)

    # WHEN it is verified THEN it is 401 UNAUTHORIZED
    with pytest.raises(Unauthorized) as caught:
        verify(token)
    assert (caught.value.status, caught.value.code) == (401, "UNAUTHORIZED")


def test_token_with_payload_tampered_after_signing_is_refused(session_secret: bytes) -> None:
    # GIVEN a resident's token whose payload is swapped for one claiming admin roles, signature kept
    token, _ = issue("P1", ["resident"])
    header, _, signature = token.split(".")
    forged = f"{header}.{b64url_json(valid_claims(roles=['resident', 'system_admin']))}.{signature}"

    # WHEN it is verified THEN it is refused
    with pytest.raises(Unauthorized):
        verify(forged)


def test_unsigned_alg_none_token_is_refused(session_secret: bytes) -> None:
    # GIVEN a hand-made token with `alg: none` and an empty signature, otherwise well formed
    token = f"{b64url_json({'alg': 'none', 'typ': 'JWT'})}.{b64url_json(valid_claims())}."

    # WHEN it is verified THEN it is refused
    with pytest.raises(Unauthorized):
        verify(token)


def test_token_signed_with_another_key_is_refused(session_secret: bytes) -> None:
    # GIVEN a token that is correct in every way but signed with a key that is not ours
    token = jwt.encode(valid_claims(), b"k" * 64, algorithm="HS256")

    # WHEN it is verified THEN it is refused
    with pytest.raises(Unauthorized):
        verify(token)


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_token_signed_with_our_key_under_another_hmac_algorithm_is_refused(
    session_secret: bytes, algorithm: str
) -> None:
    # GIVEN a token signed with the session key itself, but not with HS256
    token = jwt.encode(valid_claims(), session_secret, algorithm=algorithm)

    # WHEN it is verified THEN the pinned algorithm refuses it
    with pytest.raises(Unauthorized):
        verify(token)


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "EdDSA", "PS256"])
def test_token_claiming_an_asymmetric_algorithm_is_refused(session_secret: bytes, algorithm: str) -> None:
    # GIVEN the classic confusion attack: a header claiming a public-key algorithm, HMAC-signed with our key
    signing_input = f"{b64url_json({'alg': algorithm, 'typ': 'JWT'})}.{b64url_json(valid_claims())}"
    mac = hmac.new(session_secret, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"

    # WHEN it is verified THEN it is refused
    with pytest.raises(Unauthorized):
        verify(token)


@pytest.mark.parametrize("claim", ["sub", "exp", "iat", "iss"])
def test_token_missing_a_required_claim_is_refused(session_secret: bytes, claim: str) -> None:
    # GIVEN a token signed with our key but missing one required claim (sub: nobody to act as)
    token = jwt.encode(valid_claims(**{claim: None}), session_secret, algorithm="HS256")

    # WHEN it is verified THEN it is refused
    with pytest.raises(Unauthorized):
        verify(token)


def test_token_from_another_issuer_is_refused(session_secret: bytes) -> None:
    # GIVEN a token signed with our key but issued by someone else
    token = jwt.encode(valid_claims(iss="someone-else"), session_secret, algorithm="HS256")

    # WHEN it is verified THEN it is refused
    with pytest.raises(Unauthorized):
        verify(token)


@pytest.mark.parametrize("roles", [None, "resident", [1], {"r": "resident"}, ["resident", None]])
def test_token_with_malformed_roles_is_refused(session_secret: bytes, roles: Any) -> None:
    # GIVEN a token signed with our key whose roles are missing or not a list of strings
    token = jwt.encode(valid_claims(roles=roles), session_secret, algorithm="HS256")

    # WHEN it is verified THEN it is refused rather than guessed at
    with pytest.raises(Unauthorized):
        verify(token)


@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c", "a.b", "...", "Bearer x.y.z"])
def test_garbage_token_is_refused(session_secret: bytes, token: str) -> None:
    # GIVEN something that is not a JWT at all WHEN it is verified THEN it is refused
    with pytest.raises(Unauthorized):
        verify(token)
