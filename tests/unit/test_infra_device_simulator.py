"""The device simulator's offline check (infra.device.verify_offline): a code verifies against the cached JWK Set
when its signature does, and not when it was tampered with or signed by a key the set does not hold."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from healthcode.codes.tokens import CodeType, Keyring, b64url

from infra.device import verify_offline


def _keyring(kid: str) -> tuple[Keyring, dict]:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    jwks = {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": b64url(raw), "use": "sig", "alg": "EdDSA"}]}
    return Keyring(kid, {kid: private}, {kid: private.public_key()}), jwks


def test_a_code_verifies_offline_against_the_cached_key_set():
    keyring, jwks = _keyring("k1")
    qr = keyring.sign(CodeType.RESIDENT, "01JPERSON", 1, 1_800_000_000)
    assert verify_offline(qr, jwks) is True
    assert keyring.jwks() == jwks  # the set the API serves is the set the device caches


def test_a_tampered_or_foreign_code_does_not_verify_offline():
    keyring, jwks = _keyring("k1")
    other, _ = _keyring("k1")
    qr = keyring.sign(CodeType.RESIDENT, "01JPERSON", 1, 1_800_000_000)
    prefix, kid, _, signature = qr.split(".")
    forged_payload = b64url(b'{"t":"R","s":"01JOTHER","v":1,"iat":1800000000}')
    assert verify_offline(".".join([prefix, kid, forged_payload, signature]), jwks) is False
    assert verify_offline(other.sign(CodeType.RESIDENT, "01JPERSON", 1, 1_800_000_000), jwks) is False
    assert verify_offline(qr.replace("YKM1", "YKM2", 1), jwks) is False
    assert verify_offline("not a code", jwks) is False
