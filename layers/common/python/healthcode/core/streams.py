"""The stream seam: aggregators fold a table's stream into counters of the stats table, exactly once, through one
processor (Powertools' BasePartialProcessor shape) that reports the records not applied.

An aggregate is an `Aggregator` (which records it folds, its partition, the items it writes); a stream function is
`FoldingProcessor(aggregator, ...)` plus `process_partial_response`. The mechanism, shared by every aggregator:
- a batch's records are grouped by partition, the owner of one anchor: by default the stream's partition key, as
  DynamoDB Streams delivers one partition key's records in order (a parent shard before its children), with
  growing sequence numbers;
- a group's records are applied in ONE TransactWriteItems: the group's anchor item first, which keeps `hw`, the
  highest sequence number applied (zero-padded so it compares as text), then every counter bucket the records
  touch, each once, with ADD (so no bucket needs to exist beforehand). An aggregator may pack several groups into
  one transaction (their anchors first, in order), or split a large group over consecutive transactions;
- the anchor is conditioned on none of these records having been applied (`hw` below the first one's number).
  A replayed batch, or a batch retried after a half failure (Lambda re-delivers from the first failed record on),
  fails it: the cancellation returns the anchor (ReturnValuesOnConditionCheckFailure), the records at or below its
  `hw` are dropped, and the rest are built again knowing the anchor (so a builder may condition on it exactly).
  Because the transaction is all-or-nothing, the counters move exactly when the anchor does;
- a record that cannot be read fails with every later record of its partition, so `hw` never passes a record not
  applied; a transaction that fails fails its records and every later record of its partitions; transaction
  conflicts are retried with jitter. Each aggregator keeps its own anchors, so aggregators of one stream are
  independent: a record is reported failed if any of them did not apply it, and the ones that did skip it when it
  comes again.

The stats table is written and read here with the low-level client, the one place outside PynamoDB (the data-access
seam): counters are attributes named by data (`g#female`, `i#<inspector>#checks`), which a model cannot declare,
and the anchored transactions need the cancellation's returned item. See docs/performance.md (persistence).
"""

from __future__ import annotations

import random
import sys
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import EventType
from aws_lambda_powertools.utilities.batch.base import BasePartialBatchProcessor
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from healthcode.core import clock
from healthcode.core.aws import client
from healthcode.core.batch import get_raw, raw_key
from healthcode.core.config import get_config
from healthcode.core.errors import ValidationFailed

logger = Logger(child=True)
metrics = Metrics()  # flushed by the stream function's @observed (core.handlers)

SEQ_WIDTH = 48
CONFLICT_RETRIES = 6
MAX_TRANSACTION_ITEMS = 100

T = TypeVar("T")
Records = list[tuple[str, T]]  # (sequence number, what the record holds), in stream order
Condition = tuple[str, dict[str, str], dict[str, Any]]  # expression, its names, its values (DynamoDB JSON)


def pad(sequence: str) -> str:
    return sequence.zfill(SEQ_WIDTH)


# ---------------------------------------------------------------- the stats table's items, as read


@dataclass(frozen=True)
class Bucket:
    """A stats item as read: its number attributes (counters) and its string attributes (`hw`, `updated_at`,
    names, marks), its string sets. Anchors are handed to `Aggregator.build` in this shape."""

    scope: str
    bucket: str
    counts: dict[str, int] = field(default_factory=dict)
    strings: dict[str, str] = field(default_factory=dict)
    sets: dict[str, frozenset[str]] = field(default_factory=dict)  # string sets (`ps`: people seen)

    @classmethod
    def from_raw(cls, item: dict[str, Any] | None) -> Bucket | None:
        if not item:
            return None
        return cls(scope=item.get("scope", {}).get("S", ""), bucket=item.get("bucket", {}).get("S", ""),
                   counts={k: int(v["N"]) for k, v in item.items() if "N" in v},
                   strings={k: v["S"] for k, v in item.items() if "S" in v and k not in ("scope", "bucket")},
                   sets={k: frozenset(v["SS"]) for k, v in item.items() if "SS" in v})

    @property
    def hw(self) -> str:
        """The highest sequence number applied (padded); empty when none was."""
        return self.strings.get("hw", "")


def stats_key(scope: str, bucket: str) -> dict[str, dict[str, str]]:
    return {"scope": {"S": scope}, "bucket": {"S": bucket}}


def read_bucket(scope: str, bucket: str) -> Bucket | None:
    """One consistent GetItem of a stats item."""
    answer = client("dynamodb").get_item(TableName=get_config().stats_table, ConsistentRead=True,
                                         Key=stats_key(scope, bucket))
    return Bucket.from_raw(answer.get("Item"))


def query_buckets(scope: str, prefix: str) -> Iterable[Bucket]:
    """The items of one scope whose bucket starts with `prefix`, consistently, page after page."""
    start: dict[str, Any] | None = None
    while True:
        page, start = query_page(scope, prefix, None, start)
        yield from page
        if not start:
            return


def query_page(scope: str, prefix: str, limit: int | None, start: dict[str, Any] | None = None
               ) -> tuple[list[Bucket], dict[str, Any] | None]:
    """ONE consistent Query of the items of one scope whose bucket starts with `prefix`, from `start` (a key this
    returned) on, at most `limit` of them: the items, and the key to go on from (None at the end)."""
    kwargs: dict[str, Any] = {
        "TableName": get_config().stats_table, "ConsistentRead": True,
        "KeyConditionExpression": "#s = :s AND begins_with(#b, :p)",
        "ExpressionAttributeNames": {"#s": "scope", "#b": "bucket"},
        "ExpressionAttributeValues": {":s": {"S": scope}, ":p": {"S": prefix}},
    }
    if limit is not None:
        kwargs["Limit"] = limit
    if start:
        kwargs["ExclusiveStartKey"] = start
    page = client("dynamodb").query(**kwargs)
    buckets = [bucket for bucket in map(Bucket.from_raw, page.get("Items", [])) if bucket is not None]
    return buckets, page.get("LastEvaluatedKey") or None


def query_range(scope: str, first: str, last: str, attributes: list[str] | None = None) -> Iterable[Bucket]:
    """The items of one scope whose bucket lies between `first` and `last` (both included), consistently: one Query
    (`bucket BETWEEN`), followed page by page only past 1 MB; `attributes` projects each item (plus its key)."""
    kwargs: dict[str, Any] = {
        "TableName": get_config().stats_table, "ConsistentRead": True,
        "KeyConditionExpression": "#s = :s AND #b BETWEEN :from AND :to",
        "ExpressionAttributeNames": {"#s": "scope", "#b": "bucket"},
        "ExpressionAttributeValues": {":s": {"S": scope}, ":from": {"S": first}, ":to": {"S": last}},
    }
    if attributes is not None:
        names = {f"#a{i}": name for i, name in enumerate(["scope", "bucket", *attributes])}
        kwargs["ProjectionExpression"] = ", ".join(names)
        kwargs["ExpressionAttributeNames"] |= names
    while True:
        page = client("dynamodb").query(**kwargs)
        for item in page.get("Items", []):
            bucket = Bucket.from_raw(item)
            if bucket is not None:
                yield bucket
        if not page.get("LastEvaluatedKey"):
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def read_with(model: Any, key: dict[str, Any], buckets: list[tuple[str, str]]) -> tuple[Any | None, dict[str, Bucket]]:
    """ONE BatchGetItem of a PynamoDB item (`key` in DynamoDB JSON) and some stats items, all consistent: what a
    statistics read costs, whatever the numbers (two calls through PynamoDB, one per table: see
    docs/performance.md). Returns the item (or None) and the buckets found by bucket name."""
    table = get_config().stats_table
    responses = get_raw({
        model.Meta.table_name: {"Keys": [key], "ConsistentRead": True},
        table: {"Keys": [stats_key(scope, bucket) for scope, bucket in buckets], "ConsistentRead": True},
    })
    found = responses.get(model.Meta.table_name, [])
    read = (Bucket.from_raw(raw) for raw in responses.get(table, []))
    return (model.from_raw_data(found[0]) if found else None), {b.bucket: b for b in read if b is not None}


def read_many_with(model: Any, keys: list[tuple[Any, ...]], buckets: list[tuple[str, str]]
                   ) -> tuple[list[Any], dict[tuple[str, str], Bucket]]:
    """ONE BatchGetItem of items of a model (`(hash,)` or `(hash, range)` keys, eventually consistent) and stats
    items (consistent), at most 100 in all: the items found, and the buckets found by (scope, bucket)."""
    table = get_config().stats_table
    request: dict[str, Any] = {table: {"Keys": [stats_key(scope, bucket) for scope, bucket in buckets],
                                       "ConsistentRead": True}}
    if keys:
        request[model.Meta.table_name] = {"Keys": [raw_key(model, key) for key in keys]}
    responses = get_raw(request)
    read = (Bucket.from_raw(raw) for raw in responses.get(table, []))
    return ([model.from_raw_data(raw) for raw in responses.get(model.Meta.table_name, [])],
            {(b.scope, b.bucket): b for b in read if b is not None})


def numbers(item: Bucket | None) -> dict[str, int]:
    """The counters of a stats item (none when it is absent)."""
    return dict(item.counts) if item else {}


# ---------------------------------------------------------------- the items an aggregator writes


def counter_update(scope: str, bucket: str, counts: Counter | dict[str, int], now: str,
                   extra_set: dict[str, str] | None = None, condition: Condition | None = None) -> dict[str, Any]:
    """One TransactWriteItems `Update` of a stats item: ADD each non-zero counter, SET `updated_at` and the string
    attributes given; with a condition, the item is returned when it fails (the anchor's case)."""
    names: dict[str, str] = {"#u": "updated_at"}
    values: dict[str, Any] = {":u": {"S": now}}
    adds = []
    for i, (name, amount) in enumerate(sorted((k, v) for k, v in counts.items() if v)):
        names[f"#c{i}"] = name
        values[f":c{i}"] = {"N": str(amount)}
        adds.append(f"#c{i} :c{i}")
    sets = ["#u = :u"]
    for i, (name, value) in enumerate((extra_set or {}).items()):
        names[f"#s{i}"] = name
        values[f":s{i}"] = {"S": value}
        sets.append(f"#s{i} = :s{i}")
    expression = "SET " + ", ".join(sets) + (" ADD " + ", ".join(adds) if adds else "")
    update: dict[str, Any] = {"TableName": get_config().stats_table, "Key": stats_key(scope, bucket),
                              "UpdateExpression": expression, "ExpressionAttributeNames": names,
                              "ExpressionAttributeValues": values}
    if condition:
        text, cond_names, cond_values = condition
        update["ConditionExpression"] = text
        names.update(cond_names)
        values.update(cond_values)
        update["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return {"Update": update}


def not_applied_yet(first_sequence: str) -> Condition:
    """The anchor's condition when its state is not known: nothing from `first_sequence` on was applied."""
    return "attribute_not_exists(#hw) OR #hw < :first", {"#hw": "hw"}, {":first": {"S": pad(first_sequence)}}


def unchanged(anchor: Bucket) -> Condition:
    """The anchor's condition when it was read: it must still be exactly what was read."""
    if anchor.hw:
        return "#hw = :hw", {"#hw": "hw"}, {":hw": {"S": anchor.hw}}
    return "attribute_not_exists(#hw)", {"#hw": "hw"}, {}


def anchor_update(scope: str, bucket: str, records: Records, anchor: Bucket | None, now: str,
                  counts: Counter | dict[str, int] | None = None, marks: dict[str, str] | None = None) -> dict[str, Any]:
    """The usual anchor: `hw` moved to the last of `records`, conditioned on none of them applied (first try) or on
    the anchor as read (after a failed condition); it may carry counters and string marks of its own."""
    condition = not_applied_yet(records[0][0]) if anchor is None else unchanged(anchor)
    return counter_update(scope, bucket, counts or Counter(), now, {"hw": pad(records[-1][0])} | (marks or {}),
                          condition)


# ---------------------------------------------------------------- the interface


Group = tuple[str, Records]  # (partition, its records in stream order)
Built = tuple[str, Records, "Bucket | None"]  # (partition, records, its anchor: None on the first try)


class Aggregator(ABC, Generic[T]):
    """One aggregate of one stream. Subclasses say which records they fold, how each is read, its partition (the
    owner of one anchor) and the transaction items; the processor does the rest (grouping, replays, failures).

    `metric` names the Powertools metric counting the records this aggregate applied (new ones, not replays).
    """

    metric: str = "StreamRecordsFolded"

    @abstractmethod
    def folds(self, record: dict[str, Any]) -> bool:
        """Whether this aggregate counts this stream record at all (event name, kind): cheap, never raises."""

    @abstractmethod
    def read(self, record: dict[str, Any]) -> T:
        """What a folded record holds (e.g. a PynamoDB item from `NewImage`); raises for an unreadable one."""

    #: the table's hash key attribute: the default partition is its value (one anchor per stream partition key)
    partition_key: str = ""

    def partition(self, record: dict[str, Any]) -> str:
        """The anchor's owner: by default the stream's partition key (`partition_key`'s value). An override may
        split a partition key's records over several anchors, never share one anchor between partition keys: the
        records of different partition keys come in no defined order to one another."""
        if not self.partition_key:
            raise TypeError(f"{type(self).__name__} sets neither partition_key nor partition()")
        value = (record["dynamodb"].get("Keys") or {}).get(self.partition_key) or {}
        return str(next(iter(value.values()), "?"))

    @abstractmethod
    def anchor_key(self, partition: str) -> tuple[str, str]:
        """The (scope, bucket) of this partition's anchor; read only when a cancellation does not return it."""

    def packs(self, groups: dict[str, Records]) -> list[list[Group]]:
        """The transactions, in order: by default one per partition. A pack holds each partition at most once; a
        partition split over several packs keeps stream order. Override to pack partitions together or to split
        a group whose transaction would exceed 100 items."""
        return [[(partition, records)] for partition, records in groups.items()]

    @abstractmethod
    def build(self, packed: list[Built], now: str) -> list[dict[str, Any]]:
        """The TransactItems of one pack: each partition's anchor first, in the order given (`anchor_update`), then
        every bucket the records touch, once (`counter_update`). An anchor is None on the first try."""


# ---------------------------------------------------------------- the mechanism


def apply_packed(groups: list[Group], build: Callable[[list[Built]], list[dict]],
                 read_anchor: Callable[[str], Bucket | None]) -> int:
    """Apply a pack of groups in ONE transaction, each with its own anchor; exactly once. Returns how many records
    were new. A cancellation names each anchor whose condition failed; those groups drop what was applied before
    and are built again knowing their anchor; the transaction is retried with what is left."""
    from botocore.exceptions import ClientError

    anchors: dict[str, Bucket | None] = {key: None for key, _ in groups}
    pending = [(key, list(records)) for key, records in groups if records]
    attempt = 0
    while pending:
        try:
            client("dynamodb").transact_write_items(TransactItems=build([(key, records, anchors[key])
                                                                         for key, records in pending]))
            return sum(len(records) for _, records in pending)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            stale = False
            for i, (key, records) in enumerate(pending):
                reason = reasons[i] if i < len(reasons) else {}
                if reason.get("Code") != "ConditionalCheckFailed":
                    continue
                raw = reason.get("Item")
                # older DynamoDB implementations do not return it; an absent anchor reads as empty
                anchor = Bucket.from_raw(raw) if raw is not None else read_anchor(key)
                anchors[key], stale = anchor or Bucket("", ""), True
                mark = anchors[key].hw
                kept = [(sequence, value) for sequence, value in records if pad(sequence) > mark]
                if len(kept) < len(records):
                    logger.info("stats replay skipped", extra={"group": key, "skipped": len(records) - len(kept)})
                pending[i] = (key, kept)
            if stale:
                pending = [(key, records) for key, records in pending if records]
                continue
            attempt += 1
            if attempt > CONFLICT_RETRIES or not any(r.get("Code") == "TransactionConflict" for r in reasons):
                raise
            time.sleep(random.uniform(0, 0.02 * 2 ** attempt))  # noqa: S311 - jitter, not security
    return 0


def read_batch(aggregator: Aggregator[T], records: list[dict[str, Any]]) -> tuple[dict[str, Records], set[str]]:
    """A stream batch grouped by partition (stream order kept), and the sequence numbers that failed already: an
    unreadable record fails with every later record of its partition (nothing of it is applied after it)."""
    failed: set[str] = set()
    groups: dict[str, Records] = {}
    poisoned: set[str] = set()
    for record in records:
        sequence = record["dynamodb"]["SequenceNumber"]
        partition = aggregator.partition(record)
        if partition in poisoned:
            failed.add(sequence)
            continue
        if not aggregator.folds(record):
            continue
        try:
            value = aggregator.read(record)
        except Exception:  # noqa: BLE001 - one unreadable record must not stop the others
            logger.exception("unreadable stream record", extra={"sequence": sequence,
                                                                "aggregator": type(aggregator).__name__})
            failed.add(sequence)
            poisoned.add(partition)
            continue
        groups.setdefault(partition, []).append((sequence, value))
    return groups, failed


def fold(aggregator: Aggregator[Any], records: list[dict[str, Any]]) -> tuple[int, set[str]]:
    """Fold a stream batch with one aggregator: (records newly applied, sequence numbers that failed). A pack that
    fails fails its records and every later record of its partitions (an anchor must never pass a record not
    applied); the other packs are applied."""
    groups, failed = read_batch(aggregator, records)
    applied = 0
    stopped: set[str] = set()
    for pack in aggregator.packs(groups):
        for partition, chunk in pack:
            if partition in stopped:
                failed.update(sequence for sequence, _ in chunk)
        pack = [(partition, chunk) for partition, chunk in pack if partition not in stopped]
        if not pack:
            continue
        try:
            applied += apply_packed(pack, lambda built: aggregator.build(built, clock.iso(clock.now())),
                                    lambda partition: read_bucket(*aggregator.anchor_key(partition)))
        except Exception:  # noqa: BLE001 - report these records; Lambda re-delivers them
            logger.exception("stats update failed", extra={"aggregator": type(aggregator).__name__,
                                                           "partitions": len(pack)})
            for partition, chunk in pack:
                failed.update(sequence for sequence, _ in chunk)
                stopped.add(partition)
    return applied, failed


class NotApplied(Exception):
    """A record some aggregator did not apply: reported as a batch item failure, so Lambda delivers it again."""


class FoldingProcessor(BasePartialBatchProcessor):
    """The one processor of every statistics stream: `_prepare` folds the whole batch with each aggregator (grouped
    by partition, each group applied once), `_process_record` reports each record a success or a failure, and
    `_clean` builds the partial batch response (Powertools raises when every record failed: a function error).

        processor = FoldingProcessor(VENUE_CHECKS, GRID_COLLECTIONS)

        def lambda_handler(event, context):
            return process_partial_response(event=event, record_handler=processor.record,
                                            processor=processor, context=context)
    """

    def __init__(self, *aggregators: Aggregator[Any]) -> None:
        super().__init__(event_type=EventType.DynamoDBStreams)
        self.aggregators = aggregators
        self.failed: set[str] = set()

    def _prepare(self) -> None:
        super()._prepare()
        self.failed = set()
        for aggregator in self.aggregators:
            applied, failed = fold(aggregator, self.records)
            self.failed |= failed
            if applied:
                metrics.add_metric(name=aggregator.metric, unit=MetricUnit.Count, value=applied)
        metrics.add_metric(name="StreamRecordsFailed", unit=MetricUnit.Count, value=len(self.failed))

    def record(self, record: DynamoDBRecord) -> None:
        """The record handler: the batch was folded in `_prepare`; a record not applied raises."""
        if record.dynamodb is not None and record.dynamodb.sequence_number in self.failed:
            raise NotApplied("stats not applied; the record will be delivered again")

    def _process_record(self, record: dict[str, Any]) -> tuple:
        data = self._to_batch_type(record, event_type=self.event_type)
        try:
            return self.success_handler(record=data, result=self.handler(data))
        except Exception:  # noqa: BLE001 - reported as a batch item failure
            return self.failure_handler(record=data, exception=sys.exc_info())

    async def _async_process_record(self, record: dict[str, Any]) -> tuple:
        return self._process_record(record)


# ---------------------------------------------------------------- the read side


def parse_day(value: str | None) -> date:
    """The `date=` of a statistics read: YYYY-MM-DD, today or earlier (Asia/Shanghai); today when absent."""
    today = clock.local_date(clock.now())
    if value is None:
        return today
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed("date must be YYYY-MM-DD", "日期格式应为YYYY-MM-DD", field="date") from None
    if len(value) != 10 or day > today:
        raise ValidationFailed("date must be a past or current day, YYYY-MM-DD", "日期有误", field="date")
    return day
