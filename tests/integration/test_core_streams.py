"""The stream seam (healthcode.core.streams), tested once with a test aggregator: every aggregate folded through
FoldingProcessor is counted exactly once whatever Lambda does — replays, a retry after a half failure, an unreadable
record, transaction conflicts — and aggregators of one stream are independent of one another."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from ulid import ULID

SEQUENCES = itertools.count(10**20)


def _aggregator(pack: int = 1, name: str = "tally"):
    """Votes in ballot boxes: per box an anchor `<name>#<run>#<box>` / `anchor` counting its box's choices, and one
    bucket `<name>#<run>` / `all` shared by every box (so packed boxes share it). `pack` boxes per transaction."""
    from healthcode.core.streams import Aggregator, anchor_update, counter_update

    run = str(ULID())

    class Tally(Aggregator[str]):
        metric = "TestVotesCounted"
        partition_key = "box"

        def folds(self, record: dict[str, Any]) -> bool:
            image = record["dynamodb"].get("NewImage") or {}
            return record.get("eventName") == "INSERT" and image.get("kind", {}).get("S") == "VOTE"

        def read(self, record: dict[str, Any]) -> str:
            choice = record["dynamodb"]["NewImage"]["choice"]["S"]
            if not choice.isalpha():
                raise ValueError("unreadable vote")
            return choice

        def anchor_key(self, partition: str) -> tuple[str, str]:
            return f"{name}#{run}#{partition}", "anchor"

        def packs(self, groups):
            boxes = list(groups.items())
            return [boxes[start:start + pack] for start in range(0, len(boxes), pack)]

        def build(self, packed, now):
            items, shared = [], Counter()
            for box, records, anchor in packed:
                counts = Counter(choice for _, choice in records)
                shared.update(counts)
                items.append(anchor_update(*self.anchor_key(box), records, anchor, now, counts=counts))
            return [*items, counter_update(f"{name}#{run}", "all", shared, now)]

    tally = Tally()
    tally.shared = f"{name}#{run}"  # type: ignore[attr-defined]
    return tally


def _vote(box: str, choice: str, kind: str = "VOTE", event: str = "INSERT") -> dict[str, Any]:
    sequence = str(next(SEQUENCES))
    image = {"box": {"S": box}, "sk": {"S": sequence}, "kind": {"S": kind}, "choice": {"S": choice}}
    return {"eventID": sequence, "eventName": event, "eventSource": "aws:dynamodb", "eventVersion": "1.1",
            "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
            "dynamodb": {"Keys": {"box": {"S": box}, "sk": {"S": sequence}}, "NewImage": image,
                         "SequenceNumber": sequence, "SizeBytes": 10, "StreamViewType": "NEW_IMAGE"}}


def _votes(count: int, boxes: str = "ABC", seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [_vote(rng.choice(boxes), rng.choice(["yes", "no", "maybe"])) for _ in range(count)]


def _deliver(records: list[dict[str, Any]], *aggregators: Any) -> list[str]:
    """One invocation of a stream function made of these aggregators; the sequence numbers reported failed."""
    from healthcode.core.streams import FoldingProcessor

    processor = FoldingProcessor(*aggregators)
    answer = process_partial_response(event={"Records": records}, record_handler=processor.record,
                                      processor=processor)
    return [failure["itemIdentifier"] for failure in answer["batchItemFailures"]]


def _stored(tally: Any, boxes: str = "ABC") -> dict[str, Counter]:
    from healthcode.core.streams import numbers, read_bucket

    shown = {box: Counter(numbers(read_bucket(*tally.anchor_key(box)))) for box in boxes}
    shown["all"] = Counter(numbers(read_bucket(tally.shared, "all")))
    return {key: +counts for key, counts in shown.items() if +counts}


def _expected(records: list[dict[str, Any]], boxes: str = "ABC") -> dict[str, Counter]:
    votes = [(r["dynamodb"]["NewImage"]["box"]["S"], r["dynamodb"]["NewImage"]["choice"]["S"]) for r in records
             if r["eventName"] == "INSERT" and r["dynamodb"]["NewImage"]["kind"]["S"] == "VOTE"]
    expected = {box: Counter(choice for b, choice in votes if b == box) for box in boxes}
    expected["all"] = Counter(choice for _, choice in votes)
    return {key: +counts for key, counts in expected.items() if +counts}


class Failing:
    """A DynamoDB client whose transactions touching scope `scope` are cancelled `times` times (a TransactionConflict
    on that item, as DynamoDB reports it); the rest go through. `without_item` drops the anchors that cancellations
    return (older DynamoDB implementations)."""

    def __init__(self, scope: str | None = None, times: int = 1_000_000, without_item: bool = False) -> None:
        from healthcode.core.aws import client

        self.real, self.scope, self.times, self.without_item = client("dynamodb"), scope, times, without_item
        self.transactions = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def transact_write_items(self, **kwargs: Any) -> Any:
        from botocore.exceptions import ClientError

        self.transactions += 1
        scopes = [item["Update"]["Key"]["scope"]["S"] for item in kwargs["TransactItems"]]
        if self.scope in scopes and self.times > 0:
            self.times -= 1
            reasons = [{"Code": "TransactionConflict" if scope == self.scope else "None"} for scope in scopes]
            raise ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                               "CancellationReasons": reasons}, "TransactWriteItems")
        try:
            return self.real.transact_write_items(**kwargs)
        except ClientError as error:
            if self.without_item:
                for reason in error.response.get("CancellationReasons", []):
                    reason.pop("Item", None)
            raise


@pytest.fixture
def dynamodb(aws, monkeypatch):
    """Swap the seam's DynamoDB client: `dynamodb(Failing(...))`; the real one when called with None. Conflicts are
    retried twice here (jitter of at most 80 ms), not six times."""
    from aws_lambda_powertools import Metrics
    from healthcode.core import streams
    from healthcode.core.aws import client

    def use(wrapper: Any | None) -> Any:
        monkeypatch.setattr(streams, "client", (lambda service: wrapper) if wrapper else client)
        return wrapper

    monkeypatch.setattr(streams, "CONFLICT_RETRIES", 2)
    yield use
    Metrics().clear_metrics()  # what the processor counted, unless a test flushed it


@pytest.mark.parametrize("pack", [1, 2])
def test_a_batch_is_folded_exactly(dynamodb, pack):
    # GIVEN votes in three boxes WHEN the batch is folded THEN every counter is exact and nothing fails
    tally, records = _aggregator(pack), _votes(30)
    assert _deliver(records, tally) == []
    assert _stored(tally) == _expected(records)


@pytest.mark.parametrize("pack", [1, 3])
def test_a_replayed_batch_counts_once(dynamodb, pack):
    # GIVEN a folded batch WHEN it is delivered again, whole and from its middle on THEN nothing is counted twice
    tally, records = _aggregator(pack), _votes(20)
    assert _deliver(records, tally) == []
    assert _deliver(records, tally) == []
    assert _deliver(records[7:], tally) == []
    more = _votes(5, seed=1)
    assert _deliver(records[12:] + more, tally) == []  # old and new together: only the new ones count
    assert _stored(tally) == _expected(records + more)


@pytest.mark.parametrize("pack", [1, 2])
def test_a_batch_retried_after_a_half_failure_counts_once(dynamodb, pack):
    """GIVEN a batch whose box B cannot be written WHEN it is folded THEN B's records are reported, the others
    applied; Lambda delivers again from the first failed record on (boxes A and C included) and all ends exact."""
    tally, records = _aggregator(pack), _votes(24)
    broken = dynamodb(Failing(scope=tally.anchor_key("B")[0]))
    failed = _deliver(records, tally)
    sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
    in_b = [s for s, r in zip(sequences, records, strict=True) if r["dynamodb"]["Keys"]["box"]["S"] == "B"]
    if pack == 1:
        assert failed == in_b  # the other boxes' transactions are not touched by B's failure
    assert set(in_b) <= set(failed) and broken.transactions > 0
    dynamodb(None)
    assert _deliver(records[min(sequences.index(s) for s in failed):], tally) == []  # Lambda's checkpoint
    assert _stored(tally) == _expected(records)


def test_an_unreadable_record_fails_with_the_later_records_of_its_partition_only(dynamodb):
    # GIVEN box A's second vote unreadable, box B's votes interleaved
    tally = _aggregator()
    records = [_vote("A", "yes"), _vote("B", "no"), _vote("A", "??"), _vote("B", "yes"), _vote("A", "no")]
    # WHEN folded THEN the unreadable vote and A's later one fail; A's first and every vote of B are counted
    assert _deliver(records, tally) == [records[2]["dynamodb"]["SequenceNumber"],
                                        records[4]["dynamodb"]["SequenceNumber"]]
    assert _stored(tally, "AB") == {"A": Counter(yes=1), "B": Counter(no=1, yes=1), "all": Counter(yes=2, no=1)}
    # AND WHEN the record is readable on the retry THEN everything is counted once
    records[2]["dynamodb"]["NewImage"]["choice"]["S"] = "maybe"
    assert _deliver(records[2:], tally) == []
    assert _stored(tally, "AB") == _expected(records, "AB")


def test_transaction_conflicts_are_retried_within_the_invocation(dynamodb):
    tally, records = _aggregator(), _votes(6, boxes="A")
    wrapper = dynamodb(Failing(scope=tally.anchor_key("A")[0], times=2))
    assert _deliver(records, tally) == []
    assert wrapper.transactions == 3  # two conflicts, then the commit
    assert _stored(tally, "A") == _expected(records, "A")


def test_a_replay_counts_once_where_the_cancellation_does_not_return_the_anchor(dynamodb):
    tally, records = _aggregator(2), _votes(12)
    assert _deliver(records[:5], tally) == []
    dynamodb(Failing(without_item=True))
    assert _deliver(records, tally) == []  # the anchors are read instead
    assert _stored(tally) == _expected(records)


def test_records_an_aggregator_does_not_fold_are_ignored(dynamodb):
    tally = _aggregator()
    records = [_vote("A", "yes"), _vote("A", "no", kind="OTHER"), _vote("A", "no", event="MODIFY"),
               _vote("A", "maybe", event="REMOVE")]
    assert _deliver(records, tally) == []
    assert _stored(tally, "A") == {"A": Counter(yes=1), "all": Counter(yes=1)}


def test_a_batch_whose_every_record_fails_is_a_function_error(dynamodb):
    # Powertools' partial-batch semantics: Lambda then retries the whole batch (or bisects it)
    tally, records = _aggregator(), _votes(3, boxes="A")
    dynamodb(Failing(scope=tally.anchor_key("A")[0]))
    with pytest.raises(BatchProcessingError):
        _deliver(records, tally)
    dynamodb(None)
    assert _stored(tally, "A") == {}


def test_aggregators_of_one_stream_are_independent(dynamodb):
    """GIVEN two aggregates of one stream, the second failing for box A WHEN the batch is folded and then delivered
    again from the failure on THEN each aggregate counts every record exactly once."""
    first, second = _aggregator(name="first"), _aggregator(name="second")
    records = _votes(15)
    dynamodb(Failing(scope=second.anchor_key("A")[0]))
    failed = _deliver(records, first, second)
    assert failed and _stored(first) == _expected(records)
    dynamodb(None)
    sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
    assert _deliver(records[min(sequences.index(s) for s in failed):], first, second) == []
    assert _stored(first) == _stored(second) == _expected(records)


@pytest.mark.parametrize("seed, pack", [(0, 1), (1, 2), (2, 3)])
def test_random_redelivery_with_random_failures_counts_exactly_once(dynamodb, seed, pack):
    """An event source mapping simulated: random batch sizes, random failing boxes, replays of old batches."""
    rng = random.Random(seed)
    tally, records = _aggregator(pack), _votes(40, seed=seed)
    position, rounds = 0, 0
    while position < len(records):
        rounds += 1
        assert rounds < 300
        batch = records[position:position + rng.randint(1, 9)]
        unlucky = rng.choice("ABC") if rng.random() < 0.4 else None
        times = rng.choice([1, 1_000_000])  # a conflict retried away, or a box that fails this delivery
        dynamodb(Failing(scope=tally.anchor_key(unlucky)[0], times=times) if unlucky else None)
        try:
            failed = _deliver(batch, tally)
        except BatchProcessingError:  # every record failed: the whole batch comes again
            continue
        sequences = [r["dynamodb"]["SequenceNumber"] for r in batch]
        position += min((sequences.index(s) for s in failed), default=len(batch))
        if rng.random() < 0.3:  # an old batch delivered again
            dynamodb(None)
            assert _deliver(records[rng.randint(0, max(0, position - 1)):position], tally) == []
    dynamodb(None)
    assert _stored(tally) == _expected(records)


def test_the_processor_publishes_what_it_folded(dynamodb, capsys):
    # GIVEN a stream function's metrics WHEN a batch is folded THEN the aggregate's count is in the EMF output
    import json

    from aws_lambda_powertools import Metrics

    metrics = Metrics(namespace="Test", service="streams")
    tally, records = _aggregator(), _votes(4)

    @metrics.log_metrics
    def handler(event: dict, context: object) -> list[str]:
        return _deliver(event["Records"], tally)

    assert handler({"Records": records}, None) == []
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert [blob["TestVotesCounted"] for blob in emitted] == [[4.0]]
    assert emitted[0]["StreamRecordsFailed"] == [0.0]
