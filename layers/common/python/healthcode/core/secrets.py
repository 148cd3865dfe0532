"""The application secret (session key, lookup-hash key, code-signing keys), fetched once per container."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from healthcode.core.aws import client
from healthcode.core.config import get_config

_lock = threading.Lock()
_cached: AppSecret | None = None


@dataclass(frozen=True)
class AppSecret:
    session_key: bytes
    lookup_key: bytes
    active_kid: str
    signing_keys: tuple[dict[str, str], ...]  # {"kid", "d" (b64url private seed), "x" (b64url public)}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> AppSecret:
        missing = [k for k in ("session_key", "lookup_key", "active_kid") if not raw.get(k)]
        if missing or not raw.get("signing_keys"):
            raise RuntimeError(f"application secret is not initialised ({', '.join(missing) or 'signing_keys'}); "
                               "run `python -m infra.keys init`")
        return cls(
            session_key=raw["session_key"].encode(),
            lookup_key=raw["lookup_key"].encode(),
            active_kid=raw["active_kid"],
            signing_keys=tuple(raw["signing_keys"]),
        )


def get_secret() -> AppSecret:
    global _cached
    if _cached is None:
        with _lock:
            if _cached is None:
                value = client("secretsmanager").get_secret_value(SecretId=get_config().app_secret_id)
                _cached = AppSecret.from_json(json.loads(value["SecretString"]))
    return _cached


def reset_cache() -> None:
    """Forget the cached secret (tests, key rotation in a long-lived local process)."""
    global _cached
    _cached = None
