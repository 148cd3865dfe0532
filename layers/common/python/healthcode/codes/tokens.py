"""Code tokens: `YKM1.<kid>.<payload>.<sig>`, Ed25519-signed, carrying no personal data.

payload is base64url (no padding) compact JSON {"t": type, "s": subject, "v": version, "iat": seconds};
sig is Ed25519 over the ASCII text before the last dot.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from aws_lambda_powertools import Logger
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from healthcode.core.errors import InvalidCode
from healthcode.core.secrets import AppSecret, get_secret
from healthcode.core.secrets import reset_cache as reset_secret_cache

logger = Logger(child=True)

PREFIX = "YKM1"
MAX_QR_LENGTH = 512


class CodeType(str, Enum):
    RESIDENT = "R"
    INBOUND = "I"
    PHYSICAL = "P"
    QUICK_CHECKIN = "Q"
    MACAU = "M"


PERSON_CODES = frozenset({CodeType.RESIDENT, CodeType.INBOUND, CodeType.PHYSICAL})


@dataclass(frozen=True)
class CodeClaims:
    type: CodeType
    subject: str
    version: int
    issued_at: int
    kid: str


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    if not text or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in text):
        raise ValueError("not base64url")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(raw) != text:  # one canonical text per value: spare low bits must be zero
        raise ValueError("not canonical base64url")
    return raw


class Keyring:
    """The signing key in use and every public key still accepted, by kid."""

    def __init__(self, active_kid: str, private: dict[str, Ed25519PrivateKey], public: dict[str, Ed25519PublicKey]):
        self.active_kid = active_kid
        self._private = private
        self._public = public

    @classmethod
    def from_secret(cls, secret: AppSecret) -> Keyring:
        private: dict[str, Ed25519PrivateKey] = {}
        public: dict[str, Ed25519PublicKey] = {}
        for entry in secret.signing_keys:
            if entry.get("d"):
                private[entry["kid"]] = Ed25519PrivateKey.from_private_bytes(unb64url(entry["d"]))
                public[entry["kid"]] = private[entry["kid"]].public_key()
            else:
                public[entry["kid"]] = Ed25519PublicKey.from_public_bytes(unb64url(entry["x"]))
        if secret.active_kid not in private:
            raise RuntimeError("active signing key has no private part")
        return cls(secret.active_kid, private, public)

    def knows(self, kid: str) -> bool:
        return kid in self._public

    def sign(self, code_type: CodeType, subject: str, version: int, issued_at: int) -> str:
        payload = json.dumps(
            {"t": code_type.value, "s": subject, "v": version, "iat": issued_at}, separators=(",", ":")
        ).encode()
        signed = f"{PREFIX}.{self.active_kid}.{b64url(payload)}"
        return f"{signed}.{b64url(self._private[self.active_kid].sign(signed.encode('ascii')))}"

    def verify(self, qr: str, accepted: Iterable[CodeType]) -> CodeClaims:
        """Check format, kid, signature and type; revocation (version) is the caller's check."""
        if not isinstance(qr, str) or len(qr) > MAX_QR_LENGTH:
            raise InvalidCode(field="qr")
        parts = qr.strip().split(".")
        if len(parts) != 4 or parts[0] != PREFIX:
            raise InvalidCode("Not a Yuekang code", "不是粤康码", field="qr")
        _, kid, payload_text, sig_text = parts
        key = self._public.get(kid)
        if key is None:
            raise InvalidCode("Code signed with an unknown key", "粤康码签名密钥未知", field="qr")
        try:
            signature = unb64url(sig_text)
            payload = json.loads(unb64url(payload_text))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise InvalidCode("Code is not well-formed", "粤康码格式有误", field="qr") from None
        try:
            key.verify(signature, f"{PREFIX}.{kid}.{payload_text}".encode("ascii"))
        except (InvalidSignature, ValueError):
            raise InvalidCode("Code signature does not verify", "粤康码签名校验失败", field="qr") from None
        try:
            claims = CodeClaims(
                type=CodeType(payload["t"]),
                subject=str(payload["s"]),
                version=int(payload["v"]),
                issued_at=int(payload["iat"]),
                kid=kid,
            )
        except (KeyError, ValueError, TypeError):
            raise InvalidCode("Code payload is incomplete", "粤康码内容不完整", field="qr") from None
        if claims.type not in set(accepted):
            raise InvalidCode("This kind of code is not accepted here", "此处不接受该类型的码", field="qr")
        return claims

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """Public keys as an RFC 8037 JWK Set, for scanners that verify offline."""
        keys = []
        for kid, key in sorted(self._public.items()):
            raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
            keys.append({"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": b64url(raw), "use": "sig", "alg": "EdDSA"})
        return {"keys": keys}


_keyring: Keyring | None = None
_lock = threading.Lock()
_read_at: float | None = None  # when this container last read the signing keys from the secret (monotonic seconds)

# A code signed with a kid this container has not seen makes it re-read the secret (a key rotated after the
# container started), at most once per this many seconds: a flood of made-up kids costs one GetSecretValue per
# interval per container, not one per request.
KEY_REFRESH_SECONDS = 30.0
# And a warm container re-reads the keys once they are this old, so that after `infra.keys rotate` it signs with
# the new key and publishes it in GET /v1/keys (scanners verifying offline) within minutes, not when recycled.
KEY_MAX_AGE_SECONDS = 300.0
_KID = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_monotonic = time.monotonic  # the clock of both intervals (tests replace it)


def _reread(now: float) -> Keyring:
    """Read the keys again (under _lock). If the secret cannot be read, a container that has keys keeps them."""
    global _keyring, _read_at
    _read_at = now  # set before the read: a failing Secrets Manager is not called again at once either
    if _keyring is None:
        _keyring = Keyring.from_secret(get_secret())
        return _keyring
    reset_secret_cache()
    try:
        _keyring = Keyring.from_secret(get_secret())
    except Exception:  # noqa: BLE001 - Secrets Manager down or throttled: the keys in hand still verify and sign
        logger.warning("signing keys not re-read; keeping those in hand", exc_info=True)
    return _keyring


def get_keyring() -> Keyring:
    keyring, read_at = _keyring, _read_at
    if keyring is None or read_at is None or _monotonic() - read_at >= KEY_MAX_AGE_SECONDS:
        with _lock:
            now = _monotonic()
            if _keyring is None or _read_at is None or now - _read_at >= KEY_MAX_AGE_SECONDS:
                return _reread(now)
            return _keyring
    return keyring


def _refreshed_for(kid: str) -> Keyring:
    """The keyring, re-read from the secret if `kid` is unknown to it and the last read is old enough."""
    keyring = get_keyring()
    if keyring.knows(kid) or not 0 < len(kid) <= 64 or not set(kid) <= _KID:
        return keyring
    with _lock:
        if _keyring is not None and _keyring.knows(kid):  # another thread has just re-read it
            return _keyring
        now = _monotonic()
        if _read_at is not None and now - _read_at < KEY_REFRESH_SECONDS:
            return keyring  # re-read recently: the kid is unknown, the caller rejects the code
        return _reread(now)


def verify(qr: str, accepted: Iterable[CodeType]) -> CodeClaims:
    """Keyring.verify with key rotation on warm containers: an unknown kid re-reads the keys (rate-limited) first."""
    parts = qr.strip().split(".") if isinstance(qr, str) and len(qr) <= MAX_QR_LENGTH else []
    keyring = _refreshed_for(parts[1]) if len(parts) == 4 and parts[0] == PREFIX else get_keyring()
    return keyring.verify(qr, accepted)


def reset_cache() -> None:
    global _keyring, _read_at
    _keyring, _read_at = None, None


def new_signing_key(kid: str) -> dict[str, str]:
    """A fresh Ed25519 key entry for the application secret (infra/keys.py, local stack, tests)."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return {"kid": kid, "d": b64url(seed), "x": b64url(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))}
