"""In-process embedded AWS (moto's mock) with every resource of template.yaml: for tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import boto3
from moto import mock_aws

from infra.local.lambdas import LoadedFunction, load_function
from infra.local.provision import provision
from infra.template import Resolver, functions, load_template

REGION = "us-east-1"


@contextlib.contextmanager
def embedded_aws(system_admin_ids: str = "") -> Iterator[dict[str, Any]]:
    """moto's in-process mock, provisioned from template.yaml, with the environment pointing at it.

    The table names are the ones the root conftest sets ("yk-<LogicalId>"); the KMS key id and the secret
    ARN are only known once created, so they are set here and the cached config is dropped.
    """
    make_dynamodb_atomic()
    with mock_aws():
        template = load_template()
        session = boto3.session.Session(region_name=REGION)
        physical = provision(template, session)
        resolver = Resolver(template, physical, {"SystemAdminIds": system_admin_ids, "IdentityProvider": "dev",
                                                 "SmsProvider": "dev", "LogLevel": "WARNING"}, REGION)
        specs = functions(template)
        env = {k: str(resolver.resolve(v)) for k, v in next(iter(specs.values())).environment.items()}
        for key, value in env.items():
            os.environ[key] = value
        from healthcode.core.config import get_config

        get_config.cache_clear()
        yield {"template": template, "session": session, "physical": physical, "resolver": resolver, "specs": specs}


def load_all(aws: dict[str, Any]) -> dict[str, LoadedFunction]:
    return {name: load_function(spec, aws["resolver"]) for name, spec in aws["specs"].items()}


@contextlib.contextmanager
def _recording_calls(key: Callable[[str, dict[str, Any]], Any]) -> Iterator[Counter]:
    """Counts every AWS API call made through botocore (boto3 clients and PynamoDB alike) under key(op, params)."""
    from botocore.client import BaseClient

    calls: Counter = Counter()
    original = BaseClient._make_api_call

    def counting(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        calls[key(f"{self.meta.service_model.service_name}.{operation_name}", api_params)] += 1
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = counting  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


def count_aws_calls() -> contextlib.AbstractContextManager[Counter]:
    """Counts every AWS API call by service.operation."""
    return _recording_calls(lambda operation, params: operation)


def _tables(params: dict[str, Any]) -> str:
    return params.get("TableName") or ",".join(sorted(params.get("RequestItems", {}))) or ",".join(sorted(
        {op[k]["TableName"] for op in params.get("TransactItems", []) for k in op}))


def calls_by_table(prefix: str = "") -> contextlib.AbstractContextManager[Counter]:
    """Counts every AWS API call by (service.operation, the tables it names), `prefix` cut from the names:
    tells an idempotency record's calls from a request's own."""
    return _recording_calls(lambda operation, params: (operation, _tables(params).replace(prefix, "")))


def stream_insert(table: str, image: dict[str, Any], keys: tuple[str, ...], sequence: int) -> dict[str, Any]:
    """One INSERT record of a DynamoDB stream (NEW_IMAGE), as Lambda's event source mapping hands it over."""
    return {"eventID": str(sequence), "eventName": "INSERT", "eventSource": "aws:dynamodb", "eventVersion": "1.1",
            "awsRegion": "us-east-1", "eventSourceARN": f"arn:aws:dynamodb:us-east-1:123456789012:table/{table}/stream/x",
            "dynamodb": {"Keys": {key: image[key] for key in keys}, "NewImage": image, "SequenceNumber": str(sequence),
                         "StreamViewType": "NEW_IMAGE", "SizeBytes": 300}}


_ATOMIC_OPERATIONS = ("put_item", "get_item", "query", "scan", "update_item", "delete_item", "batch_get_item",
                      "batch_write_item", "transact_write_items", "transact_get_items", "execute_statement",
                      "execute_transaction", "batch_execute_statement")
_atomic_lock = None


def make_dynamodb_atomic() -> None:
    """Run each moto DynamoDB operation under one lock, as DynamoDB applies each request atomically, and let
    moto forget the instances it tracks for its dashboard (a leak: transactions copy whole tables).

    moto's backend is not thread-safe: a transaction deep-copies whole tables and restores them on failure,
    so concurrent writers (the threaded local gateway, race tests) can lose each other's items. Requests still
    interleave freely between operations, which is where real races live. Idempotent; patches the class.
    """
    global _atomic_lock
    if _atomic_lock is not None:
        return
    import threading

    from moto.dynamodb.models import DynamoDBBackend

    _atomic_lock = threading.RLock()

    from moto.core.model_instances import model_data

    def forget_tracked_instances() -> None:
        # moto keeps every model instance it ever made for its dashboard; a transaction copies whole tables,
        # so a long-running stack would grow by gigabytes. We never use the dashboard.
        for model in model_data["dynamodb"].values():
            model.instances_tracked = []  # type: ignore[attr-defined]

    def keep_stream_shards(backend: Any, before: dict[str, Any]) -> None:
        # A failed transaction rolls back by putting deep copies of the tables in place, stream shard included:
        # readers' shard iterators still point at the old shard, so every later record of that table would be
        # invisible to them (its stream pollers stall for good). Give the restored table the shard they read,
        # holding the records the copy holds (those from before the transaction).
        for name, table in before.items():
            restored = backend.tables.get(name)
            if restored is None or restored is table or table.stream_shard is None:
                continue
            shard = table.stream_shard
            if restored.stream_shard is not None:
                shard.items[:] = restored.stream_shard.items
            shard.table = restored
            restored.stream_shard = shard

    def guarded(original: Any) -> Any:
        def call_locked(self: Any, *args: Any, **kwargs: Any) -> Any:
            with _atomic_lock:
                before = dict(self.tables)
                try:
                    return original(self, *args, **kwargs)
                finally:
                    keep_stream_shards(self, before)
                    forget_tracked_instances()

        call_locked.__wrapped__ = original  # type: ignore[attr-defined]
        return call_locked

    for name in _ATOMIC_OPERATIONS:
        setattr(DynamoDBBackend, name, guarded(getattr(DynamoDBBackend, name)))
