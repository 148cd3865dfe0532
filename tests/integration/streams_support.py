"""The tables' streams in the integration tests: moto's shards read as Lambda delivers their records, and a stream
function fed them — all of them, or as an event source mapping may (random batches, transient failures, replays)."""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Callable, Iterator
from typing import Any


def table_records(table_attr: str, keep: Callable[[dict[str, Any]], bool] = lambda record: True
                  ) -> list[dict[str, Any]]:
    """The stream records of the table that config attribute `table_attr` names (moto's shard), shaped as Lambda
    delivers them; those `keep` keeps."""
    from healthcode.core.config import get_config
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].tables[getattr(get_config(), table_attr)]
    arn = f"arn:aws:dynamodb:us-east-1:{DEFAULT_ACCOUNT_ID}:table/{table.name}/stream/{table.latest_stream_label}"
    records = []
    for item in list(table.stream_shard.items):
        record = json.loads(json.dumps(item.record, default=lambda value: int(value.timestamp())))
        record["eventSourceARN"] = arn
        record["eventVersion"] = "1.1"
        if keep(record):
            records.append(record)
    return records


def deliver_all(function: Any, records: list[dict[str, Any]], batch_size: int = 100) -> None:
    """The records delivered to the stream function `batch_size` at a time, in order; not one may fail."""
    for start in range(0, len(records), batch_size):
        answer = function.invoke({"Records": records[start:start + batch_size]})
        assert answer == {"batchItemFailures": []}, answer


class ConflictingStats:
    """Wraps a DynamoDB client: the stream-statistics transactions that touch stats scope `scope` (`venue#<id>`,
    `declarant#<id>`) fail `times` times with a TransactionConflict; everything else goes through."""

    def __init__(self, real: Any, scope: str, times: int = 1_000_000) -> None:
        self.real, self.scope, self.times = real, scope, times

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def transact_write_items(self, **kwargs: Any) -> Any:
        from botocore.exceptions import ClientError

        scopes = [item["Update"]["Key"]["scope"]["S"] for item in kwargs["TransactItems"]]
        if self.scope in scopes and self.times > 0:
            self.times -= 1
            raise ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                               "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}]},
                              "TransactWriteItems")
        return self.real.transact_write_items(**kwargs)


@contextlib.contextmanager
def recorded_transactions() -> Iterator[list[list[tuple[str, str]]]]:
    """Inside, the stream functions' transactions go through and each is recorded: the (scope, bucket) keys of the
    items it writes, in the list given. (The benchmarks use it too.)"""
    from healthcode.core import streams
    from healthcode.core.aws import client

    written: list[list[tuple[str, str]]] = []

    class Recording:
        def __getattr__(self, name: str) -> Any:
            return getattr(client("dynamodb"), name)

        def transact_write_items(self, **kwargs: Any) -> Any:
            written.append([(i["Update"]["Key"]["scope"]["S"], i["Update"]["Key"]["bucket"]["S"])
                            for i in kwargs["TransactItems"]])
            return client("dynamodb").transact_write_items(**kwargs)

    streams.client = lambda service: Recording()
    try:
        yield written
    finally:
        streams.client = client


def redeliver_randomly(deliver: Callable[[list[dict[str, Any]]], dict[str, Any]], records: list[dict[str, Any]],
                       rng: random.Random, monkeypatch: Any, failing: Callable[[random.Random], str | None]) -> None:
    """An event source mapping simulated until every record went through: batches of 1 to 7 records from the
    checkpoint on; before each, `failing(rng)` names a stats scope whose transactions fail once (or None); a batch
    that fails as a whole comes again, a partial failure moves the checkpoint to its first failed record; now and then
    an old batch is delivered again. The real client is back at the end."""
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
    from healthcode.core import streams
    from healthcode.core.aws import client

    position, rounds = 0, 0
    while position < len(records):
        rounds += 1
        assert rounds < 200
        batch = records[position:position + rng.randint(1, 7)]
        scope = failing(rng)
        monkeypatch.setattr(streams, "client", (lambda s, scope=scope: ConflictingStats(client(s), scope, 1)) if scope
                            else client)
        try:
            answer = deliver(batch)
        except BatchProcessingError:  # every record failed: a function error, the whole batch comes again
            continue
        failed = [f["itemIdentifier"] for f in answer["batchItemFailures"]]
        sequences = [r["dynamodb"]["SequenceNumber"] for r in batch]
        position += min((sequences.index(s) for s in failed), default=len(batch))
        if rng.random() < 0.3:  # an old batch delivered again
            monkeypatch.setattr(streams, "client", client)
            deliver(records[rng.randint(0, max(0, position - 1)):position])
    monkeypatch.setattr(streams, "client", client)
