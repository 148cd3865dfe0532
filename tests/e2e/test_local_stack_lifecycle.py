"""`make run` stops cleanly on SIGTERM and honours PORT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_stack_listens_on_port_and_exits_cleanly_on_sigterm(tmp_path):
    from infra.local.stack import free_port

    port = free_port()
    info = tmp_path / "info.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    env |= {"PORT": str(port), "LOCAL_STACK_INFO": str(info)}
    process = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        while not info.exists():
            assert process.poll() is None and time.monotonic() < deadline, "stack did not start"
            time.sleep(0.2)
        assert requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=5).json() == {"status": "ok"}
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=45)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Demo logins" in output and "Traceback" not in output
