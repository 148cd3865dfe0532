"""Personal data: keyed-hash lookups, KMS envelope encryption with a cached data key, and masking."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import threading

from healthcode.core.aws import client
from healthcode.core.config import get_config
from healthcode.core.secrets import get_secret

_ENVELOPE_VERSION = "e1"
_lock = threading.Lock()
_data_key: tuple[bytes, bytes] | None = None  # (plaintext, encrypted blob) for new writes
_decrypted_keys: dict[bytes, bytes] = {}


def key_digest(key: str) -> str:
    """A bearer key (a partner's API key, a scanner device's key) is stored only as this SHA-256: unkeyed, since the
    key itself is 256 random bits, and so infra.partners can write it without the application secret."""
    return hashlib.sha256(key.encode()).hexdigest()


def lookup_hash(kind: str, value: str) -> str:
    """HMAC of a normalised value: lets us find a person by ID number or phone without storing it."""
    return hmac.new(get_secret().lookup_key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _current_data_key() -> tuple[bytes, bytes]:
    global _data_key
    if _data_key is None:
        with _lock:
            if _data_key is None:
                answer = client("kms").generate_data_key(KeyId=get_config().pii_key_id, KeySpec="AES_256")
                _data_key = (answer["Plaintext"], answer["CiphertextBlob"])
                _decrypted_keys[answer["CiphertextBlob"]] = answer["Plaintext"]
    return _data_key


def _plain_key(blob: bytes) -> bytes:
    key = _decrypted_keys.get(blob)
    if key is None:
        key = client("kms").decrypt(CiphertextBlob=blob)["Plaintext"]
        _decrypted_keys[blob] = key
    return key


def encrypt(text: str) -> str:
    """AES-256-GCM under a KMS data key that is generated once per container and stored with the value."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key, blob = _current_data_key()
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, text.encode(), None)
    return ".".join((_ENVELOPE_VERSION, _b64(blob), _b64(nonce + sealed)))


def decrypt(envelope: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    version, blob, payload = envelope.split(".")
    if version != _ENVELOPE_VERSION:
        raise ValueError("unknown envelope version")
    raw = _unb64(payload)
    return AESGCM(_plain_key(_unb64(blob))).decrypt(raw[:12], raw[12:], None).decode()


_CJK = re.compile(r"[\u3400-\u9fff]")


def mask_name(name: str) -> str:
    """张*三 for Chinese names (first and last character kept); J*** S**** for Latin names."""
    name = (name or "").strip()
    if not name:
        return ""
    if _CJK.search(name):
        if len(name) == 1:
            return "*"
        if len(name) == 2:
            return name[0] + "*"
        return name[0] + "*" * (len(name) - 2) + name[-1]
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four digits of the national number."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id(number: str) -> str:
    """4401**********123X: region prefix and the last four characters."""
    number = number or ""
    if len(number) <= 6:
        return "*" * len(number)
    keep = 4 if len(number) > 10 else 1
    return number[:keep] + "*" * (len(number) - keep - 4) + number[-4:]
