"""`make run`: start the local stack with demo data, print where to click, stop cleanly on SIGTERM / Ctrl-C."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from infra.local.demo import banner, system_admin_ids  # noqa: E402
from infra.local.stack import DEFAULT_FEED_API_KEY, LocalStack  # noqa: E402


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"), format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    admins = os.environ.get("SYSTEM_ADMIN_IDS") or system_admin_ids()
    stack = LocalStack(
        port=int(os.environ.get("PORT", "8000")),
        host=os.environ.get("HOST", "127.0.0.1"),
        feed_api_key=os.environ.get("FEED_API_KEY", DEFAULT_FEED_API_KEY),
        system_admin_ids=admins,
    )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    stack.start()
    print(banner(stack), flush=True)
    info = os.environ.get("LOCAL_STACK_INFO")
    if info:  # the e2e tests read where the stack listens and who the demo people are
        Path(info).write_text(json.dumps({"base_url": stack.base_url, "demo": stack.demo}, ensure_ascii=False))
    stopping.wait()
    print("stopping…", flush=True)
    stack.stop()


if __name__ == "__main__":
    main()
