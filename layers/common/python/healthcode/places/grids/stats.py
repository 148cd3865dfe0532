"""Grid statistics (guide 四(三)(1)7 查看申报数据, (2)4): the checks stream's collections folded into the stats table,
exactly once, by the stream seam (healthcode.core.streams); read in ONE BatchGetItem.

Items of scope `grid#<place_id>` (next to the roster, healthcode.places.grids.roster):
- `day#<YYYY-MM-DD>` (the anchor of the checks table's partition `<place_id>#<date>`): `collections`, `fever`,
  `red`, `manual`, `people` (distinct people collected that day), `w#<worker>` (the worker's collections);
- `total`: `collections`, `fever`, `red`, `manual`, `w#<worker>`;
- scope `grid-people#<place_id>`, bucket `day#<YYYY-MM-DD>`: `ps`, the string set of the day's people (so `people`
  counts each once; a day of a grid holds some thousands at most, far below the 400 KB item limit), in a partition
  of its own so that the grid's partition, which the key persons' Query reads, stays small;
- `roster#kp#<person_id>`: a key person, when a collection finds the person's code red (created if absent; the
  people stream keeps it current from then on, healthcode.places.grids.keypersons).
One transaction per (grid, day) of a batch: the anchor, `total`, the day's people set when new people came, the key persons
the records touch - each once - and a condition check that the grid's roster is ACTIVE, so nothing is written
for a grid being dissolved. A batch's grids are first read in one BatchGetItem of their rosters; the groups of a
grid no longer ACTIVE are dropped (counted as done: the grid's data is being purged).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from healthcode.core.batch import get_projected
from healthcode.core.config import get_config
from healthcode.core.errors import Forbidden, GridWorkerNotAuthorized
from healthcode.core.streams import (
    Built,
    Records,
    anchor_update,
    counter_update,
    numbers,
    read_bucket,
    read_many_with,
    read_with,
)
from healthcode.core.streams import parse_day as parse_day  # the statistics route's date=
from healthcode.identity.people import masked_names
from healthcode.models import Check, Place
from healthcode.places.checkdays import PlaceDayChecks
from healthcode.places.grids import ACTIVE, COLLECTION, DISSOLVING, GRID, roster
from healthcode.places.grids.grids import PLACE_ID, no_such_grid

DAYS = 14
MAX_KEY_PERSONS_PER_TX = 90  # + anchor, total, people, roster check <= 100 items


def _day_bucket(day: str) -> str:
    return f"day#{day}"


def people_scope(place_id: str) -> str:
    """The day's people sets live in a partition of their own: the grid's partition (read by the key persons' Query)
    stays small."""
    return f"grid-people#{place_id}"


def _people_bucket(day: str) -> str:
    return f"day#{day}"


def _counts(checks: list[Check]) -> Counter:
    counts: Counter = Counter()
    for check in checks:
        counts["collections"] += 1
        counts["fever"] += check.temperature == "FEVER"
        counts["red"] += check.color == "RED"
        counts["manual"] += (check.details or {}).get("entry") == "MANUAL"
        if check.inspector_id:
            counts[f"w#{check.inspector_id}"] += 1
    return counts


def key_person_update(place_id: str, check: Check, now: str) -> dict[str, Any]:
    """A red collection's key-person entry: created if absent (`if_not_exists`), never made older than the people
    stream's entry (which owns `v`, `active` and the status once it wrote them); the last collection is noted."""
    details = check.details or {}
    names = {"#a": "active", "#v": "v", "#c": "color", "#r": "reasons", "#s": "since", "#n": "name_masked",
             "#p": "phone_masked", "#pid": "person_id", "#lc": "last_collected_at", "#lw": "last_collected_by",
             "#u": "updated_at"}
    values: dict[str, Any] = {":one": {"S": "1"}, ":zero": {"N": "0"}, ":red": {"S": "RED"},
                              ":r": {"S": ",".join(details.get("reasons") or [])}, ":s": {"S": check.checked_at},
                              ":n": {"S": details.get("name_masked") or ""},
                              ":p": {"S": details.get("phone_masked") or ""}, ":pid": {"S": check.person_id},
                              ":lc": {"S": check.checked_at}, ":lw": {"S": check.inspector_id or ""},
                              ":u": {"S": now}}
    sets = ["#a = if_not_exists(#a, :one)", "#v = if_not_exists(#v, :zero)", "#c = if_not_exists(#c, :red)",
            "#r = if_not_exists(#r, :r)", "#s = if_not_exists(#s, :s)", "#n = if_not_exists(#n, :n)",
            "#p = if_not_exists(#p, :p)", "#pid = :pid", "#lc = :lc", "#lw = :lw", "#u = :u"]
    if details.get("name_enc"):
        names["#e"] = "name_enc"
        values[":e"] = {"S": details["name_enc"]}
        sets.append("#e = if_not_exists(#e, :e)")
    return {"Update": {"TableName": get_config().stats_table,
                       "Key": {"scope": {"S": roster.scope(place_id)},
                               "bucket": {"S": f"{roster.KEY_PERSON}{check.person_id}"}},
                       "UpdateExpression": "SET " + ", ".join(sets), "ExpressionAttributeNames": names,
                       "ExpressionAttributeValues": values}}


def roster_is_active(place_id: str) -> dict[str, Any]:
    return {"ConditionCheck": {"TableName": get_config().stats_table, "Key": roster.key(place_id),
                               "ConditionExpression": "#st = :active", "ExpressionAttributeNames": {"#st": "status"},
                               "ExpressionAttributeValues": {":active": {"S": ACTIVE}}}}


def _people_seen(place_id: str, day: str) -> set[str]:
    found = read_bucket(people_scope(place_id), _people_bucket(day))
    return set(found.sets.get("ps", ())) if found is not None else set()


def _active_grids(place_ids: set[str]) -> set[str]:
    """Which of these grids' rosters say ACTIVE: one BatchGetItem per 100 grids, of their status only (a roster
    holds every worker's name)."""
    found = get_projected(roster.GridRoster, [(roster.scope(p), roster.BUCKET) for p in sorted(place_ids)],
                          ["status"])
    return {item.scope.split("#", 1)[1] for item in found if item.status == ACTIVE}


class GridCollections(PlaceDayChecks):
    """Grid statistics from the checks stream: one anchor per (grid, day), the stream's partition key."""

    metric = "GridCollectionsCounted"
    kinds = frozenset({COLLECTION})
    scope = "grid"  # as roster.scope

    def packs(self, groups: dict[str, Records]) -> list[list[tuple[str, Records]]]:
        active = _active_grids({partition.rsplit("#", 1)[0] for partition in groups})
        packed: list[list[tuple[str, Records]]] = []
        for partition, records in groups.items():
            if partition.rsplit("#", 1)[0] not in active:
                continue  # dissolving (its data is being purged) or gone: nothing of it is written again
            chunk: Records = []
            reds: set[str] = set()
            for sequence, check in records:
                if check.color == "RED" and check.person_id not in reds:
                    if len(reds) >= MAX_KEY_PERSONS_PER_TX:
                        packed.append([(partition, chunk)])
                        chunk, reds = [], set()
                    reds.add(check.person_id)
                chunk.append((sequence, check))
            if chunk:
                packed.append([(partition, chunk)])
        return packed

    def build(self, packed: list[Built], now: str) -> list[dict[str, Any]]:
        ((partition, records, anchor),) = packed
        place_id, day = partition.rsplit("#", 1)
        checks = [check for _, check in records]
        counts = _counts(checks)
        scope = roster.scope(place_id)
        new_people = {c.person_id for c in checks} - _people_seen(place_id, day)
        counts["people"] = len(new_people)
        items = [anchor_update(scope, _day_bucket(day), records, anchor, now, counts=counts)]
        total = Counter({k: v for k, v in counts.items() if k != "people"})
        items.append(counter_update(scope, "total", total, now))
        if new_people:
            items.append({"Update": {"TableName": get_config().stats_table,
                                     "Key": {"scope": {"S": people_scope(place_id)},
                                             "bucket": {"S": _people_bucket(day)}},
                                     "UpdateExpression": "ADD #ps :ps SET #u = :u",
                                     "ExpressionAttributeNames": {"#ps": "ps", "#u": "updated_at"},
                                     "ExpressionAttributeValues": {":ps": {"SS": sorted(new_people)},
                                                                   ":u": {"S": now}}}})
        latest_red: dict[str, Check] = {}
        for check in checks:
            if check.color == "RED":
                latest_red[check.person_id] = check
        items += [key_person_update(place_id, check, now) for check in latest_red.values()]
        items.append(roster_is_active(place_id))
        return items


GRID_COLLECTIONS = GridCollections()


# ---------------------------------------------------------------- the read side


def may_read(raw_roster: dict[str, Any] | None, admin_id: str | None, person_id: str) -> str:
    """"admin" or "worker" (authorized) for whoever may read the grid's statistics and key persons; 403 otherwise."""
    if admin_id == person_id:
        return "admin"
    listed = roster.workers(raw_roster)
    if person_id in listed:
        if listed[person_id]["authorized"]:
            return "worker"
        raise GridWorkerNotAuthorized(field="id")
    raise Forbidden("Only the grid's admin and its authorized workers", "仅网格管理员和已授权的网格员可查看",
                    field="id")


def grid_stats(place_id: str, person_id: str, day: date) -> dict[str, Any]:
    """GET /v1/grids/{id}/stats: ONE BatchGetItem, whatever the number of collections - the grid, its roster, its
    `total` and its 14 day buckets up to `day`."""
    if not PLACE_ID.match(place_id or ""):
        raise no_such_grid()
    days = [(day - timedelta(days=offset)).isoformat() for offset in range(DAYS - 1, -1, -1)]
    place, buckets = read_with(Place, {"place_id": {"S": place_id}},
                               [(roster.scope(place_id), b) for b in
                                (roster.BUCKET, "total", *(_day_bucket(d) for d in days))])
    if place is None or place.kind != GRID or place.status == DISSOLVING:
        raise no_such_grid()
    raw_roster = roster_attributes(buckets.get(roster.BUCKET))
    may_read(raw_roster, place.admin_id, person_id)
    listed = roster.workers(raw_roster)
    total, today = numbers(buckets.get("total")), numbers(buckets.get(_day_bucket(day.isoformat())))
    counted = {name[2:] for name in total if name.startswith("w#")}
    ids = sorted(counted | set(listed))
    names = {pid: listed[pid]["name_masked"] for pid in listed}
    unnamed = [pid for pid in ids if pid not in names]
    if unnamed:  # workers unbound since: their names from their person items (one more read, rarely)
        names |= masked_names(unnamed)
    workers = sorted(({"person_id": pid, "name_masked": names.get(pid, ""), "bound": pid in listed,
                       "authorized": bool(listed.get(pid, {}).get("authorized")), "is_admin": pid == place.admin_id,
                       "today": today.get(f"w#{pid}", 0), "total": total.get(f"w#{pid}", 0)} for pid in ids),
                     key=lambda row: (-row["today"], -row["total"], row["person_id"]))
    daily = []
    for d in days:
        counts = numbers(buckets.get(_day_bucket(d)))
        daily.append({"date": d, "collections": counts.get("collections", 0), "people": counts.get("people", 0),
                      "fever": counts.get("fever", 0), "red": counts.get("red", 0)})
    updated = [b.strings.get("updated_at") for name, b in buckets.items() if name != roster.BUCKET]
    return {
        "date": day.isoformat(), "place_id": place.place_id, "name": place.name, "status": place.status,
        "workers_bound": len(listed), "workers_authorized": sum(1 for w in listed.values() if w["authorized"]),
        "collections_today": today.get("collections", 0), "collections_total": total.get("collections", 0),
        "people_today": today.get("people", 0), "fever_today": today.get("fever", 0),
        "red_today": today.get("red", 0), "fever_total": total.get("fever", 0), "red_total": total.get("red", 0),
        "manual_today": today.get("manual", 0), "daily": daily, "workers": workers,
        "updated_at": max((u for u in updated if u), default=None),
    }


def roster_attributes(bucket: Any) -> dict[str, Any] | None:
    """A roster Bucket back to the attribute map roster.workers reads (strings only: b#, z#, status, admin)."""
    if bucket is None:
        return None
    return {name: {"S": value} for name, value in bucket.strings.items()}


def my_stats(person_id: str, day: date) -> dict[str, Any]:
    """GET /v1/me/grid-stats: my collections today and in total, per grid I am bound to and in all: one Query of my
    bindings, one BatchGetItem of the grids and their `total` and today's buckets."""
    from healthcode.models import Relation

    bindings = list(Relation.query(person_id, Relation.sk.startswith(f"{GRID}#"), limit=30))
    grids: list[dict[str, Any]] = []
    if bindings:
        ids = [b.target for b in bindings]
        buckets = [(roster.scope(g), b) for g in ids for b in ("total", _day_bucket(day.isoformat()))]
        found_places, found = read_many_with(Place, [(g,) for g in ids], buckets)
        places = {place.place_id: place for place in found_places}
        for g in ids:
            place = places.get(g)
            if place is None or place.status == DISSOLVING:
                continue
            total = numbers(found.get((roster.scope(g), "total")))
            today = numbers(found.get((roster.scope(g), _day_bucket(day.isoformat()))))
            count = f"w#{person_id}"
            grids.append({"place_id": g, "name": place.name, "today": today.get(count, 0),
                          "total": total.get(count, 0)})
    return {"date": day.isoformat(), "today": sum(g["today"] for g in grids),
            "total": sum(g["total"] for g in grids), "grids": grids}
