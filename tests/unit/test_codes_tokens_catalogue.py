"""A catalogue of scanned codes, valid and invalid, in the manner of the EU digital COVID certificate test data.

Each entry: a description, how the QR text is made, and the expected result of resolving it to a person
(codes.person_from_code: format, kid, signature, type, then revocation by code version). Every invalid entry
must fail as INVALID_CODE; the valid ones must name the person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from healthcode.codes import display as codes
from healthcode.codes.tokens import Keyring, b64url, new_signing_key, unb64url
from healthcode.core.errors import InvalidCode

SUBJECT = "01JRESIDENT000000000000000"
INBOUND = "01JINBOUND0000000000000000"
IAT = 1_795_792_310
KEY = new_signing_key("k1")
OTHER_SAME_KID = new_signing_key("k1")
OTHER_KID = new_signing_key("k9")
PEOPLE = {SUBJECT: SimpleNamespace(person_id=SUBJECT, code_version=2, kind="RESIDENT"),
          INBOUND: SimpleNamespace(person_id=INBOUND, code_version=1, kind="INBOUND")}


def signed(payload: Any, key: dict[str, str] = KEY, kid: str = "k1", prefix: str = "YKM1") -> str:
    """A code signed exactly as tokens.Keyring does, with any payload (even an incomplete one)."""
    text = payload if isinstance(payload, str) else b64url(json.dumps(payload, separators=(",", ":")).encode())
    head = f"{prefix}.{kid}.{text}"
    signature = Ed25519PrivateKey.from_private_bytes(unb64url(key["d"])).sign(head.encode())
    return f"{head}.{b64url(signature)}"


def claims(t: str = "R", s: str = SUBJECT, v: int = 2) -> dict[str, Any]:
    return {"t": t, "s": s, "v": v, "iat": IAT}


def tamper(qr: str, part: int, change) -> str:
    parts = qr.split(".")
    parts[part] = change(parts[part])
    return ".".join(parts)


def flip_last_bit(text: str) -> str:
    raw = bytearray(unb64url(text))
    raw[-1] ^= 1
    return b64url(bytes(raw))


def spare_bit_set(text: str) -> str:
    """The same bytes, spelled with a spare low bit of the last character set (decoders that ignore it accept)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    assert len(text) % 4 in (2, 3), "needs a partial last group"
    return text[:-1] + alphabet[alphabet.index(text[-1]) | 1]


@dataclass(frozen=True)
class Case:
    description: str
    qr: Any
    valid: bool
    reason: str = ""


CATALOGUE = [
    Case("resident code of the current version", signed(claims()), True),
    Case("printed (P) code of the current version", signed(claims("P")), True),
    Case("inbound traveller's I code", signed(claims("I", INBOUND, 1)), True),
    Case("broken prefix", signed(claims(), prefix="YKM2"), False, "Not a Yuekang code"),
    Case("another scheme's prefix", "HC1:" + signed(claims()), False, "Not a Yuekang code"),
    Case("three parts only", signed(claims()).rsplit(".", 1)[0], False, "Not a Yuekang code"),
    Case("empty text", "", False),
    Case("not text at all", 12345, False),
    Case("oversize text", "YKM1.k1." + "A" * 600 + ".AA", False),
    Case("payload not base64url", tamper(signed(claims()), 2, lambda p: p[:-2] + "+/"), False, "not well-formed"),
    Case("payload base64 with padding", tamper(signed(claims()), 2, lambda p: p + "=="), False, "not well-formed"),
    Case("payload with non-canonical spare bits", tamper(signed(claims()), 2, lambda p: spare_bit_set(p)), False,
         "not well-formed"),
    Case("payload not JSON", signed(b64url(b"not json")), False, "not well-formed"),
    Case("signature not base64url", tamper(signed(claims()), 3, lambda s: "*" + s[1:]), False, "not well-formed"),
    Case("tampered subject, signature kept", tamper(signed(claims()), 2, lambda _: b64url(
        json.dumps(claims(s=INBOUND), separators=(",", ":")).encode())), False, "signature"),
    Case("one bit of the signature flipped", tamper(signed(claims()), 3, flip_last_bit), False, "signature"),
    Case("signed by another key under our kid", signed(claims(), key=OTHER_SAME_KID), False, "signature"),
    Case("unknown kid", signed(claims(), key=OTHER_KID, kid="k9"), False, "unknown key"),
    Case("wrong type: venue quick check-in code", signed(claims("Q")), False, "not accepted"),
    Case("wrong type: Macau code", signed(claims("M")), False, "not accepted"),
    Case("unknown type letter", signed(claims("X")), False, "incomplete"),
    Case("resident code type for an inbound traveller", signed(claims("R", INBOUND, 1)), False, "does not match"),
    Case("payload without a version", signed({"t": "R", "s": SUBJECT, "iat": IAT}), False, "incomplete"),
    Case("revoked version (re-issued since)", signed(claims(v=1)), False, "re-issued"),
    Case("version from the future", signed(claims(v=3)), False, "re-issued"),
    Case("code of an unknown person", signed(claims(s="01JNOBODY00000000000000000")), False, "unknown person"),
]


@pytest.fixture(autouse=True)
def resolver(monkeypatch):
    keyring = Keyring.from_secret(SimpleNamespace(active_kid="k1", signing_keys=(KEY,)))
    monkeypatch.setattr(codes, "get_keyring", lambda: keyring)
    monkeypatch.setattr(codes, "verify", keyring.verify)  # this keyring only: no re-read of the secret on a kid

    def get(person_id):
        if person_id not in PEOPLE:
            raise codes.Person.DoesNotExist()
        return PEOPLE[person_id]

    monkeypatch.setattr(codes.Person, "get", staticmethod(get))


@pytest.mark.parametrize("case", [c for c in CATALOGUE if c.valid], ids=lambda c: c.description)
def test_a_valid_code_names_its_person(case):
    person, found = codes.person_from_code(case.qr)
    assert person.person_id == found.subject


@pytest.mark.parametrize("case", [c for c in CATALOGUE if not c.valid], ids=lambda c: c.description)
def test_an_invalid_code_is_invalid_code(case):
    with pytest.raises(InvalidCode) as caught:
        codes.person_from_code(case.qr)
    assert caught.value.code == "INVALID_CODE" and caught.value.status == 400 and caught.value.field == "qr"
    assert case.reason.lower() in caught.value.message.lower()
