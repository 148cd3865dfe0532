"""Stream records folded into counters of the stats table exactly once (venues' checks, organizations' declarations).

The mechanism, shared by every aggregator:
- a batch's records are grouped by their stream partition key; DynamoDB Streams delivers one partition key's
  records in order (a parent shard before its children), with growing sequence numbers;
- a group's records become ONE TransactWriteItems: an anchor item first, which keeps `hw`, the highest sequence
  number applied (zero-padded so it compares as text), then every counter bucket the records touch, each once,
  with ADD (so no bucket needs to exist beforehand);
- the anchor is conditioned on none of these records having been applied (`hw` below the first one's number).
  A replayed batch, or a batch retried after a half failure (Lambda re-delivers from the first failed record on),
  fails it: the cancellation returns the anchor (ReturnValuesOnConditionCheckFailure), the records at or below its
  `hw` are dropped, and the rest are built again knowing the anchor (so a builder may condition on it exactly).
  Because the transaction is all-or-nothing, the counters move exactly when the anchor does;
- a record that cannot be read fails with every later record of its group, so `hw` never passes a record not
  applied; transaction conflicts are retried with jitter.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from aws_lambda_powertools import Logger

from healthcode.core import clock
from healthcode.core.errors import ValidationFailed

logger = Logger(child=True)

SEQ_WIDTH = 48
CONFLICT_RETRIES = 6
MAX_TRANSACTION_ITEMS = 100

T = TypeVar("T")
Records = list[tuple[str, T]]  # (sequence number, what the record holds), in stream order


def pad(sequence: str) -> str:
    return sequence.zfill(SEQ_WIDTH)


def counter_update(table: str, scope: str, bucket: str, counts: Counter, now: str,
                   extra_set: dict[str, str] | None = None,
                   condition: tuple[str, dict[str, str], dict[str, Any]] | None = None) -> dict[str, Any]:
    """One TransactWriteItems `Update`: ADD each non-zero counter, SET `updated_at` and the string attributes given."""
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
    update: dict[str, Any] = {"TableName": table, "Key": {"scope": {"S": scope}, "bucket": {"S": bucket}},
                              "UpdateExpression": expression, "ExpressionAttributeNames": names,
                              "ExpressionAttributeValues": values}
    if condition:
        text, cond_names, cond_values = condition
        update["ConditionExpression"] = text
        names.update(cond_names)
        values.update(cond_values)
        update["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return {"Update": update}


def not_applied_yet(first_sequence: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The anchor's condition when its state is not known: nothing from `first_sequence` on was applied."""
    return "attribute_not_exists(#hw) OR #hw < :first", {"#hw": "hw"}, {":first": {"S": pad(first_sequence)}}


def mark_of(anchor: dict[str, Any] | None) -> str:
    return ((anchor or {}).get("hw") or {}).get("S", "")


def apply_in_order(dynamodb: Any, records: Records, build: Callable[[Records, dict[str, Any] | None], list[dict]],
                   read_anchor: Callable[[], dict[str, Any]], label: str = "") -> int:
    """Apply one group's records (stream order) in one transaction whose first item is the anchor; exactly once.

    `build(records, anchor)` returns the transaction items; `anchor` is None on the first try (the builder then
    conditions with `not_applied_yet`), and the anchor item as stored (DynamoDB JSON) after a failed condition.
    `read_anchor()` reads it consistently when the cancellation did not return it. Returns how many were new.
    """
    return apply_packed(dynamodb, [(label, records)], lambda packed: build(packed[0][1], packed[0][2]),
                        lambda _key: read_anchor())


def apply_packed(dynamodb: Any, groups: list[tuple[str, Records]],
                 build: Callable[[list[tuple[str, Records, dict[str, Any] | None]]], list[dict]],
                 read_anchor: Callable[[str], dict[str, Any]]) -> int:
    """Several groups in ONE transaction, each with its own anchor: `apply_in_order` for many partitions at once.

    `build([(key, records, anchor), ...])` returns the anchors first, in the order given, then the buckets (each
    once, summed over the groups). A cancellation names each anchor whose condition failed; those groups drop what
    was applied before and are built again knowing their anchor; the transaction is retried with what is left.
    """
    from botocore.exceptions import ClientError

    anchors: dict[str, dict[str, Any] | None] = {key: None for key, _ in groups}
    pending = [(key, list(records)) for key, records in groups if records]
    attempt = 0
    while pending:
        try:
            dynamodb.transact_write_items(TransactItems=build([(key, records, anchors[key])
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
                anchor = reason.get("Item")
                if anchor is None:  # older DynamoDB implementations do not return it
                    anchor = read_anchor(key)
                anchors[key], mark, stale = anchor, mark_of(anchor), True
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


def read_batch(records: list[dict[str, Any]], partition_of: Callable[[dict[str, Any]], str],
               read: Callable[[dict[str, Any]], T | None]) -> tuple[dict[str, Records], set[str]]:
    """A stream batch grouped by partition key (stream order kept), and the sequence numbers that failed already.

    `read(record)` returns what a record holds, None for a record the aggregator does not count, or raises for
    an unreadable one, which fails with every later record of its partition (nothing of it is applied after it).
    """
    failed: set[str] = set()
    groups: dict[str, Records] = {}
    poisoned: set[str] = set()
    for record in records:
        sequence = record["dynamodb"]["SequenceNumber"]
        partition = partition_of(record)
        if partition in poisoned:
            failed.add(sequence)
            continue
        try:
            value = read(record)
        except Exception:  # noqa: BLE001 - one unreadable record must not stop the others
            logger.exception("unreadable stream record", extra={"sequence": sequence})
            failed.add(sequence)
            poisoned.add(partition)
            continue
        if value is not None:
            groups.setdefault(partition, []).append((sequence, value))
    return groups, failed


def fold_batch(records: list[dict[str, Any]], partition_of: Callable[[dict[str, Any]], str],
               read: Callable[[dict[str, Any]], T | None], apply: Callable[[str, Records], Any]) -> set[str]:
    """Group a stream batch by partition key and apply each group; returns the sequence numbers that failed."""
    groups, failed = read_batch(records, partition_of, read)
    for partition, group in groups.items():
        try:
            apply(partition, group)
        except Exception:  # noqa: BLE001 - report these records; Lambda re-delivers them
            logger.exception("stats update failed", extra={"partition": partition})
            failed.update(sequence for sequence, _ in group)
    return failed


def partial_response(event: dict[str, Any], context: Any, failed: set[str]) -> dict[str, Any]:
    """Powertools' BatchProcessor reports the failed records (partial batch failures) in Lambda's format."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    def record_handler(record: Any) -> None:
        if record.dynamodb.sequence_number in failed:
            raise RuntimeError("stats not applied; the record will be delivered again")

    return process_partial_response(event=event, record_handler=record_handler,
                                    processor=BatchProcessor(event_type=EventType.DynamoDBStreams), context=context)


# ---------------------------------------------------------------- the read side


def numbers(item: dict[str, Any] | None) -> dict[str, int]:
    """The counters of a stats item (DynamoDB JSON)."""
    return {k: int(v["N"]) for k, v in (item or {}).items() if "N" in v}


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
