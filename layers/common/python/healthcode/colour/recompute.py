"""Recomputing a person's code colour from all their facts: per stream batch, on schedule, with status history.

One recompute = read the person (version), Query all their facts, `status.evaluate`, then - only if anything
changed - one conditional write: the status update (optimistic lock on Person.version) together with a
status-history entry, in one transaction, so a replayed or half-failed batch can neither lose nor double an
entry. A version conflict (another recompute, a login, a re-issue wrote the person meanwhile) reads again.

Status history lives in the audit table as `StatusChange` items (subject = person_id, at = `<time>#STATUS#v<n>`,
action STATUS_CHANGED): the audit table is already the per-person timeline of who did what to whose data, it is
append-only and kept; one Query on the subject answers "why was this code red on Tuesday". It is not written to
health_events, whose stream would feed the change back into status_stream.

The same write keeps `Person.nucleic_acid`, the latest test the code page shows (FAQ 11), so showing a code
stays one read.

`next_review_at` / `review_shard` ("R") are set only while time alone can still change the status (a quarantine
or contact period running or about to start); the sparse GSI `by_next_review` then lists who is due.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from healthcode.colour.status import Fact, Status, evaluate, latest_test
from healthcode.core import clock
from healthcode.models import HealthEvent, Person
from healthcode.models.base import table_meta

logger = Logger(child=True)
metrics = Metrics()  # flushed by the stream and schedule functions' @observed (core.handlers)

REVIEW_SHARD = "R"
MAX_ATTEMPTS = 5
SYSTEM_ACTOR = "system:status"


class StatusChange(Model):
    """A status-history entry, in the audit table beside the reads of the same person's data."""

    Meta = table_meta("audit_table")

    subject = UnicodeAttribute(hash_key=True)  # person_id
    at = UnicodeAttribute(range_key=True)  # `<time ISO +08:00>#STATUS#v<person version after the change>`
    actor = UnicodeAttribute(default=SYSTEM_ACTOR)
    action = UnicodeAttribute(default="STATUS_CHANGED")
    purpose = UnicodeAttribute(null=True)  # what triggered it: "stream" | "review"
    color = UnicodeAttribute()
    previous_color = UnicodeAttribute(null=True)
    reasons = JSONAttribute(default=list)
    previous_reasons = JSONAttribute(default=list)


@dataclass(frozen=True)
class Outcome:
    person_id: str
    changed: bool  # colour or reasons changed (a history entry was written)
    color: str | None
    attempts: int = 1


@cache
def _connection() -> Connection:
    return Connection(region=Person.Meta.region, host=Person.Meta.host)


def facts_of(person_id: str) -> list[Fact]:
    return [Fact.of(item) for item in HealthEvent.query(person_id, consistent_read=True)]


def _conflict(exc: Exception) -> bool:
    if isinstance(exc, TransactWriteError):
        return any(getattr(reason, "code", None) == "ConditionalCheckFailed" for reason in exc.cancellation_reasons or [])
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def _write(person: Person, status: Status, test: dict[str, Any] | None, now: datetime, cause: str) -> bool:
    """The one conditional write of a recompute; True when the status (not only the review time) changed."""
    review_at = clock.iso(status.next_review_at) if status.next_review_at else None
    status_changed = status.color != person.color or status.reasons != (person.reasons or [])
    actions: list[Any] = []
    if test != person.nucleic_acid:
        actions.append(Person.nucleic_acid.set(test) if test else Person.nucleic_acid.remove())
    if status_changed:
        actions += [Person.color.set(status.color), Person.reasons.set(status.reasons),
                    Person.status_updated_at.set(clock.iso(now))]
    if review_at:
        actions += [Person.next_review_at.set(review_at), Person.review_shard.set(REVIEW_SHARD)]
    else:
        actions += [Person.next_review_at.remove(), Person.review_shard.remove()]
    if not status_changed:
        person.update(actions=actions)
        return False
    history = StatusChange(subject=person.person_id, at=f"{clock.iso(now)}#STATUS#v{int(person.version or 0) + 1}",
                           purpose=cause, color=status.color, previous_color=person.color,
                           reasons=status.reasons, previous_reasons=list(person.reasons or []))
    with TransactWrite(connection=_connection()) as tx:
        tx.update(person, actions=actions)
        tx.save(history, condition=StatusChange.subject.does_not_exist())
    return True


def recompute_person(person_id: str, now: datetime | None = None, person: Person | None = None,
                     cause: str = "stream") -> Outcome:
    """Evaluate all facts of the person and store the result if it differs; retried on a version conflict."""
    now = now or clock.now()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        if person is None:
            try:
                person = Person.get(person_id, consistent_read=True)
            except DoesNotExist:
                logger.warning("facts of an unknown person", extra={"person_id": person_id})
                return Outcome(person_id, False, None, attempt)
        facts = facts_of(person_id)
        status, test = evaluate(facts, now), latest_test(facts)
        review_at = clock.iso(status.next_review_at) if status.next_review_at else None
        unchanged = (status.color == person.color and status.reasons == (person.reasons or [])
                     and review_at == person.next_review_at and (review_at is None) == (person.review_shard is None)
                     and test == person.nucleic_acid)
        if unchanged:
            return Outcome(person_id, False, status.color, attempt)
        try:
            changed = _write(person, status, test, now, cause)
        except (TransactWriteError, UpdateError) as exc:
            if not _conflict(exc):
                raise
            person = None  # somebody wrote the person meanwhile: read it again, with the facts
            continue
        if changed:
            logger.info("status changed", extra={"person_id": person_id, "color": status.color, "cause": cause,
                                                 "reasons": [r["code"] for r in status.reasons]})
        return Outcome(person_id, changed, status.color, attempt)
    raise RuntimeError(f"status of {person_id} kept changing underneath; giving up for this delivery")


def load_people(person_ids: Iterable[str]) -> dict[str, Person]:
    """Every person of a batch in one BatchGetItem per 100 (consistent: their versions must be current)."""
    ids = sorted(set(person_ids))
    return {person.person_id: person for person in Person.batch_get(ids, consistent_read=True)} if ids else {}


class StreamBatch:
    """One status_stream delivery: each touched person recomputed once, whatever number of their facts arrived.

    The first record of a person recomputes from all the person's facts (the table already holds every fact
    the stream is still delivering), so later records of the same person have nothing left to do; if that
    recompute failed, they fail too, and Lambda delivers them again from the first failed one.
    """

    def __init__(self, records: list[dict[str, Any]], now: Callable[[], datetime] = clock.now) -> None:
        ids = [r.get("dynamodb", {}).get("Keys", {}).get("person_id", {}).get("S") for r in records]
        self.people = load_people(i for i in ids if i)
        self.now = now
        self.outcomes: dict[str, Outcome | Exception] = {}

    def handle(self, record: Any) -> Outcome | None:
        person_id = record.dynamodb.keys["person_id"]
        known = self.outcomes.get(person_id)
        if isinstance(known, Exception):
            raise RuntimeError(f"recompute of {person_id} failed earlier in this batch") from known
        if known is not None:
            return None
        try:
            outcome = recompute_person(person_id, self.now(), self.people.get(person_id), cause="stream")
        except Exception as exc:
            self.outcomes[person_id] = exc
            raise
        self.outcomes[person_id] = outcome
        metrics.add_metric(name="ColourRecomputed", unit=MetricUnit.Count, value=1)
        if outcome.changed:
            metrics.add_metric(name="ColourChanged", unit=MetricUnit.Count, value=1)
        return outcome


def review_due(now: datetime | None = None, time_left: Callable[[], float] = lambda: 60.0,
               page: int = 100) -> dict[str, int]:
    """Re-evaluate everyone whose next_review_at has passed: a Query on the sparse GSI, never a scan.

    Works in pages while time is left; whoever is not reached stays due and is picked up by the next run.
    """
    now = now or clock.now()
    counts = {"due": 0, "changed": 0, "failed": 0}
    due = Person.by_next_review.query(REVIEW_SHARD, Person.next_review_at <= clock.iso(now))
    batch: list[str] = []

    def run(ids: list[str]) -> None:
        people = load_people(ids)
        for person_id in ids:
            try:
                outcome = recompute_person(person_id, now, people.get(person_id), cause="review")
                counts["changed"] += int(outcome.changed)
            except Exception:  # noqa: BLE001 - one person's failure must not stop the others; retried next run
                logger.exception("review failed", extra={"person_id": person_id})
                counts["failed"] += 1

    for key in due:
        counts["due"] += 1
        batch.append(key.person_id)
        if len(batch) >= page:
            run(batch)
            batch = []
            if time_left() < 5.0:
                break
    if batch:
        run(batch)
    logger.info("status review done", extra=counts)
    metrics.add_metric(name="StatusReviewsDue", unit=MetricUnit.Count, value=counts["due"])
    metrics.add_metric(name="ColourChanged", unit=MetricUnit.Count, value=counts["changed"])
    metrics.add_metric(name="StatusReviewsFailed", unit=MetricUnit.Count, value=counts["failed"])
    return counts
