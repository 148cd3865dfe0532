"""Fixtures shared by the e2e and browser suites: the whole local stack, started as `make run` starts it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Test stacks serve many tests from one address (127.0.0.1): the per-address limits of the public routes
# (healthcode.core.ratelimit) are off unless asked for; the tests of the limits start a stack with them on.
LIMITS_OFF = "auth-login=off,auth-sms-login=off,auth-captcha=off,auth-sms-code=off,inbound-apply=off"


@contextlib.contextmanager
def spawn_stack(directory: Path, rate_limits: bool = False, **env_overrides: str) -> Iterator[SimpleNamespace]:
    """`python -m infra.local` on a free port, in its own process, as `make run` starts it; SIGTERM at the end."""
    info = directory / "info.json"
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "POWERTOOLS_", "PEOPLE_", "IDENTITY_", "RATE_LIMITS"))}
    env.update({"PORT": str(port), "LOCAL_STACK_INFO": str(info), "FEED_API_KEY": "e2e-feed-key"} | env_overrides)
    if not rate_limits:
        env["RATE_LIMITS"] = LIMITS_OFF
    log = open(directory / "stack.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while not info.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"local stack did not start; see {log.name}")
            time.sleep(0.2)
        details = json.loads(info.read_text())
        yield SimpleNamespace(base_url=details["base_url"], demo=details["demo"], process=process,
                              feed_api_key=env["FEED_API_KEY"], log=log.name)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory):
    """The stack the e2e and browser tests share (one per xdist worker)."""
    with spawn_stack(tmp_path_factory.mktemp("stack")) as stack:
        yield stack


@pytest.fixture(scope="session")
def stack_spawner():
    """`spawn_stack` for a module that needs a stack of its own (other settings, or writes that must not leak)."""
    return spawn_stack
