"""Batch I/O for items that are new by construction: the data-access seam's one BatchWriteItem.

A venue check and a device check are written with their audit entry in one call; their keys are fresh (a ULID made
for the check, a timestamp and random suffix for the audit entry), so no condition is needed and a batch can carry
none. DynamoDB may leave some items unprocessed under load: those are sent again with a short backoff, and if they
are still left after five tries the request is answered 503 (nothing the caller can fix by changing it).
"""

from __future__ import annotations

import time
from typing import Any

from healthcode.core.aws import client
from healthcode.core.errors import ServiceUnavailable

ATTEMPTS = 5
BACKOFF_SECONDS = 0.05


def put_new(*items: Any) -> None:
    """One BatchWriteItem of PynamoDB items (at most 25, across tables); unprocessed ones are retried."""
    request: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        request.setdefault(item.Meta.table_name, []).append({"PutRequest": {"Item": item.serialize()}})
    for attempt in range(ATTEMPTS):
        answer = client("dynamodb").batch_write_item(RequestItems=request)
        request = answer.get("UnprocessedItems") or {}
        if not request:
            return
        time.sleep(BACKOFF_SECONDS * 2 ** attempt)
    raise ServiceUnavailable("Storage busy, try again", "系统繁忙，请稍后再试")
