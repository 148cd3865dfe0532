"""Dissolving a grid (网格管理员解绑, guide 四(三)(1)5: 历史产生网格数据将清空且不可恢复): everything of the grid is
deleted for good, in bounded batches, resumable.

DELETE /v1/grids/{id}?confirm=<the grid's name>: a wrong name is 400 CONFIRMATION_MISMATCH and nothing is touched.
Then, first, one transaction marks the grid and its roster DISSOLVING and takes it off the approval index: from
that moment no worker binds or collects (their transactions check the grid's status) and no stream writes its
statistics or key persons (theirs check the roster's), and every read answers 404. Then the purge runs in steps,
each a series of batches of at most 25 deletes (one BatchWriteItem each):
1. `relations`: whatever points at the grid in the relations' inverse index - workers' bindings and current-grid
   pointers, unbinding markers, the people's GRID_SEEN markers;
2. `collections`: the checks table's day partitions `<grid>#<date>`, every day from the grid's creation to today;
3. `stats`: the grid's people sets, then its stats partition (days, totals, key persons), the roster last;
4. `markers`: the admin-change offer, the one-admin and join-code markers; the grid item itself goes last, with
   the roster, in one transaction.
Progress (`details.purge` on the grid: step and day) is saved at each step and every day, so an interrupted purge
(a timeout, a crash) resumes where it was when DELETE is called again; redoing a batch is harmless (deletes are
idempotent). A call works for at most `budget_seconds` and answers 202 while work is left, 200 when done.
A purge never waits for its admin to come back: the first transaction also writes the grid's line in the
`grids-dissolving` partition of the relations table (outside the grid's inverse index, so step 1 leaves it), and
the scheduled function grid_purge (`resume_dissolving`) lists that partition in one Query and carries every purge
on until the last transaction deletes the line with the grid.
Audit entries are not grid data (who read whose data stays on record) and idempotency records expire by TTL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from aws_lambda_powertools import Logger
from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError

from healthcode.core import clock
from healthcode.core.batch import delete_many
from healthcode.core.errors import ConfirmationMismatch
from healthcode.core.tx import Cancelled, Tx
from healthcode.models import AuthItem, Check, Place, Relation
from healthcode.places.admin import admin_marker, join_code_marker, place_admin_marker
from healthcode.places.grids import DISSOLVING, GRID, roster
from healthcode.places.grids.grids import grid_of_admin, no_such_grid, status_line
from healthcode.places.grids.stats import people_scope

logger = Logger(child=True)

BATCH = 25
DISSOLVING_PARTITION = "grids-dissolving"  # relations: one line a grid being dissolved, for the scheduled resume
STEPS = ("relations", "collections", "stats", "markers")
BUDGET_SECONDS = 6.0  # the function times out at 10 s (Globals): a call stops taking new batches after 6


def _delete_batch(items: list[Any]) -> None:
    """One BatchWriteItem of up to 25 deletes (the seam sends unprocessed ones again with a short backoff)."""
    delete_many(*items)


class _Elsewhere(Exception):
    """Another purge of the same grid saved its progress (or finished) since this one read the grid."""


class Purge:
    """One call's share of the purge: batches until done or out of time."""

    def __init__(self, place: Place, budget_seconds: float) -> None:
        self.place, self.deadline = place, time.monotonic() + budget_seconds
        self.deleted: dict[str, int] = {}
        self.progress: dict[str, Any] = dict((place.details or {}).get("purge") or {"step": STEPS[0]})

    def _time_left(self) -> bool:
        return time.monotonic() < self.deadline

    def _save(self, **progress: Any) -> None:
        """The progress on the grid, under its version: another purge of the same grid that saved (or finished)
        meanwhile - the admin's page and the schedule at once - makes this one stop (_Elsewhere), not fail."""
        self.progress = {k: v for k, v in (self.progress | progress).items() if v is not None}
        details = dict(self.place.details or {}) | {"purge": self.progress}
        try:
            self.place.update(actions=[Place.details.set(details)])
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise _Elsewhere from None
            raise

    def _count(self, what: str, n: int) -> None:
        self.deleted[what] = self.deleted.get(what, 0) + n

    def _query_delete(self, query: Callable[[dict[str, Any] | None], Any], what: str,
                      keep: Callable[[Any], bool] | None = None) -> bool:
        """Query page after page (25 keys a page: `query(start)` is one PynamoDB Query of at most 25 items from
        `start`) and delete what it returns; True when nothing is left."""
        start = None
        while True:  # at least one batch per call, so every call moves the purge on
            page = query(start)
            items = [item for item in page if keep is None or keep(item)]
            if items:
                _delete_batch(items)
                self._count(what, len(items))
            start = page.last_evaluated_key
            if not start:
                return True
            if not self._time_left():
                return False

    def relations(self) -> bool:
        return self._query_delete(lambda start: Relation.inverse.query(
            self.place.place_id, limit=BATCH, last_evaluated_key=start), "relations")

    def collections(self) -> bool:
        first = clock.local_date(clock.parse(self.place.created_at))
        today = clock.local_date(clock.now())
        day = date.fromisoformat(self.progress.get("day") or first.isoformat())
        while day <= today:
            partition = f"{self.place.place_id}#{day.isoformat()}"
            done = self._query_delete(lambda start, partition=partition: Check.query(
                partition, limit=BATCH, last_evaluated_key=start, attributes_to_get=["place_date", "sk"]),
                "collections")
            if not done:
                return False
            day += timedelta(days=1)
            self._save(day=day.isoformat())
            if not self._time_left():
                return day > today
        return True

    def stats(self) -> bool:
        def partition(scope: str) -> Callable[[dict[str, Any] | None], Any]:
            return lambda start: roster.GridRoster.query(scope, limit=BATCH, last_evaluated_key=start,
                                                         attributes_to_get=["scope", "bucket"])

        if not self._query_delete(partition(people_scope(self.place.place_id)), "stats"):
            return False
        return self._query_delete(partition(roster.scope(self.place.place_id)), "stats",
                                  keep=lambda item: item.bucket != roster.BUCKET)

    def markers(self) -> bool:
        place = self.place
        try:
            pending = AuthItem.get(f"grid-transfer-pending#{place.place_id}", consistent_read=True)
            AuthItem(key=pending.value).delete()
            pending.delete()
        except DoesNotExist:
            pass
        for key, condition in ((admin_marker(GRID, place.admin_id or ""), AuthItem.value == place.place_id),
                               (place_admin_marker(place.place_id), None),
                               (join_code_marker(place.join_code), AuthItem.value == place.place_id)):
            try:
                AuthItem(key=key).delete(condition=condition)
            except DeleteError as error:
                if error.cause_response_code != "ConditionalCheckFailedException":
                    raise
        try:
            (Tx().delete("roster", roster.item(place.place_id))
                 .delete("line", dissolving_line(place))
                 .delete("place", place, Place.status == DISSOLVING)
                 .commit())
        except Cancelled as cancelled:
            if not cancelled.failed("place"):
                raise
        return True

    def run(self) -> bool:
        """True when the grid is gone; False when time ran out or another purge of it is going on (call again)."""
        try:
            return self._steps()
        except _Elsewhere:
            logger.info("grid purge going on elsewhere", extra={"place_id": self.place.place_id})
            return False

    def _steps(self) -> bool:
        step = self.progress.get("step", STEPS[0])
        for name in STEPS[STEPS.index(step):]:
            if name != step:
                self._save(step=name)
                step = name
            if not getattr(self, name)():
                logger.info("grid purge paused", extra={"place_id": self.place.place_id, "step": name})
                return False
            if not self._time_left() and name != STEPS[-1]:
                self._save(step=STEPS[STEPS.index(name) + 1])
                return False
        return True


def dissolving_line(place: Place) -> Relation:
    """The grid's line while it is dissolved: `grids-dissolving` / its id, pointing at the partition itself (the
    purge's first step deletes what points at the grid; this line goes with the grid, in the last transaction)."""
    return Relation(owner=DISSOLVING_PARTITION, sk=place.place_id, target=DISSOLVING_PARTITION,
                    inverse_sk=place.place_id, kind="GRID_DISSOLVING", created_at=clock.iso(clock.now()))


def _begin(place: Place) -> Place:
    """One transaction: the grid and its roster DISSOLVING, its line in the approval index gone, its line in the
    dissolving partition written (what the scheduled resume lists)."""
    tx = (Tx()
          .delete("line", status_line(place, place.status))
          .put("dissolving", dissolving_line(place))
          .update("place", place, [Place.status.set(DISSOLVING),
                                   Place.details.set(dict(place.details or {}) | {"purge": {"step": STEPS[0]}})],
                  Place.status == place.status)
          .update("roster", roster.item(place.place_id), [roster.GridRoster.status.set(DISSOLVING)]))
    try:
        tx.commit()
    except Cancelled:
        raise no_such_grid() from None
    return Place.get(place.place_id, consistent_read=True)


def dissolve(place_id: str, admin_id: str, confirm: str | None, budget_seconds: float | None = None
             ) -> dict[str, Any]:
    """DELETE /v1/grids/{id}?confirm=: 400 without the grid's exact name; then the purge, resumable."""
    place = grid_of_admin(place_id, admin_id, dissolving_ok=True)
    if " ".join((confirm or "").split()) != place.name:
        raise ConfirmationMismatch(field="confirm")
    if place.status != DISSOLVING:
        place = _begin(place)
        logger.info("grid dissolving", extra={"place_id": place_id})
    purge = Purge(place, BUDGET_SECONDS if budget_seconds is None else budget_seconds)
    done = purge.run()
    return {"place_id": place_id, "status": "DISSOLVED" if done else DISSOLVING, "done": done,
            "deleted": purge.deleted, "progress": None if done else purge.progress}


def resume_dissolving(time_left: Callable[[], float], margin_seconds: float = 10.0) -> dict[str, int]:
    """The scheduled grid_purge: every grid being dissolved (one Query of the `grids-dissolving` partition, oldest
    first) is purged on for as long as the run has time (`time_left()` seconds, less a margin for the last batch);
    what is left waits for the next run, or for its admin's DELETE, whichever comes first. A line whose grid is gone
    or no longer dissolving (a purge finished by its admin meanwhile) is deleted."""
    counts = {"grids": 0, "dissolved": 0, "deleted": 0}
    for line in Relation.query(DISSOLVING_PARTITION):
        budget = time_left() - margin_seconds
        if budget <= 0:
            break
        try:
            place = Place.get(line.sk, consistent_read=True)
        except DoesNotExist:
            place = None
        if place is None or place.status != DISSOLVING:
            line.delete()
            continue
        purge = Purge(place, budget)
        done = purge.run()
        counts["grids"] += 1
        counts["dissolved"] += int(done)
        counts["deleted"] += sum(purge.deleted.values())
        logger.info("grid purge resumed", extra={"place_id": place.place_id, "done": done,
                                                 "deleted": sum(purge.deleted.values())})
    return counts
