"""Venue and inspector statistics: stats_stream folds the checks table's stream into the stats table, exactly once.

Items (PK scope, SK bucket), counters as top-level number attributes (ADD creates them, so no item needs to exist
beforehand and one UpdateItem per bucket suffices):
- `venue#<place_id>` / `day#<YYYY-MM-DD>` and `venue#<place_id>` / `total`: `checks`, `fever`, `quick`, `red`,
  `g#<gender>`, `a#<age group>`, `h#<HH>` (hour of day), `i#<inspector>#checks`, `i#<inspector>#fever`; the total
  bucket also keeps `n#<inspector>`, the inspector's masked name as the check carried it (so the admin's read is
  one BatchGetItem, with no lookup of the inspectors);
- `inspector#<person_id>` / `day#<YYYY-MM-DD>#<place_id>` and `inspector#<person_id>` / `total#<place_id>`:
  `checks`, `fever`, `red`.
The same partition holds `venue#<place_id>` / `roster`, the bound inspectors (healthcode.places.venues.roster): written
by the binding transactions, never by this stream, and read with the buckets in the statistics' one BatchGetItem.

Exactly once. All checks of one venue and day share a partition key of the checks table (`<place_id>#<date>`),
and DynamoDB Streams delivers one partition key's records in order (a parent shard before its children), with
growing sequence numbers. Per (venue, day) the batch's records become ONE TransactWriteItems: the venue's day
bucket (the anchor), its total bucket and each inspector's day and total bucket, every one of them touched once.
The anchor keeps `hw`, the highest sequence number applied (zero-padded so it compares as text), and the
transaction is conditioned on `hw < first sequence number of these records`. A replayed batch, or a batch retried
after a half failure (Lambda re-delivers from the first failed record on), fails that condition: the cancellation
returns the anchor's `hw` (ReturnValuesOnConditionCheckFailure), the records at or below it are dropped, and the
rest are applied. Because the transaction is all-or-nothing, the totals move exactly when the anchor does. A record
that cannot be read fails with every later record of its (venue, day), so `hw` never passes a record not applied.
The mechanism itself (grouping, the anchored transaction, replay and conflict handling) is the stream seam,
`healthcode.core.streams`; `VENUE_CHECKS` is this aggregate on it (stats_stream's processor folds with it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aws_lambda_powertools import Logger

from healthcode.core import clock
from healthcode.core.errors import NotFound
from healthcode.core.ranges import DayRange, query_days
from healthcode.core.streams import (
    Bucket,
    Built,
    Records,
    anchor_update,
    counter_update,
    numbers,
    query_buckets,
    read_with,
)
from healthcode.core.streams import parse_day as parse_day  # the statistics routes' date=
from healthcode.identity.device_keys import ID_PREFIX as DEVICE_ID_PREFIX
from healthcode.identity.people import masked_names
from healthcode.models import Check, Place, Relation
from healthcode.places.checkdays import PlaceDayChecks
from healthcode.places.venues import VENUE, roster
from healthcode.places.venues.checks import AGE_GROUPS, QUICK_CHECKIN, VENUE_CHECK
from healthcode.places.venues.places import venue_of_admin

logger = Logger(child=True)

MAX_INSPECTORS_PER_TX = 48  # 2 venue items + 2 per inspector <= 100 items per transaction
GENDERS = ("male", "female", "unknown")


# ---------------------------------------------------------------- the stream side


@dataclass
class Source:
    """The records of one checks-table partition (one venue, one day) in this batch, in stream order."""

    place_id: str
    day: str
    records: list[tuple[str, Check]] = field(default_factory=list)


def _counters(checks: list[Check]) -> tuple[Counter, dict[str, Counter]]:
    venue: Counter = Counter()
    inspectors: dict[str, Counter] = defaultdict(Counter)
    for check in checks:
        fever = check.temperature == "FEVER"
        red = check.color == "RED"
        venue["checks"] += 1
        venue["fever"] += fever
        venue["red"] += red
        venue["quick"] += check.kind == QUICK_CHECKIN
        venue[f"g#{check.gender if check.gender in GENDERS else 'unknown'}"] += 1
        venue[f"a#{check.age_group if check.age_group in AGE_GROUPS else 'unknown'}"] += 1
        venue[f"h#{clock.parse(check.checked_at).hour:02d}"] += 1
        if check.kind == VENUE_CHECK and check.inspector_id:
            venue[f"i#{check.inspector_id}#checks"] += 1
            venue[f"i#{check.inspector_id}#fever"] += fever
            counter = inspectors[check.inspector_id]
            counter["checks"] += 1
            counter["fever"] += fever
            counter["red"] += red
    return venue, inspectors


def _inspector_names(checks: list[Check]) -> dict[str, str]:
    """`n#<inspector>` -> the masked name the inspector's checks carry (the latest one wins)."""
    return {f"n#{check.inspector_id}": check.details["inspector_name_masked"] for check in checks
            if check.kind == VENUE_CHECK and check.inspector_id and isinstance(check.details, dict)
            and isinstance(check.details.get("inspector_name_masked"), str)}


def transaction_items(source: Source, now: str, anchor: Bucket | None = None) -> list[dict[str, Any]]:
    """The one transaction for these records: anchor (the venue's day bucket, conditioned on hw), venue total,
    inspectors' buckets."""
    checks = [check for _, check in source.records]
    venue, inspectors = _counters(checks)
    scope = f"venue#{source.place_id}"
    items = [
        anchor_update(scope, f"day#{source.day}", source.records, anchor, now, counts=venue),
        counter_update(scope, "total", venue, now, _inspector_names(checks)),
    ]
    for inspector_id, counts in sorted(inspectors.items()):
        items.append(counter_update(f"inspector#{inspector_id}", f"day#{source.day}#{source.place_id}", counts, now))
        items.append(counter_update(f"inspector#{inspector_id}", f"total#{source.place_id}", counts, now))
    return items


def _chunks(source: Source) -> list[Source]:
    """Split (rarely) so that no transaction holds more than 100 items; each chunk keeps stream order."""
    chunks, current, seen = [], Source(source.place_id, source.day), set()
    for sequence, check in source.records:
        inspector = check.inspector_id if check.kind == VENUE_CHECK else None
        if inspector and inspector not in seen and len(seen) >= MAX_INSPECTORS_PER_TX:
            chunks.append(current)
            current, seen = Source(source.place_id, source.day), set()
        if inspector:
            seen.add(inspector)
        current.records.append((sequence, check))
    if current.records:
        chunks.append(current)
    return chunks


class VenueChecks(PlaceDayChecks):
    """Venue and inspector statistics from the checks stream: one anchor per (venue, day), the stream's partition
    key `<place_id>#<date>`; a group is one transaction (split only past MAX_INSPECTORS_PER_TX inspectors)."""

    metric = "VenueChecksCounted"
    kinds = frozenset({VENUE_CHECK, QUICK_CHECKIN})
    scope = "venue"

    def packs(self, groups: dict[str, Records]) -> list[list[tuple[str, Records]]]:
        packed = []
        for place_date, records in groups.items():
            place_id, day = place_date.rsplit("#", 1)
            packed += [[(place_date, chunk.records)] for chunk in _chunks(Source(place_id, day, records))]
        return packed

    def build(self, packed: list[Built], now: str) -> list[dict[str, Any]]:
        ((place_date, records, anchor),) = packed
        place_id, day = place_date.rsplit("#", 1)
        return transaction_items(Source(place_id, day, records), now, anchor)


VENUE_CHECKS = VenueChecks()


# ---------------------------------------------------------------- the read side


def _breakdown(counts: dict[str, int]) -> dict[str, Any]:
    return {
        "gender": {g: counts.get(f"g#{g}", 0) for g in GENDERS},
        "age_groups": {a: counts.get(f"a#{a}", 0) for a in AGE_GROUPS},
        "hourly": [counts.get(f"h#{h:02d}", 0) for h in range(24)],
    }


def bound_inspectors(place_id: str) -> dict[str, str]:
    """The venue's inspectors bound now -> their masked names, from the bindings (the relations' inverse index):
    one Query per 1 MB page, i.e. per some thousands of inspectors. The statistics' fallback for venues created
    before the roster (healthcode.places.venues.roster) existed."""
    return {binding.owner: (binding.data or {}).get("name_masked", "")
            for binding in Relation.inverse.query(place_id, Relation.inverse_sk.startswith(f"{VENUE}#"))}


def venue_stats(place_id: str, admin_id: str, day: date, days: DayRange | None = None) -> dict[str, Any]:
    """GET /v1/venues/{id}/stats: ONE BatchGetItem, whatever the number of checks and of inspectors: the venue, its
    two buckets (`total`, `day#<date>`) and its roster (`roster`), so that every bound inspector is listed, with
    zeros when they have checked no one yet (FAQ (三) 5: 检测员当日/累计登记).

    The roster is its own item of the stats table (healthcode.places.venues.roster), not a part of the total bucket: the
    stream's anchored transactions own the buckets, while the roster is written by the binding transactions (join,
    leave, the admin's unbind), each in the same transaction as the binding it creates or deletes. A venue created
    before the roster existed has no complete roster (no `created_at`): for it, and only for it, the bound
    inspectors are read from the bindings themselves, one more call (`bound_inspectors`, a Query of the relations'
    inverse index whose size follows the number of inspectors, never of checks). An inspector who has checks but
    is no longer bound stays listed (`bound: false`): the counts are the venue's history.
    Masked names come from the roster (or binding), else from the total bucket (`n#<inspector>`); only an
    inspector known to neither costs one more BatchGetItem of their person items.

    With a range (`from`/`to`, the console's charts) one Query more, of the range's day buckets, read once the caller
    is known to be the admin: `daily[{date, checks, fever, red, quick_checkins}]` (every day, zeros included) and
    `range` (the same breakdowns as a day's - gender, age groups, hourly - and per inspector, summed over the range).
    """
    scope = f"venue#{place_id}"
    place, buckets = read_with(Place, {"place_id": {"S": place_id}},
                               [(scope, "total"), (scope, f"day#{day.isoformat()}"), (scope, roster.BUCKET)])
    if place is None or place.kind != VENUE:
        raise NotFound("No such venue", "场所不存在", field="id")
    if place.admin_id != admin_id:
        venue_of_admin(place_id, admin_id)  # raises the 403 with its message
    listed = buckets.pop(roster.BUCKET, None)
    bound = roster.inspectors(listed) if roster.complete(listed) else bound_inspectors(place.place_id)
    total_item, today_item = buckets.get("total"), buckets.get(f"day#{day.isoformat()}")
    total, today = numbers(total_item), numbers(today_item)
    counted = {name.split("#")[1] for name in total if name.startswith("i#")}
    inspector_ids = sorted(counted | set(bound))
    carried = total_item.strings if total_item else {}
    names = {pid: carried[f"n#{pid}"] for pid in inspector_ids if f"n#{pid}" in carried}
    names |= {pid: name for pid, name in bound.items() if name}
    unnamed = [pid for pid in inspector_ids if pid not in names]  # checks stored before names rode along
    if unnamed:
        names |= masked_names(unnamed)
    inspectors = [
        {"person_id": pid, "name_masked": names.get(pid, ""), "bound": pid in bound,
         "is_admin": pid == place.admin_id, "today": today.get(f"i#{pid}#checks", 0),
         "total": total.get(f"i#{pid}#checks", 0), "fever_today": today.get(f"i#{pid}#fever", 0),
         "fever_total": total.get(f"i#{pid}#fever", 0)}
        for pid in inspector_ids
    ]
    for row in inspectors:  # a scanner device's row (healthcode.places.devices.scanners): its name in place of a masked one
        if row["person_id"].startswith(DEVICE_ID_PREFIX):
            row["device"] = True
    inspectors.sort(key=lambda row: (-row["today"], -row["total"], row["person_id"]))
    updated = [b.strings.get("updated_at") for b in buckets.values()]
    series = _series(scope, days, names, bound, place.admin_id) if days is not None else {}
    return series | {
        "date": day.isoformat(),
        "place_id": place.place_id,
        "name": place.name,
        "checks_today": today.get("checks", 0),
        "checks_total": total.get("checks", 0),
        "fever_today": today.get("fever", 0),
        "fever_total": total.get("fever", 0),
        "red_today": today.get("red", 0),
        "red_total": total.get("red", 0),
        "quick_checkins_today": today.get("quick", 0),
        "quick_checkins_total": total.get("quick", 0),
        **_breakdown(today),
        "cumulative": _breakdown(total),
        "inspectors": inspectors,
        "updated_at": max((u for u in updated if u), default=None),
    }


def _series(scope: str, days: DayRange, names: dict[str, str], bound: dict[str, str],
            admin_id: str | None) -> dict[str, Any]:
    found = query_days(scope, days)
    daily = []
    summed: Counter = Counter()
    for each in days.days():
        counts = numbers(found.get(each.isoformat()))
        summed.update(counts)
        daily.append({"date": each.isoformat(), "checks": counts.get("checks", 0), "fever": counts.get("fever", 0),
                      "red": counts.get("red", 0), "quick_checkins": counts.get("quick", 0)})
    counted = sorted({name.split("#")[1] for name in summed if name.startswith("i#")})
    unnamed = [pid for pid in counted if pid not in names]
    if unnamed:  # only inspectors who checked in the range and whom neither the roster nor the total names
        names = names | masked_names(unnamed)
    inspectors = [{"person_id": pid, "name_masked": names.get(pid, ""), "bound": pid in bound,
                   "is_admin": pid == admin_id, "checks": summed.get(f"i#{pid}#checks", 0),
                   "fever": summed.get(f"i#{pid}#fever", 0)} | ({"device": True} if pid.startswith(DEVICE_ID_PREFIX)
                                                              else {})
                  for pid in counted]
    inspectors.sort(key=lambda row: (-row["checks"], row["person_id"]))
    return {"from": days.start.isoformat(), "to": days.end.isoformat(), "daily": daily,
            "range": {"checks": summed.get("checks", 0), "fever": summed.get("fever", 0), "red": summed.get("red", 0),
                      "quick_checkins": summed.get("quick", 0), **_breakdown(summed), "inspectors": inspectors}}


def inspector_stats(person_id: str, day: date) -> dict[str, Any]:
    """GET /v1/inspector/stats: today and cumulative per venue and in total (two Queries on the inspector's scope)."""
    scope = f"inspector#{person_id}"
    per_venue: dict[str, dict[str, int]] = defaultdict(lambda: {"today": 0, "total": 0, "fever_today": 0,
                                                                "fever_total": 0})
    for prefix, suffix in ((f"day#{day.isoformat()}#", "today"), ("total#", "total")):
        for item in query_buckets(scope, prefix):
            place_id = item.bucket[len(prefix):]
            per_venue[place_id][suffix] = item.counts.get("checks", 0)
            per_venue[place_id][f"fever_{suffix}"] = item.counts.get("fever", 0)
    names = {p.place_id: p.name for p in Place.batch_get(list(per_venue))} if per_venue else {}
    venues = [{"place_id": pid, "name": names.get(pid, "")} | counts for pid, counts in sorted(per_venue.items())]
    return {
        "date": day.isoformat(),
        "today": sum(v["today"] for v in venues),
        "total": sum(v["total"] for v in venues),
        "fever_today": sum(v["fever_today"] for v in venues),
        "fever_total": sum(v["fever_total"] for v in venues),
        "venues": venues,
    }
