"""Transactions whose failures name the item that failed (PynamoDB reorders items by operation type)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from functools import cache
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from healthcode.models import Place


class Cancelled(Exception):
    """The transaction was cancelled; `reasons` maps each failing item's label to its code."""

    def __init__(self, reasons: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}={v}" for k, v in reasons.items()))
        self.reasons = reasons

    def failed(self, label: str) -> bool:
        return self.reasons.get(label) == "ConditionalCheckFailed"

    @property
    def conflict(self) -> bool:
        return any(code == "TransactionConflict" for code in self.reasons.values())


@cache
def _connection() -> Connection:
    """One PynamoDB connection (one botocore client) per container, as models keep theirs: a connection made per
    transaction made a client per transaction, some 7x the transaction's own time (docs/performance.md)."""
    return Connection(region=Place.Meta.region, host=Place.Meta.host)


class Tx:
    """Labels each item; PynamoDB sends condition checks, deletes, puts, updates in that order."""

    def __init__(self) -> None:
        self._tx = TransactWrite(connection=_connection())
        self._labels: dict[str, list[str]] = {"check": [], "delete": [], "put": [], "update": []}

    def check(self, label: str, model_cls: Any, hash_key: str, range_key: str | None, condition: Any) -> Tx:
        self._tx.condition_check(model_cls, hash_key, range_key, condition=condition)
        self._labels["check"].append(label)
        return self

    def delete(self, label: str, model: Any, condition: Any = None) -> Tx:
        self._tx.delete(model, condition=condition)
        self._labels["delete"].append(label)
        return self

    def put(self, label: str, model: Any, condition: Any = None) -> Tx:
        self._tx.save(model, condition=condition)
        self._labels["put"].append(label)
        return self

    def update(self, label: str, model: Any, actions: list[Any], condition: Any = None) -> Tx:
        self._tx.update(model, actions=actions, condition=condition)
        self._labels["update"].append(label)
        return self

    def commit(self) -> None:
        order = self._labels["check"] + self._labels["delete"] + self._labels["put"] + self._labels["update"]
        try:
            self._tx._commit()
        except TransactWriteError as error:
            reasons = error.cancellation_reasons or []
            named = {order[i]: reason.code for i, reason in enumerate(reasons) if reason and reason.code != "None"}
            if not named:
                raise
            raise Cancelled(named) from error


CONFLICT_ATTEMPTS = 5


def commit_retrying(build: Callable[[], Tx], attempts: int = CONFLICT_ATTEMPTS) -> None:
    """Build and commit a transaction, again (rebuilt, after a short random pause) while it is cancelled only by
    TransactionConflict: concurrent transactions on one shared item (a venue's roster, which every join and
    unbind updates) conflict in DynamoDB instead of queueing. Being all-or-nothing, a cancelled one wrote nothing."""
    for attempt in range(attempts):
        try:
            build().commit()
            return
        except Cancelled as cancelled:
            if attempt == attempts - 1 or not cancelled.conflict or any(
                    code == "ConditionalCheckFailed" for code in cancelled.reasons.values()):
                raise
        time.sleep(random.uniform(0.01, 0.05) * 2 ** attempt)
