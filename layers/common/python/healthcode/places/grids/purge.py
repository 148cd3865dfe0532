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
Audit entries are not grid data (who read whose data stays on record) and idempotency records expire by TTL.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from aws_lambda_powertools import Logger
from pynamodb.exceptions import DeleteError, DoesNotExist

from healthcode.core import clock
from healthcode.core.aws import client
from healthcode.core.config import get_config
from healthcode.core.errors import ConfirmationMismatch, ServiceUnavailable
from healthcode.core.tx import Cancelled, Tx
from healthcode.models import AuthItem, Place
from healthcode.places.admin import admin_marker, join_code_marker, place_admin_marker
from healthcode.places.grids import DISSOLVING, GRID, roster
from healthcode.places.grids.grids import grid_of_admin, no_such_grid, status_line
from healthcode.places.grids.stats import people_scope

logger = Logger(child=True)

BATCH = 25
STEPS = ("relations", "collections", "stats", "markers")
BUDGET_SECONDS = 6.0  # the function times out at 10 s (Globals): a call stops taking new batches after 6


def _delete_batch(table: str, keys: list[dict[str, Any]]) -> None:
    """One BatchWriteItem of up to 25 deletes; unprocessed ones are sent again with a short backoff."""
    request = {table: [{"DeleteRequest": {"Key": key}} for key in keys]}
    for attempt in range(6):
        answer = client("dynamodb").batch_write_item(RequestItems=request)
        request = answer.get("UnprocessedItems") or {}
        if not request:
            return
        time.sleep(0.05 * 2 ** attempt)
    raise ServiceUnavailable("Storage busy, the dissolving continues on the next call", "系统繁忙，请重试")


class Purge:
    """One call's share of the purge: batches until done or out of time."""

    def __init__(self, place: Place, budget_seconds: float) -> None:
        self.place, self.deadline = place, time.monotonic() + budget_seconds
        self.cfg = get_config()
        self.deleted: dict[str, int] = {}
        self.progress: dict[str, Any] = dict((place.details or {}).get("purge") or {"step": STEPS[0]})

    def _time_left(self) -> bool:
        return time.monotonic() < self.deadline

    def _save(self, **progress: Any) -> None:
        self.progress = {k: v for k, v in (self.progress | progress).items() if v is not None}
        details = dict(self.place.details or {}) | {"purge": self.progress}
        self.place.update(actions=[Place.details.set(details)])

    def _count(self, what: str, n: int) -> None:
        self.deleted[what] = self.deleted.get(what, 0) + n

    def _query_delete(self, table: str, query: dict[str, Any], key_names: tuple[str, ...], what: str,
                      keep: Any = None) -> bool:
        """Query page after page (25 keys a page) and delete what it returns; True when nothing is left."""
        kwargs = {"TableName": table, "Limit": BATCH} | query
        while True:  # at least one batch per call, so every call moves the purge on
            page = client("dynamodb").query(**kwargs)
            keys = [{name: item[name] for name in key_names} for item in page.get("Items", [])
                    if keep is None or keep(item)]
            if keys:
                _delete_batch(table, keys)
                self._count(what, len(keys))
            if not page.get("LastEvaluatedKey"):
                return True
            if not self._time_left():
                return False
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def relations(self) -> bool:
        found = self._query_delete(self.cfg.relations_table, {
            "IndexName": "inverse", "KeyConditionExpression": "#t = :t",
            "ExpressionAttributeNames": {"#t": "target"},
            "ExpressionAttributeValues": {":t": {"S": self.place.place_id}}}, ("owner", "sk"), "relations")
        return found

    def collections(self) -> bool:
        first = clock.local_date(clock.parse(self.place.created_at))
        today = clock.local_date(clock.now())
        day = date.fromisoformat(self.progress.get("day") or first.isoformat())
        while day <= today:
            done = self._query_delete(self.cfg.checks_table, {
                "KeyConditionExpression": "#p = :p", "ProjectionExpression": "#p, #s",
                "ExpressionAttributeNames": {"#p": "place_date", "#s": "sk"},
                "ExpressionAttributeValues": {":p": {"S": f"{self.place.place_id}#{day.isoformat()}"}}},
                ("place_date", "sk"), "collections")
            if not done:
                return False
            day += timedelta(days=1)
            self._save(day=day.isoformat())
            if not self._time_left():
                return day > today
        return True

    def stats(self) -> bool:
        done = self._query_delete(self.cfg.stats_table, {
            "KeyConditionExpression": "#s = :s", "ProjectionExpression": "#s, #b",
            "ExpressionAttributeNames": {"#s": "scope", "#b": "bucket"},
            "ExpressionAttributeValues": {":s": {"S": people_scope(self.place.place_id)}}}, ("scope", "bucket"), "stats")
        if not done:
            return False
        return self._query_delete(self.cfg.stats_table, {
            "KeyConditionExpression": "#s = :s", "ProjectionExpression": "#s, #b",
            "ExpressionAttributeNames": {"#s": "scope", "#b": "bucket"},
            "ExpressionAttributeValues": {":s": {"S": roster.scope(self.place.place_id)}}},
            ("scope", "bucket"), "stats", keep=lambda item: item["bucket"]["S"] != roster.BUCKET)

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
                 .delete("place", place, Place.status == DISSOLVING)
                 .commit())
        except Cancelled as cancelled:
            if not cancelled.failed("place"):
                raise
        return True

    def run(self) -> bool:
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


def _begin(place: Place) -> Place:
    """One transaction: the grid and its roster DISSOLVING, its line in the approval index gone."""
    tx = (Tx()
          .delete("line", status_line(place, place.status))
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
