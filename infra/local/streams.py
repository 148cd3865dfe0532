"""Stream pollers with Lambda event-source-mapping semantics, for DynamoDB streams on the embedded AWS.

Per shard: read records in order, hand the function batches of up to BatchSize (waiting up to the batching
window to fill one), add the eventSourceARN moto leaves out, and on `batchItemFailures` checkpoint at the
lowest failed sequence number: that record and every later one are delivered again. A batch that keeps
failing is retried MaximumRetryAttempts times (-1 = until it succeeds, as Lambda does until the record
expires), split in halves on error when BisectBatchOnFunctionError is set, and finally reported to the
OnFailure destination and skipped.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from infra.template import StreamSource

from .lambdas import LoadedFunction

log = logging.getLogger("infra.local.streams")


@dataclass
class ShardState:
    iterator: str | None
    pending: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0


@dataclass
class FailureReport:
    function: str
    source: str
    first_sequence: str
    last_sequence: str
    size: int
    reason: str


class StreamPoller:
    def __init__(self, source: StreamSource, function: LoadedFunction, stream_arn: str, streams_client: Any,
                 destinations: Destinations, poll_seconds: float = 0.2) -> None:
        self.source = source
        self.function = function
        self.stream_arn = stream_arn
        self.client = streams_client
        self.destinations = destinations
        self.poll_seconds = poll_seconds
        self.shards: dict[str, ShardState] = {}
        self._stop = threading.Event()
        self._idle = threading.Event()
        self.delivered_batches = 0
        self.thread = threading.Thread(target=self._run, name=f"stream-{source.function}", daemon=True)

    def start(self) -> None:
        self._discover()
        self.thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if timeout > 0:
            self.thread.join(timeout=timeout)

    def _discover(self) -> None:
        description = self.client.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in description["Shards"]:
            if shard["ShardId"] in self.shards:
                continue
            position = "TRIM_HORIZON" if self.source.starting_position == "TRIM_HORIZON" else "LATEST"
            iterator = self.client.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard["ShardId"],
                                                      ShardIteratorType=position)["ShardIterator"]
            self.shards[shard["ShardId"]] = ShardState(iterator)

    def _fetch(self, state: ShardState) -> None:
        if state.iterator is None:
            return
        answer = self.client.get_records(ShardIterator=state.iterator, Limit=1000)
        state.iterator = answer.get("NextShardIterator")
        for record in answer.get("Records", []):
            record["eventSourceARN"] = self.stream_arn  # moto leaves it out; Lambda always sets it
            state.pending.append(record)

    def _run(self) -> None:
        while not self._stop.is_set():
            busy = False
            try:
                for state in list(self.shards.values()):
                    self._fetch(state)
                    if state.pending and self.source.window_seconds and len(state.pending) < self.source.batch_size:
                        deadline = time.monotonic() + self.source.window_seconds
                        while time.monotonic() < deadline and len(state.pending) < self.source.batch_size:
                            time.sleep(min(self.poll_seconds, 0.1))
                            self._fetch(state)
                    while state.pending and not self._stop.is_set():
                        busy = True
                        self._deliver(state)
            except Exception:  # noqa: BLE001 - a poller must survive a hiccup of the embedded AWS
                log.exception("stream poller error")
            if not busy:
                self._idle.set()
                self._stop.wait(self.poll_seconds)
            else:
                self._idle.clear()

    def _deliver(self, state: ShardState) -> None:
        batch = state.pending[: self.source.batch_size]
        failed_from = self._invoke(batch)
        if failed_from is None:
            del state.pending[: len(batch)]
            state.attempts = 0
            return
        # Checkpoint: everything before the lowest failed record is done.
        del state.pending[:failed_from]
        state.attempts += 1
        retries = self.source.max_retries
        if retries >= 0 and state.attempts > retries:
            remaining = batch[failed_from:]
            self.destinations.report(FailureReport(
                function=self.source.function, source=self.source.name,
                first_sequence=remaining[0]["dynamodb"]["SequenceNumber"],
                last_sequence=remaining[-1]["dynamodb"]["SequenceNumber"], size=len(remaining),
                reason="RetryAttemptsExhausted"))
            del state.pending[: len(remaining)]
            state.attempts = 0
        else:
            time.sleep(min(0.05 * state.attempts, 1.0))

    def _invoke(self, batch: list[dict[str, Any]]) -> int | None:
        """Index in `batch` of the first record to deliver again, or None when all succeeded."""
        self.delivered_batches += 1
        try:
            answer = self.function.invoke({"Records": batch})
        except Exception:  # noqa: BLE001 - a function error fails the whole batch
            log.exception("stream function %s failed", self.source.function)
            if self.source.bisect_on_error and len(batch) > 1:
                half = len(batch) // 2
                first = self._invoke(batch[:half])
                if first is not None:
                    return first
                second = self._invoke(batch[half:])
                return None if second is None else half + second
            return 0
        if not self.source.report_item_failures or not isinstance(answer, dict):
            return None
        failures = answer.get("batchItemFailures") or []
        if not failures:
            return None
        sequences = [record["dynamodb"]["SequenceNumber"] for record in batch]
        failed = [f.get("itemIdentifier") for f in failures]
        if any(f not in sequences for f in failed):
            return 0  # an identifier Lambda cannot match fails the whole batch
        return min(sequences.index(f) for f in failed)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once the poller has found nothing new to deliver (tests and demos)."""
        self._idle.clear()
        return self._idle.wait(timeout)


class Destinations:
    """OnFailure destinations: reports are kept in memory and also sent to the SQS/SNS target when one exists."""

    def __init__(self, session: Any = None, endpoint_url: str | None = None, resolver: Any = None) -> None:
        self.reports: list[FailureReport] = []
        self.session = session
        self.endpoint_url = endpoint_url
        self.resolver = resolver
        self.targets: dict[str, Any] = {}

    def report(self, failure: FailureReport) -> None:
        log.warning("stream batch sent to failure destination: %s", failure)
        self.reports.append(failure)
        try:
            self._send(failure)
        except Exception:  # noqa: BLE001 - the batch is skipped either way (as Lambda drops it), never retried forever
            log.exception("could not send a failure report to its destination")

    def _send(self, failure: FailureReport) -> None:
        target = self.targets.get(failure.function)
        if target and self.session is not None:
            arn = self.resolver.resolve(target.get("Destination")) if self.resolver else target.get("Destination")
            message = json.dumps(failure.__dict__)
            if isinstance(arn, str) and ":sqs:" in arn:
                client = self.session.client("sqs", endpoint_url=self.endpoint_url)
                url = client.get_queue_url(QueueName=arn.rsplit(":", 1)[1])["QueueUrl"]
                client.send_message(QueueUrl=url, MessageBody=message)
            elif isinstance(arn, str) and ":sns:" in arn:
                self.session.client("sns", endpoint_url=self.endpoint_url).publish(TopicArn=arn, Message=message)
