"""Fixtures shared by the e2e and browser suites: the whole local stack, started as `make run` starts it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory):
    """`python -m infra.local` on a free port, in its own process; stopped with SIGTERM at the end."""
    info = tmp_path_factory.mktemp("stack") / "info.json"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_", "PEOPLE_", "IDENTITY_"))}
    env.update({"PORT": str(port), "LOCAL_STACK_INFO": str(info), "FEED_API_KEY": "e2e-feed-key"})
    log = open(tmp_path_factory.mktemp("stack-log") / "stack.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while not info.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"local stack did not start; see {log.name}")
        time.sleep(0.2)
    details = json.loads(info.read_text())
    yield SimpleNamespace(base_url=details["base_url"], demo=details["demo"], process=process,
                          feed_api_key="e2e-feed-key", log=log.name)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
