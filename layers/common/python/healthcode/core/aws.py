"""AWS clients, created lazily once per container so cold starts stay short and moto can start first."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from healthcode.core.config import get_config

_lock = threading.Lock()


@cache
def client(service: str) -> Any:
    with _lock:
        import boto3  # deferred: only functions that call AWS directly pay for it

        cfg = get_config()
        return boto3.session.Session().client(service, region_name=cfg.region, endpoint_url=cfg.endpoint_url)
