"""Batch I/O across tables: the data-access seam's one BatchWriteItem and one BatchGetItem, for PynamoDB items.

PynamoDB batches one model (one table) per call; DynamoDB takes several tables in one. Where a request path reads or
writes items of several tables together, one call instead of one per table is what these do (the bench figures:
docs/performance.md, "persistence"); callers hand in and get back PynamoDB items, never DynamoDB JSON.

A venue check and a device check are written with their audit entry in one call; their keys are fresh (a ULID made
for the check, a timestamp and random suffix for the audit entry), so no condition is needed and a batch can carry
none. DynamoDB may leave some items unprocessed under load: those are sent again with a short backoff, and if they
are still left after five tries the request is answered 503 (nothing the caller can fix by changing it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
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


def _key(model: Any, key: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """A model's key (hash value, then range value if the table has one) in DynamoDB JSON."""
    hash_attr, range_attr = model._hash_key_attribute(), model._range_key_attribute()
    serialized = {hash_attr.attr_name: {hash_attr.attr_type: hash_attr.serialize(key[0])}}
    if range_attr is not None:
        serialized[range_attr.attr_name] = {range_attr.attr_type: range_attr.serialize(key[1])}
    return serialized


def get_many(*reads: tuple[Any, Sequence[Sequence[Any]], bool]) -> list[list[Any]]:
    """ONE BatchGetItem of items of several models: `(Model, [keys], consistent)` each (a key is `(hash,)` or
    `(hash, range)`, at most 100 in all); the items found, per read, as PynamoDB items (absent ones left out).
    Keys left unprocessed (DynamoDB under load) answer 503: the caller's request can simply be retried."""
    request: dict[str, Any] = {}
    for model, keys, consistent in reads:
        if keys:
            entry = request.setdefault(model.Meta.table_name, {"Keys": []})
            entry["Keys"] += [_key(model, key) for key in keys]
            if consistent:
                entry["ConsistentRead"] = True
    found = get_raw(request) if request else {}
    return [[model.from_raw_data(raw) for raw in found.get(model.Meta.table_name, [])] for model, _, _ in reads]


def get_raw(request: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """ONE BatchGetItem as DynamoDB takes it (`RequestItems`); the items found per table, in DynamoDB JSON. For
    items no model can declare (the stats table's counters, healthcode.core.streams); others use `get_many`."""
    answer = client("dynamodb").batch_get_item(RequestItems=request)
    if answer.get("UnprocessedKeys"):
        raise ServiceUnavailable("Storage busy, try again", "系统繁忙，请稍后再试")
    return answer.get("Responses", {})
