"""The local stream poller behaves like a Lambda event source mapping: batches, checkpoints, retries, failures."""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.streams import Destinations, StreamPoller
from infra.template import StreamSource

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026"


class FakeStreams:
    """A one-shard stream: get_records hands out what was appended since the last call."""

    def __init__(self, count: int) -> None:
        self.records = [{"eventID": str(i), "eventName": "INSERT",
                         "dynamodb": {"SequenceNumber": f"{i:021d}", "NewImage": {"n": {"N": str(i)}}}}
                        for i in range(count)]
        self.served = False

    def describe_stream(self, StreamArn: str) -> dict[str, Any]:  # noqa: N803 - boto3's argument names
        return {"StreamDescription": {"Shards": [{"ShardId": "shard-0"}]}}

    def get_shard_iterator(self, **kwargs: Any) -> dict[str, Any]:
        return {"ShardIterator": "it"}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:  # noqa: N803
        if self.served:
            return {"Records": [], "NextShardIterator": "it"}
        self.served = True
        return {"Records": [dict(r) for r in self.records], "NextShardIterator": "it"}


class ScriptedFunction:
    """Records every batch it receives and answers from a script (one answer per call, then success)."""

    def __init__(self, script: list[Any]) -> None:
        self.script = list(script)
        self.batches: list[list[int]] = []

    def invoke(self, event: dict[str, Any]) -> Any:
        numbers = [int(r["dynamodb"]["NewImage"]["n"]["N"]) for r in event["Records"]]
        assert all(r["eventSourceARN"] == ARN for r in event["Records"])
        self.batches.append(numbers)
        answer = self.script.pop(0) if self.script else {"batchItemFailures": []}
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, list):  # failed record numbers
            return {"batchItemFailures": [{"itemIdentifier": f"{n:021d}"} for n in answer]}
        return answer


def source(**overrides: Any) -> StreamSource:
    values = dict(function="Fn", name="Stream", table="T", batch_size=4, window_seconds=0, max_retries=2,
                  bisect_on_error=False, report_item_failures=True, starting_position="TRIM_HORIZON", on_failure=None)
    return StreamSource(**(values | overrides))


def drain(poller: StreamPoller) -> None:
    state = next(iter(poller.shards.values()))
    poller._fetch(state)
    while state.pending:
        poller._deliver(state)


@pytest.fixture
def destinations() -> Destinations:
    return Destinations()


def make(function: ScriptedFunction, destinations: Destinations, count: int = 10, **overrides: Any) -> StreamPoller:
    poller = StreamPoller(source(**overrides), function, ARN, FakeStreams(count), destinations)
    poller._discover()
    return poller


def test_records_arrive_in_order_in_batches_of_the_batch_size(destinations):
    function = ScriptedFunction([])
    drain(make(function, destinations))
    assert function.batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_partial_failure_checkpoints_at_the_lowest_failed_record(destinations):
    # GIVEN the function reports records 2 and 3 of the first batch as failed
    function = ScriptedFunction([[3, 2]])
    drain(make(function, destinations))
    # THEN delivery resumes at record 2, and 0-1 are never delivered again
    assert function.batches[0] == [0, 1, 2, 3]
    assert function.batches[1] == [2, 3, 4, 5]
    assert sum(batch.count(0) for batch in function.batches) == 1


def test_a_batch_failing_beyond_max_retries_goes_to_the_failure_destination(destinations):
    function = ScriptedFunction([[1], [1], [1]])
    drain(make(function, destinations, count=4, max_retries=2))
    assert function.batches == [[0, 1, 2, 3], [1, 2, 3], [1, 2, 3]]
    assert len(destinations.reports) == 1
    report = destinations.reports[0]
    assert (report.first_sequence, report.last_sequence, report.size) == (f"{1:021d}", f"{3:021d}", 3)


def test_function_error_retries_the_whole_batch(destinations):
    function = ScriptedFunction([RuntimeError("boom")])
    drain(make(function, destinations, count=4))
    assert function.batches == [[0, 1, 2, 3], [0, 1, 2, 3]]
    assert destinations.reports == []


def test_bisect_on_error_isolates_the_failing_half(destinations):
    # the first call fails; bisecting calls [0,1] (ok) then [2,3] (fails), so the checkpoint is record 2
    function = ScriptedFunction([RuntimeError("boom"), {}, RuntimeError("boom")])
    drain(make(function, destinations, count=4, bisect_on_error=True, max_retries=5))
    assert function.batches[:3] == [[0, 1, 2, 3], [0, 1], [2, 3]]
    assert sum(batch.count(0) for batch in function.batches[1:]) == 1


def test_unknown_item_identifier_fails_the_whole_batch(destinations):
    function = ScriptedFunction([{"batchItemFailures": [{"itemIdentifier": "nope"}]}])
    drain(make(function, destinations, count=2))
    assert function.batches == [[0, 1], [0, 1]]


def test_without_report_batch_item_failures_a_failure_list_is_ignored(destinations):
    function = ScriptedFunction([[0]])
    drain(make(function, destinations, count=2, report_item_failures=False))
    assert function.batches == [[0, 1]]


def test_an_unreachable_failure_destination_still_skips_the_failed_batch():
    # GIVEN a failure destination whose queue cannot be reached
    class Unreachable:
        def client(self, *args: Any, **kwargs: Any) -> Any:
            raise ConnectionError("queue unreachable")

    destinations = Destinations(session=Unreachable())
    destinations.targets["Fn"] = {"Destination": "arn:aws:sqs:us-east-1:123456789012:failures"}
    function = ScriptedFunction([[0], [0], [0]])
    # WHEN a batch exhausts its retries
    drain(make(function, destinations, count=2, max_retries=2))
    # THEN it is reported (in memory), skipped, and the poller moves on instead of retrying it forever
    assert function.batches == [[0, 1], [0, 1], [0, 1]]
    assert len(destinations.reports) == 1
