"""Fixtures for the fast unit tests: the domain package on the path, keys, ID numbers, a fake identity service."""

from __future__ import annotations

import json
import secrets
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

# The layer is what Lambda puts on sys.path at /opt/python; the tests do the same by hand.
LAYER = Path(__file__).resolve().parents[2] / "layers" / "common" / "python"
if str(LAYER) not in sys.path:
    sys.path.insert(0, str(LAYER))

from healthcode.codes.tokens import Keyring, new_signing_key  # noqa: E402
from healthcode.core.secrets import AppSecret  # noqa: E402
from stdnum.cn import ric  # noqa: E402

# 64 bytes, like `infra.keys` makes: long enough for HS512 without PyJWT's short-key warning.
SESSION_KEY = secrets.token_urlsafe(48).encode()


# --- resident ID card numbers ---------------------------------------------------------------------------------


def id_card_number(birth: str = "19900101", sequence: str = "123", region: str = "440106") -> str:
    """A resident ID card number with a correct check digit; 440106 is Guangzhou Tianhe (since 1985)."""
    body = f"{region}{birth}{sequence}"
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def make_id_card() -> Callable[..., str]:
    return id_card_number


# --- keys -----------------------------------------------------------------------------------------------------


@pytest.fixture
def make_secret() -> Callable[..., AppSecret]:
    """An AppSecret as infra/keys.py would write it, from signing-key entries (`new_signing_key`)."""

    def build(active_kid: str, *entries: dict[str, str]) -> AppSecret:
        return AppSecret(
            session_key=SESSION_KEY,
            lookup_key=secrets.token_urlsafe(32).encode(),
            active_kid=active_kid,
            signing_keys=tuple(entries),
        )

    return build


@pytest.fixture
def keyring(make_secret: Callable[..., AppSecret]) -> Keyring:
    """A keyring with one key, kid `k1`, active."""
    return Keyring.from_secret(make_secret("k1", new_signing_key("k1")))


# --- sessions -------------------------------------------------------------------------------------------------


@pytest.fixture
def session_secret(monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Sessions signed with a known key and a 2-hour lifetime, with no Secrets Manager and no environment."""
    monkeypatch.setattr("healthcode.identity.sessions.get_secret", lambda: SimpleNamespace(session_key=SESSION_KEY))
    monkeypatch.setattr("healthcode.identity.sessions.get_config", lambda: SimpleNamespace(session_ttl_seconds=7200))
    return SESSION_KEY


# --- a fake identity service on loopback ----------------------------------------------------------------------


@dataclass
class FakeIdentityService:
    """Answers POST /v1/verify with whatever the test sets; records every request it receives."""

    url: str = ""
    status: int = 200
    body: bytes = b'{"verified": true, "phone": null}'
    mode: str = "answer"  # "answer" | "hang up" (close without a response) | "stall" (never answer)
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def answer(self, status: int, payload: Any) -> None:
        self.status = status
        self.body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()


def _handler_for(fake: FakeIdentityService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fake.requests.append({
                "method": "POST", "path": self.path, "content_type": self.headers.get("Content-Type"),
                "json": json.loads(raw or b"null"),
            })
            if fake.mode == "hang up":
                self.close_connection = True
                self.connection.close()
                return
            if fake.mode == "stall":
                fake.release.wait(5)
                return
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(fake.body)))
            self.end_headers()
            self.wfile.write(fake.body)

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler


@pytest.fixture
def fake_identity_service() -> Iterator[FakeIdentityService]:
    fake = FakeIdentityService()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield fake
    fake.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
