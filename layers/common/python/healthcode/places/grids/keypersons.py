"""Key persons (重点管控人员, guide 四(三)(2)3): the people collected in a grid whose code is red, with their reasons,
kept current from the people table's stream when a colour changes (a release notice takes them off) - never
computed by scanning - and read in ONE Query.

An entry is the stats item (`grid#<place_id>`, `roster#kp#<person_id>`): `active` "1" while red, "0" once not,
`v` (the person item's version that set it), `color`, `reasons` (codes, comma-separated), `since`,
`name_masked`, `phone_masked`, `name_enc` (the name, encrypted: shown in full to authorized workers only),
`last_collected_at` / `last_collected_by`. It sits right after the roster in the grid's partition, so one Query
with begins_with(bucket, "roster") answers both "may this caller read it" and the list.

Written from two streams, both idempotent (state, not counts, so no anchor is needed):
- the checks stream (healthcode.places.grids.stats): a red collection creates the entry if absent;
- the people stream (here): a person item whose colour or reasons changed is looked up in the grids that
  collected them (their `GRID_SEEN#<grid>` relations: one Query), and each grid's entry is set to the new state,
  conditioned on `v` being older than the person's version (a replayed or late record never rolls an entry back)
  and on the grid's roster being ACTIVE (nothing is written for a grid being dissolved). A person turning green is
  kept as an inactive entry (so an older red record cannot revive them); the list shows active entries only.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger

from healthcode.colour.reasons import describe
from healthcode.core import audit, clock, pii
from healthcode.core.api import encode_cursor
from healthcode.core.batch import put_new
from healthcode.core.errors import ValidationFailed
from healthcode.core.streams import Bucket, query_page, read_bucket
from healthcode.core.tx import Cancelled, Tx, commit_retrying
from healthcode.models import Person, Relation
from healthcode.places.grids import ACTIVE, DISSOLVING, SEEN, roster
from healthcode.places.grids.grids import PLACE_ID, no_such_grid
from healthcode.places.grids.roster import GridRoster, KeyPersonEntry
from healthcode.places.grids.stats import may_read, roster_attributes

logger = Logger(child=True)
ATTEMPTS = 5


# ---------------------------------------------------------------- the people stream


def _state(image: dict[str, Any] | None) -> tuple[str, str]:
    image = image or {}
    reasons = image.get("reasons", {}).get("S", "[]")
    return image.get("color", {}).get("S", "GREEN"), reasons


def changed(record: dict[str, Any]) -> bool:
    """Whether a people stream record changes a colour or its reasons (what key persons follow)."""
    if record.get("eventName") not in ("INSERT", "MODIFY"):
        return False
    dynamodb = record.get("dynamodb") or {}
    return _state(dynamodb.get("OldImage")) != _state(dynamodb.get("NewImage"))


def entry_update(image: dict[str, Any], now: str) -> tuple[list[Any], Any]:
    """The update setting a key-person entry to the person's new state, and its condition: the entry is older (`v`)."""
    entry = KeyPersonEntry
    version = int(image.get("version", {}).get("N", "0"))
    color = image.get("color", {}).get("S", "GREEN")
    reasons = [r.get("code", "") for r in json.loads(image.get("reasons", {}).get("S", "[]") or "[]")]
    actions = [entry.active.set("1" if color == "RED" else "0"), entry.v.set(version), entry.color.set(color),
               entry.reasons.set(",".join(reasons)),
               entry.since.set(image.get("status_updated_at", {}).get("S") or now),
               entry.name_masked.set(image.get("name_masked", {}).get("S", "")),
               entry.phone_masked.set(image.get("phone_masked", {}).get("S", "")),
               entry.name_enc.set(image.get("name_enc", {}).get("S", "")),
               entry.person_id.set(image["person_id"]["S"]), entry.updated_at.set(now)]
    return actions, entry.v.does_not_exist() | (entry.v < version)


def apply_change(image: dict[str, Any]) -> int:
    """Bring every grid that collected this person up to their new state; returns how many entries moved."""
    person_id = image["person_id"]["S"]
    grids = [marker.target for marker in Relation.query(person_id, Relation.sk.startswith(f"{SEEN}#"))]
    moved = 0
    now = clock.iso(clock.now())
    actions, newer = entry_update(image, now)
    for place_id in grids:
        def build(place_id: str = place_id) -> Tx:
            return (Tx()
                    .check("roster", GridRoster, roster.scope(place_id), roster.BUCKET, GridRoster.status == ACTIVE)
                    .update("entry", roster.key_person(place_id, person_id), actions, newer))

        try:
            commit_retrying(build, ATTEMPTS)
            moved += 1
        except Cancelled as cancelled:
            if "ConditionalCheckFailed" not in cancelled.reasons.values():
                raise  # the grid is being dissolved, or the entry is newer: nothing to do; otherwise retried
    return moved


def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The key-person stream function's body: Powertools' BatchProcessor, each record on its own (idempotent)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    def record_handler(record: Any) -> None:
        raw = record.raw_event
        if changed(raw):
            apply_change(raw["dynamodb"]["NewImage"])

    return process_partial_response(event=event, record_handler=record_handler,
                                    processor=BatchProcessor(event_type=EventType.DynamoDBStreams), context=context)


# ---------------------------------------------------------------- the read side


def _view(item: Bucket, full: bool) -> dict[str, Any]:
    text = item.strings
    reasons = [{"code": code} for code in (text.get("reasons") or "").split(",") if code]
    shown = {"person_id": text.get("person_id") or item.bucket[len(roster.KEY_PERSON):],
             "name_masked": text.get("name_masked", ""), "phone_masked": text.get("phone_masked") or None,
             "color": "RED", "reasons": describe(reasons), "since": text.get("since"),
             "last_collected_at": text.get("last_collected_at")}
    if full:
        encrypted = text.get("name_enc")
        shown["name"] = pii.decrypt(encrypted) if encrypted else None
    return shown


def key_persons(place_id: str, person_id: str, limit: int, cursor: dict[str, Any] | None) -> dict[str, Any]:
    """GET /v1/grids/{id}/key-persons: ONE Query of the grid's partition from the roster on (the roster, then the
    entries); later pages read the roster with one more GetItem. The admin sees masked names; an authorized worker
    also the full names, and each person shown to them is an audit entry."""
    if not PLACE_ID.match(place_id or ""):
        raise no_such_grid()
    scope = roster.scope(place_id)
    if cursor:
        if set(cursor) != {"scope", "bucket"} or cursor.get("scope") != {"S": scope} or not str(
                (cursor.get("bucket") or {}).get("S", "")).startswith(roster.KEY_PERSON):
            raise ValidationFailed("cursor is not one this API returned", "分页游标无效", field="cursor")
    items, last = query_page(scope, roster.BUCKET, limit + (0 if cursor else 1), cursor)
    if cursor:
        roster_item = read_bucket(scope, roster.BUCKET)
    else:
        roster_item = items[0] if items and items[0].bucket == roster.BUCKET else None
        items = items[1:] if roster_item is not None else items
    if roster_item is None or roster_item.strings.get("status") == DISSOLVING:
        raise no_such_grid()
    role = may_read(roster_attributes(roster_item), roster_item.strings.get("admin"), person_id)
    active = [item for item in items if item.strings.get("active") == "1"]
    full = role == "worker"
    if full:
        missing = [i for i in active if not i.strings.get("name_enc")]
        if missing:  # entries made by a manual-entry collection before the people stream wrote the name
            people = {p.person_id: p for p in Person.batch_get([_view(i, False)["person_id"] for i in missing])}
            for item in missing:
                found = people.get(_view(item, False)["person_id"])
                if found is not None:
                    item.strings["name_enc"] = found.name_enc
    shown = [_view(item, full) for item in active]
    if full and shown:
        entries = [audit.entry(row["person_id"], person_id, "GRID_KEY_PERSON_READ",
                               "authorized grid worker reads key persons (重点管控人员)", place_id) for row in shown]
        for start in range(0, len(entries), 25):
            put_new(*entries[start:start + 25])
    return {"place_id": place_id, "items": shown, "full_names": full, "next_cursor": encode_cursor(last)}
