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
import random
import time
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from healthcode.colour.reasons import describe
from healthcode.core import audit, clock, pii
from healthcode.core.api import encode_cursor
from healthcode.core.aws import client
from healthcode.core.batch import put_new
from healthcode.core.config import get_config
from healthcode.core.errors import ValidationFailed
from healthcode.models import Person, Relation
from healthcode.places.grids import DISSOLVING, SEEN, roster
from healthcode.places.grids.grids import PLACE_ID, no_such_grid
from healthcode.places.grids.stats import may_read, roster_is_active

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


def entry_update(place_id: str, image: dict[str, Any], now: str) -> dict[str, Any]:
    """The key-person entry of one grid set to the person's new state, if the entry is older (`v`)."""
    person_id = image["person_id"]["S"]
    version = image.get("version", {}).get("N", "0")
    color = image.get("color", {}).get("S", "GREEN")
    reasons = [r.get("code", "") for r in json.loads(image.get("reasons", {}).get("S", "[]") or "[]")]
    names = {"#a": "active", "#v": "v", "#c": "color", "#r": "reasons", "#s": "since", "#n": "name_masked",
             "#p": "phone_masked", "#e": "name_enc", "#pid": "person_id", "#u": "updated_at"}
    values: dict[str, Any] = {":a": {"S": "1" if color == "RED" else "0"}, ":v": {"N": version},
                              ":c": {"S": color}, ":r": {"S": ",".join(reasons)},
                              ":s": {"S": image.get("status_updated_at", {}).get("S") or now},
                              ":n": {"S": image.get("name_masked", {}).get("S", "")},
                              ":p": {"S": image.get("phone_masked", {}).get("S", "")},
                              ":e": {"S": image.get("name_enc", {}).get("S", "")}, ":pid": {"S": person_id},
                              ":u": {"S": now}}
    return {"Update": {
        "TableName": get_config().stats_table,
        "Key": {"scope": {"S": roster.scope(place_id)}, "bucket": {"S": f"{roster.KEY_PERSON}{person_id}"}},
        "UpdateExpression": "SET #a = :a, #v = :v, #c = :c, #r = :r, #s = :s, #n = :n, #p = :p, #e = :e, "
                            "#pid = :pid, #u = :u",
        "ConditionExpression": "attribute_not_exists(#v) OR #v < :v",
        "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}}


def apply_change(image: dict[str, Any]) -> int:
    """Bring every grid that collected this person up to their new state; returns how many entries moved."""
    person_id = image["person_id"]["S"]
    grids = [marker.target for marker in Relation.query(person_id, Relation.sk.startswith(f"{SEEN}#"))]
    moved = 0
    now = clock.iso(clock.now())
    for place_id in grids:
        for attempt in range(ATTEMPTS):
            try:
                client("dynamodb").transact_write_items(TransactItems=[roster_is_active(place_id),
                                                                       entry_update(place_id, image, now)])
                moved += 1
                break
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                codes = [r.get("Code") for r in error.response.get("CancellationReasons") or []]
                if "ConditionalCheckFailed" in codes:  # the grid is being dissolved, or the entry is newer
                    break
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * 2 ** attempt)  # noqa: S311 - jitter
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


def _view(item: dict[str, Any], full: bool) -> dict[str, Any]:
    reasons = [{"code": code} for code in (item.get("reasons", {}).get("S") or "").split(",") if code]
    shown = {"person_id": item.get("person_id", {}).get("S") or item["bucket"]["S"][len(roster.KEY_PERSON):],
             "name_masked": item.get("name_masked", {}).get("S", ""),
             "phone_masked": item.get("phone_masked", {}).get("S") or None, "color": "RED",
             "reasons": describe(reasons), "since": item.get("since", {}).get("S"),
             "last_collected_at": item.get("last_collected_at", {}).get("S")}
    if full:
        encrypted = item.get("name_enc", {}).get("S")
        shown["name"] = pii.decrypt(encrypted) if encrypted else None
    return shown


def key_persons(place_id: str, person_id: str, limit: int, cursor: dict[str, Any] | None) -> dict[str, Any]:
    """GET /v1/grids/{id}/key-persons: ONE Query of the grid's partition from the roster on (the roster, then the
    entries); later pages read the roster with one more GetItem. The admin sees masked names; an authorized worker
    also the full names, and each person shown to them is an audit entry."""
    if not PLACE_ID.match(place_id or ""):
        raise no_such_grid()
    cfg = get_config()
    scope = roster.scope(place_id)
    kwargs: dict[str, Any] = {
        "TableName": cfg.stats_table, "ConsistentRead": True, "Limit": limit + (0 if cursor else 1),
        "KeyConditionExpression": "#s = :s AND begins_with(#b, :p)",
        "ExpressionAttributeNames": {"#s": "scope", "#b": "bucket"},
        "ExpressionAttributeValues": {":s": {"S": scope}, ":p": {"S": roster.BUCKET}},
    }
    if cursor:
        if set(cursor) != {"scope", "bucket"} or cursor.get("scope") != {"S": scope} or not str(
                (cursor.get("bucket") or {}).get("S", "")).startswith(roster.KEY_PERSON):
            raise ValidationFailed("cursor is not one this API returned", "分页游标无效", field="cursor")
        kwargs["ExclusiveStartKey"] = cursor
    page = client("dynamodb").query(**kwargs)
    items = page.get("Items", [])
    if cursor:
        raw_roster = client("dynamodb").get_item(TableName=cfg.stats_table, Key=roster.key(place_id),
                                                 ConsistentRead=True).get("Item")
    else:
        raw_roster = items[0] if items and items[0]["bucket"]["S"] == roster.BUCKET else None
        items = items[1:] if raw_roster is not None else items
    if raw_roster is None or roster.text(raw_roster, "status") == DISSOLVING:
        raise no_such_grid()
    role = may_read(raw_roster, roster.text(raw_roster, "admin"), person_id)
    active = [item for item in items if item.get("active", {}).get("S") == "1"]
    full = role == "worker"
    if full:
        missing = [i for i in active if not i.get("name_enc", {}).get("S")]
        if missing:  # entries made by a manual-entry collection before the people stream wrote the name
            people = {p.person_id: p for p in Person.batch_get([_view(i, False)["person_id"] for i in missing])}
            for item in missing:
                found = people.get(_view(item, False)["person_id"])
                if found is not None:
                    item["name_enc"] = {"S": found.name_enc}
    shown = [_view(item, full) for item in active]
    if full and shown:
        entries = [audit.entry(row["person_id"], person_id, "GRID_KEY_PERSON_READ",
                               "authorized grid worker reads key persons (重点管控人员)", place_id) for row in shown]
        for start in range(0, len(entries), 25):
            put_new(*entries[start:start + 25])
    last = page.get("LastEvaluatedKey")
    return {"place_id": place_id, "items": shown, "full_names": full, "next_cursor": encode_cursor(last)}
