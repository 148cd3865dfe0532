"""Code tokens `YKM1.<kid>.<payload>.<sig>`: signing, verifying, the published JWK Set, key rotation, and a
catalogue of invalid codes in the manner of the EU digital COVID certificate test data."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from healthcode.codes.tokens import MAX_QR_LENGTH, PERSON_CODES, PREFIX, CodeClaims, CodeType, Keyring, new_signing_key
from healthcode.core.errors import InvalidCode
from healthcode.core.secrets import AppSecret

SUBJECT = "01J9ZK6Q7R8S9T0V1W2X3Y4Z5A"
ISSUED_AT = 1_700_000_000


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def compact_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


# --- round trip -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code_type", list(CodeType))
def test_signed_code_verifies_to_its_claims(keyring: Keyring, code_type: CodeType) -> None:
    # GIVEN a code of any type signed with the active key
    qr = keyring.sign(code_type, SUBJECT, 3, ISSUED_AT)

    # WHEN it is verified where that type is accepted
    claims = keyring.verify(qr, [code_type])

    # THEN the claims are exactly what was signed, with the signing kid
    assert claims == CodeClaims(type=code_type, subject=SUBJECT, version=3, issued_at=ISSUED_AT, kid="k1")


def test_code_has_the_documented_shape_and_no_personal_data(keyring: Keyring) -> None:
    # GIVEN a resident code
    qr = keyring.sign(CodeType.RESIDENT, SUBJECT, 1, ISSUED_AT)

    # WHEN it is taken apart
    prefix, kid, payload, signature = qr.split(".")

    # THEN it is YKM1.<kid>.<base64url compact JSON>.<base64url 64-byte Ed25519 signature>, unpadded,
    # and the payload holds only type, opaque subject, version and issue time
    assert (prefix, kid) == (PREFIX, "k1")
    assert "=" not in qr
    assert json.loads(unb64url(payload)) == {"t": "R", "s": SUBJECT, "v": 1, "iat": ISSUED_AT}
    assert len(unb64url(signature)) == 64


def test_surrounding_whitespace_from_a_scanner_is_tolerated(keyring: Keyring) -> None:
    # GIVEN a scanned code with a trailing newline, as many scanners send
    qr = keyring.sign(CodeType.RESIDENT, SUBJECT, 1, ISSUED_AT) + "\r\n"

    # WHEN it is verified THEN it verifies
    assert keyring.verify(qr, PERSON_CODES).subject == SUBJECT


def test_version_is_returned_for_the_caller_to_check_revocation(keyring: Keyring) -> None:
    # GIVEN a code of an old version (re-issued since): revocation is the caller's check, not the keyring's
    qr = keyring.sign(CodeType.PHYSICAL, SUBJECT, 1, ISSUED_AT)

    # WHEN it is verified THEN it verifies and reports its version, so the caller can compare it with the person's
    assert keyring.verify(qr, PERSON_CODES).version == 1


# --- JWK Set (RFC 8037) ---------------------------------------------------------------------------------------


def test_jwks_publishes_each_public_key_as_an_okp_ed25519_jwk(keyring: Keyring) -> None:
    # GIVEN a keyring WHEN its JWK Set is exported
    jwks = keyring.jwks()

    # THEN each key is an OKP / Ed25519 JWK with its kid
    assert [(k["kty"], k["crv"], k["kid"]) for k in jwks["keys"]] == [("OKP", "Ed25519", "k1")]


def test_jwks_never_publishes_a_private_part(keyring: Keyring) -> None:
    # GIVEN a keyring holding the private signing key WHEN its JWK Set is exported THEN no `d` is in it
    assert all("d" not in key for key in keyring.jwks()["keys"])


def test_jwks_x_is_the_raw_32_byte_key_that_verifies_codes(keyring: Keyring) -> None:
    # GIVEN a code and the published JWK for its kid, as an offline scanner holds them
    qr = keyring.sign(CodeType.RESIDENT, SUBJECT, 1, ISSUED_AT)
    signed, signature = qr.rsplit(".", 1)
    (jwk,) = keyring.jwks()["keys"]

    # WHEN the scanner decodes x (base64url, unpadded) and checks the signature with it
    raw = unb64url(jwk["x"])
    public = Ed25519PublicKey.from_public_bytes(raw)

    # THEN x is 32 bytes and the signature over everything before the last dot verifies (no exception)
    assert len(raw) == 32 and "=" not in jwk["x"]
    public.verify(unb64url(signature), signed.encode("ascii"))


# --- rotation -------------------------------------------------------------------------------------------------


@pytest.fixture
def old_key() -> dict[str, str]:
    return new_signing_key("k1")


def test_code_signed_with_a_retired_key_still_verifies_while_its_public_key_is_kept(
    make_secret: Callable[..., AppSecret], old_key: dict[str, str]
) -> None:
    # GIVEN a code signed under k1, then a rotation to k2 that keeps k1's public part only
    qr = Keyring.from_secret(make_secret("k1", old_key)).sign(CodeType.PHYSICAL, SUBJECT, 1, ISSUED_AT)
    rotated = Keyring.from_secret(make_secret("k2", new_signing_key("k2"), {"kid": "k1", "x": old_key["x"]}))

    # WHEN the old printed code is verified by the rotated keyring
    claims = rotated.verify(qr, PERSON_CODES)

    # THEN it still verifies, under its original kid
    assert (claims.subject, claims.kid) == (SUBJECT, "k1")


def test_rotated_keyring_signs_new_codes_with_the_new_key(
    make_secret: Callable[..., AppSecret], old_key: dict[str, str]
) -> None:
    # GIVEN a keyring rotated to k2, with k1 kept for verification
    rotated = Keyring.from_secret(make_secret("k2", new_signing_key("k2"), {"kid": "k1", "x": old_key["x"]}))

    # WHEN a code is signed THEN it carries k2
    assert rotated.sign(CodeType.RESIDENT, SUBJECT, 2, ISSUED_AT).split(".")[1] == "k2"


def test_rotated_keyring_publishes_both_keys(make_secret: Callable[..., AppSecret], old_key: dict[str, str]) -> None:
    # GIVEN a keyring rotated to k2, with k1 kept for verification
    rotated = Keyring.from_secret(make_secret("k2", new_signing_key("k2"), {"kid": "k1", "x": old_key["x"]}))

    # WHEN its JWK Set is exported THEN scanners get both public keys, k1 exactly as it was
    keys = {k["kid"]: k["x"] for k in rotated.jwks()["keys"]}
    assert keys.keys() == {"k1", "k2"} and keys["k1"] == old_key["x"]


def test_code_signed_with_a_dropped_key_no_longer_verifies(
    make_secret: Callable[..., AppSecret], old_key: dict[str, str]
) -> None:
    # GIVEN a code signed under k1, and a keyring that no longer holds k1 at all
    qr = Keyring.from_secret(make_secret("k1", old_key)).sign(CodeType.RESIDENT, SUBJECT, 1, ISSUED_AT)
    rotated = Keyring.from_secret(make_secret("k2", new_signing_key("k2")))

    # WHEN it is verified THEN it is an invalid code
    with pytest.raises(InvalidCode):
        rotated.verify(qr, PERSON_CODES)


def test_keyring_cannot_be_built_without_the_active_private_key(
    make_secret: Callable[..., AppSecret], old_key: dict[str, str]
) -> None:
    # GIVEN a secret whose active kid has only a public part WHEN a keyring is built THEN it refuses
    with pytest.raises(RuntimeError):
        Keyring.from_secret(make_secret("k1", {"kid": "k1", "x": old_key["x"]}))


def test_keyring_built_directly_from_key_objects_signs_and_verifies() -> None:
    # GIVEN a keyring built from key objects rather than a secret
    private = Ed25519PrivateKey.generate()
    keyring = Keyring("direct", {"direct": private}, {"direct": private.public_key()})

    # WHEN a code is signed and verified THEN it round-trips
    qr = keyring.sign(CodeType.QUICK_CHECKIN, "venue-1", 1, ISSUED_AT)
    assert keyring.verify(qr, [CodeType.QUICK_CHECKIN]).subject == "venue-1"


# --- the catalogue of invalid codes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Forge:
    """What a catalogue entry may use to build its code: the real keyring and its private key."""

    keyring: Keyring
    private: Ed25519PrivateKey
    kid: str

    def good(self, code_type: CodeType = CodeType.RESIDENT, subject: str = SUBJECT) -> str:
        return self.keyring.sign(code_type, subject, 1, ISSUED_AT)

    def signed(
        self, payload_text: str, *, kid: str | None = None, key: Ed25519PrivateKey | None = None, prefix: str = PREFIX
    ) -> str:
        """A code with a correct signature over arbitrary payload text, so only the check under test fails."""
        head = f"{prefix}.{kid or self.kid}.{payload_text}"
        return f"{head}.{b64url((key or self.private).sign(head.encode()))}"

    def signed_json(self, value: Any) -> str:
        return self.signed(b64url(compact_json(value)))


def replace_part(qr: str, index: int, text: str) -> str:
    parts = qr.split(".")
    parts[index] = text
    return ".".join(parts)


def flip_signature_bit(qr: str) -> str:
    head, signature = qr.rsplit(".", 1)
    raw = bytearray(unb64url(signature))
    raw[10] ^= 0x01
    return f"{head}.{b64url(bytes(raw))}"


def truncate_signature(qr: str) -> str:
    return replace_part(qr, 3, b64url(unb64url(qr.split(".")[3])[:63]))


def tamper_subject(qr: str) -> str:
    payload = json.loads(unb64url(qr.split(".")[2]))
    payload["s"] = "01SOMEONEELSE0000000000000"
    return replace_part(qr, 2, b64url(compact_json(payload)))


GOOD_PAYLOAD = {"t": "R", "s": SUBJECT, "v": 1, "iat": ISSUED_AT}

# Which check each code must fail at, told apart by the message the caller sees: a case that failed at an
# earlier check than intended would prove nothing about the later one.
FAILS_AT = {
    "input": "Invalid or revoked code",
    "shape": "Not a Yuekang code",
    "kid": "Code signed with an unknown key",
    "encoding": "Code is not well-formed",
    "signature": "Code signature does not verify",
    "payload": "Code payload is incomplete",
    "type": "This kind of code is not accepted here",
}

GOOD_TEXT = b64url(compact_json(GOOD_PAYLOAD))


def without(name: str) -> dict[str, Any]:
    return {k: v for k, v in GOOD_PAYLOAD.items() if k != name}


# Each entry: what is wrong, how to build it from the forge, which check must refuse it, and what is expected
# (`accepted` defaults to every code type, `expected` to InvalidCode).
INVALID_CODES: list[dict[str, Any]] = [
    # prefix and part count
    {"description": "prefix YKM2", "qr": lambda f: f.signed(GOOD_TEXT, prefix="YKM2"), "fails_at": "shape"},
    {"description": "prefix lowercase", "qr": lambda f: "ykm1" + f.good()[4:], "fails_at": "shape"},
    {"description": "prefix missing", "qr": lambda f: f.good().split(".", 1)[1], "fails_at": "shape"},
    {"description": "a URL, not a code", "qr": lambda f: "https://example.com/a.b.c", "fails_at": "shape"},
    {"description": "3 parts, signature missing", "qr": lambda f: f.good().rsplit(".", 1)[0], "fails_at": "shape"},
    {"description": "5 parts", "qr": lambda f: f.good() + ".AAAA", "fails_at": "shape"},
    {"description": "empty string", "qr": lambda f: "", "fails_at": "shape"},
    {"description": "whitespace only", "qr": lambda f: "   ", "fails_at": "shape"},
    # base64 in the payload, each correctly signed so only the decoding can fail
    {"description": "payload in the standard base64 alphabet", "qr": lambda f: f.signed("eyJ0IjoiUiJ9+/"),
     "fails_at": "encoding"},
    {"description": "payload with padding", "qr": lambda f: f.signed(GOOD_TEXT + "=="), "fails_at": "encoding"},
    {"description": "payload of impossible length", "qr": lambda f: f.signed("eyJ0I"), "fails_at": "encoding"},
    {"description": "payload empty", "qr": lambda f: f.signed(""), "fails_at": "encoding"},
    {"description": "payload non-ASCII", "qr": lambda f: f.signed("eyJ0Ijoi粤"), "fails_at": "encoding"},
    # base64 in the signature
    {"description": "signature with illegal characters", "qr": lambda f: replace_part(f.good(), 3, "*" * 86),
     "fails_at": "encoding"},
    {"description": "signature of impossible length", "qr": lambda f: replace_part(f.good(), 3, "A" * 85),
     "fails_at": "encoding"},
    {"description": "signature empty", "qr": lambda f: replace_part(f.good(), 3, ""), "fails_at": "encoding"},
    # payload not JSON, signed
    {"description": "payload is not JSON", "qr": lambda f: f.signed(b64url(b"R|subject|1|1700000000")),
     "fails_at": "encoding"},
    {"description": "payload is not UTF-8", "qr": lambda f: f.signed(b64url(b"\xff\xfe\x00{")), "fails_at": "encoding"},
    # payload missing fields or of the wrong shape, signed
    {"description": "payload missing t", "qr": lambda f: f.signed_json(without("t")), "fails_at": "payload"},
    {"description": "payload missing s", "qr": lambda f: f.signed_json(without("s")), "fails_at": "payload"},
    {"description": "payload missing v", "qr": lambda f: f.signed_json(without("v")), "fails_at": "payload"},
    {"description": "payload missing iat", "qr": lambda f: f.signed_json(without("iat")), "fails_at": "payload"},
    {"description": "payload is a JSON array", "qr": lambda f: f.signed_json(list(GOOD_PAYLOAD.values())),
     "fails_at": "payload"},
    {"description": "payload is a JSON string", "qr": lambda f: f.signed_json("R"), "fails_at": "payload"},
    {"description": "payload is null", "qr": lambda f: f.signed_json(None), "fails_at": "payload"},
    {"description": "version not a number", "qr": lambda f: f.signed_json({**GOOD_PAYLOAD, "v": "one"}),
     "fails_at": "payload"},
    {"description": "issue time not a number", "qr": lambda f: f.signed_json({**GOOD_PAYLOAD, "iat": [1]}),
     "fails_at": "payload"},
    {"description": "unknown code type", "qr": lambda f: f.signed_json({**GOOD_PAYLOAD, "t": "X"}),
     "fails_at": "payload"},
    # signature
    {"description": "signature with one flipped bit", "qr": lambda f: flip_signature_bit(f.good()),
     "fails_at": "signature"},
    {"description": "signature truncated to 63 bytes", "qr": lambda f: truncate_signature(f.good()),
     "fails_at": "signature"},
    {"description": "signature of another code",
     "qr": lambda f: replace_part(f.good(), 3, f.good(subject="01OTHER").split(".")[3]), "fails_at": "signature"},
    {"description": "forged with another key under the real kid",
     "qr": lambda f: f.signed(GOOD_TEXT, key=Ed25519PrivateKey.generate()), "fails_at": "signature"},
    {"description": "payload tampered after signing", "qr": lambda f: tamper_subject(f.good()),
     "fails_at": "signature"},
    {"description": "kid swapped for another kid we accept", "qr": lambda f: replace_part(f.good(), 1, "k0"),
     "fails_at": "signature"},
    # kid
    {"description": "unknown kid, signed by its own key",
     "qr": lambda f: f.signed(GOOD_TEXT, kid="k9", key=Ed25519PrivateKey.generate()), "fails_at": "kid"},
    {"description": "empty kid", "qr": lambda f: replace_part(f.good(), 1, ""), "fails_at": "kid"},
    # a type not accepted here
    {"description": "venue quick code where a person's code is wanted", "qr": lambda f: f.good(CodeType.QUICK_CHECKIN),
     "accepted": PERSON_CODES, "fails_at": "type"},
    {"description": "Macau code where a person's code is wanted", "qr": lambda f: f.good(CodeType.MACAU),
     "accepted": PERSON_CODES, "fails_at": "type"},
    {"description": "resident code where a venue quick code is wanted", "qr": lambda f: f.good(CodeType.RESIDENT),
     "accepted": [CodeType.QUICK_CHECKIN], "fails_at": "type"},
    {"description": "any code where nothing is accepted", "qr": lambda f: f.good(), "accepted": [],
     "fails_at": "type"},
    # size
    {"description": "oversize, otherwise validly signed", "qr": lambda f: f.good(subject="s" * MAX_QR_LENGTH),
     "fails_at": "input"},
    {"description": "oversize garbage", "qr": lambda f: "Y" * 100_000, "fails_at": "input"},
    # not a string at all
    {"description": "None", "qr": lambda f: None, "fails_at": "input"},
    {"description": "bytes of a valid code", "qr": lambda f: f.good().encode(), "fails_at": "input"},
    {"description": "integer", "qr": lambda f: 12345, "fails_at": "input"},
    {"description": "JSON object", "qr": lambda f: {"qr": f.good()}, "fails_at": "input"},
    {"description": "list of parts", "qr": lambda f: f.good().split("."), "fails_at": "input"},
]

for _case in INVALID_CODES:
    _case.setdefault("accepted", list(CodeType))
    _case.setdefault("expected", InvalidCode)


@pytest.fixture
def forge(make_secret: Callable[..., AppSecret]) -> Forge:
    """The active key k1, and k0, an older key still accepted (public part only)."""
    entry, older = new_signing_key("k1"), new_signing_key("k0")
    keyring = Keyring.from_secret(make_secret("k1", entry, {"kid": "k0", "x": older["x"]}))
    return Forge(keyring, Ed25519PrivateKey.from_private_bytes(unb64url(entry["d"])), "k1")


def test_forge_builds_valid_codes(forge: Forge) -> None:
    # GIVEN the forge the catalogue uses, signing the good payload the way the keyring does
    # WHEN its codes are verified THEN they pass, so every catalogue failure is down to its one defect
    assert forge.signed_json(GOOD_PAYLOAD) == forge.good()
    assert forge.keyring.verify(forge.signed_json(GOOD_PAYLOAD), list(CodeType)).subject == SUBJECT


@pytest.mark.parametrize("case", [pytest.param(c, id=c["description"]) for c in INVALID_CODES])
def test_invalid_code_is_rejected(forge: Forge, case: dict[str, Any]) -> None:
    # GIVEN a code from the catalogue, wrong in exactly one way
    qr = case["qr"](forge)

    # WHEN it is verified
    with pytest.raises(case["expected"]) as caught:
        forge.keyring.verify(qr, case["accepted"])

    # THEN it is a 400 INVALID_CODE naming the qr field, refused by the check the case is about
    assert (caught.value.status, caught.value.code, caught.value.field) == (400, "INVALID_CODE", "qr")
    assert caught.value.message == FAILS_AT[case["fails_at"]]
