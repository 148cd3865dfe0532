"""Organization statistics: org_stats_stream folds the declarations table's stream into counters, exactly once.

Items in the stats table (counters as top-level number attributes, created by ADD):
- `org#<place_id>` / `day#<YYYY-MM-DD>`: `declarations`, `declarants` (members who declared that day, each once),
  `fever` (37.3 °C or more, or the fever symptom), `symptomatic` (any symptom), `abnormal` (fever or any symptom),
  `risk` (a yes to a risk question: contact with a case, a risk area, abroad, an unwell household member);
- `org#<place_id>` / `total`: the same counters but `declarants`, over every day;
- `org#<place_id>` / `members`: the member count, kept by the bind and unbind transactions (orgs.members);
- `declarant#<person_id>` / `orgs`: the anchor of one declarant — `hw`, and `o#<place_id>` the last day counted
  in `declarants` for that organization.

Exactly once, with the stream seam `healthcode.core.streams` (`ORG_DECLARATIONS` is this aggregate on it). The declarations table's
partition key is the person, so the stream orders one person's declarations, not one organization's: the anchor
is the declarant's (conditioned on `hw`). The declarants of a batch are packed into as few transactions as
DynamoDB allows (100 items: their anchors, then each organization day and total bucket they touch, once each, the
counts summed), so a batch of 100 declarations to one organization is one or two transactions, not a hundred, and
the organization's buckets are written once per transaction. A cancelled transaction names each anchor whose
condition failed; only those declarants are rebuilt (`core.streams.apply_packed`). Whether a declaration is the
member's first of the day for that organization is decided against the anchor's `o#<place_id>`: assumed on the
first try (and the assumption is part of the condition), known exactly after a failed condition returns the anchor.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger

from healthcode.core import clock
from healthcode.core.ranges import DayRange, query_days
from healthcode.core.streams import (
    Aggregator,
    Bucket,
    Built,
    Records,
    counter_update,
    not_applied_yet,
    numbers,
    pad,
    read_with,
    unchanged,
)
from healthcode.models import Declaration, Place
from healthcode.models.catalogue import RISK_QUESTIONS
from healthcode.places.orgs import ORG, stats_scope
from healthcode.places.orgs.admin import check_id, no_such_org, require_admin
from healthcode.places.orgs.members import MEMBERS_BUCKET
from healthcode.residents.declarations import is_fever

logger = Logger(child=True)

ANCHOR_BUCKET = "orgs"
PACK_ITEMS = 100  # DynamoDB's limit of items in one transaction
COUNTERS = ("declarations", "fever", "symptomatic", "abnormal", "risk")


def declarant_scope(person_id: str) -> str:
    return f"declarant#{person_id}"


# ---------------------------------------------------------------- the stream side


def counts_of(declaration: Declaration) -> Counter:
    """What one declaration adds to its organization's counters."""
    reading = Decimal(str(declaration.temperature_c)) if declaration.temperature_c is not None else None
    chosen = list(declaration.symptoms or [])
    fever = is_fever(reading, chosen)
    answers = declaration.answers if isinstance(declaration.answers, dict) else {}
    return Counter(declarations=1, fever=int(fever), symptomatic=int(bool(chosen)), abnormal=int(fever or bool(chosen)),
                   risk=int(any(answers.get(question) is True for question in RISK_QUESTIONS)))


def _anchor_update(person_id: str, records: Records, anchor: Bucket | None,
                   per_day: dict[tuple[str, str], Counter], per_org: dict[str, Counter], now: str) -> dict[str, Any]:
    """The declarant's anchor update; adds what their records count to the buckets' counters."""
    seen = {name[2:]: value for name, value in (anchor.strings if anchor else {}).items() if name.startswith("o#")}
    earliest: dict[str, str] = {}
    for _, declaration in records:
        place_id, day = declaration.place_date.rsplit("#", 1)
        counts = counts_of(declaration)
        earliest.setdefault(place_id, day)
        first_of_day = day > seen.get(place_id, "")
        if first_of_day:
            seen[place_id] = day
        per_day[(place_id, day)].update(counts)
        per_day[(place_id, day)]["declarants"] += int(first_of_day)
        per_org[place_id].update(counts)
    marks = {"hw": pad(records[-1][0])} | {f"o#{place_id}": seen[place_id] for place_id in sorted(earliest)}
    if anchor is None:  # assumed: nothing applied yet, and no declaration counted for these days yet
        text, names, values = not_applied_yet(records[0][0])
        parts = [f"({text})"]
        for i, (place_id, day) in enumerate(sorted(earliest.items())):
            names[f"#o{i}"], values[f":o{i}"] = f"o#{place_id}", {"S": day}
            parts.append(f"(attribute_not_exists(#o{i}) OR #o{i} < :o{i})")
        condition = (" AND ".join(parts), names, values)
    else:  # known: the anchor must still be exactly what was read
        condition = unchanged(anchor)
    return counter_update(declarant_scope(person_id), ANCHOR_BUCKET, Counter(), now, marks, condition)


def transaction_items(packed: list[Built], now: str) -> list[dict[str, Any]]:
    """One transaction for several declarants: each one's anchor first (in the order given), then each bucket
    their records touch, once, with the counts summed over them."""
    per_day: dict[tuple[str, str], Counter] = defaultdict(Counter)
    per_org: dict[str, Counter] = defaultdict(Counter)
    items = [_anchor_update(person_id, records, anchor, per_day, per_org, now) for person_id, records, anchor in packed]
    for (place_id, day), counts in sorted(per_day.items()):
        items.append(counter_update(stats_scope(place_id), f"day#{day}", counts, now))
    for place_id, counts in sorted(per_org.items()):
        items.append(counter_update(stats_scope(place_id), "total", counts, now))
    return items


def _buckets(records: list[tuple[str, Declaration]]) -> set[tuple[str, str]]:
    places_days = {tuple(declaration.place_date.rsplit("#", 1)) for _, declaration in records}
    return {(place_id, f"day#{day}") for place_id, day in places_days} | {(p, "total") for p, _ in places_days}


def packs(groups: dict[str, list[tuple[str, Declaration]]]) -> list[list[tuple[str, list[tuple[str, Declaration]]]]]:
    """Declarants packed into transactions of at most PACK_ITEMS items (anchors + distinct buckets), in batch order.

    A declarant with more records than one transaction holds is split into consecutive packs, in stream order.
    """
    result: list[list[tuple[str, list[tuple[str, Declaration]]]]] = []
    current: list[tuple[str, list[tuple[str, Declaration]]]] = []
    buckets: set[tuple[str, str]] = set()
    per_record = max(1, (PACK_ITEMS - 1) // 2)  # one anchor, at most a day and a total bucket per record
    for person_id, records in groups.items():
        for start in range(0, len(records), per_record):
            chunk = records[start:start + per_record]
            wanted = buckets | _buckets(chunk)
            if current and (any(p == person_id for p, _ in current) or len(current) + 1 + len(wanted) > PACK_ITEMS):
                result.append(current)
                current, wanted = [], _buckets(chunk)
            current.append((person_id, chunk))
            buckets = wanted
    if current:
        result.append(current)
    return result


class OrgDeclarations(Aggregator[Declaration]):
    """Organization statistics from the declarations stream: one anchor per declarant (the stream's partition key
    `person_id`), declarants packed together (`packs`)."""

    metric = "OrgDeclarationsCounted"
    partition_key = "person_id"

    def folds(self, record: dict[str, Any]) -> bool:
        # declarations are append-only (no MODIFY or REMOVE should come, and none would count); a declaration of no
        # organization (personal, self-check, ...) is not counted here
        image = (record.get("dynamodb") or {}).get("NewImage") or {}
        return record.get("eventName") == "INSERT" and "S" in image.get("place_id", {})

    def read(self, record: dict[str, Any]) -> Declaration:
        declaration = Declaration.from_raw_data(record["dynamodb"]["NewImage"])
        place_id, _, day = (declaration.place_date or "").rpartition("#")
        if place_id != declaration.place_id:
            raise ValueError("declaration item with inconsistent place keys")
        date.fromisoformat(day)
        clock.parse(declaration.created_at)
        return declaration

    def anchor_key(self, partition: str) -> tuple[str, str]:
        return declarant_scope(partition), ANCHOR_BUCKET

    def packs(self, groups: dict[str, Records]) -> list[list[tuple[str, Records]]]:
        return packs(groups)

    def build(self, packed: list[Built], now: str) -> list[dict[str, Any]]:
        return transaction_items(packed, now)


ORG_DECLARATIONS = OrgDeclarations()


# ---------------------------------------------------------------- the read side


def org_stats(place_id: str, admin_id: str, day: date, days: DayRange | None = None) -> dict[str, Any]:
    """GET /v1/orgs/{id}/stats: one BatchGetItem (the organization and its three buckets), whatever the numbers;
    with a range (`from`/`to`, the console's dashboard) one Query more, of the range's day buckets (`daily`, every
    day of the range with zeros where nothing was declared, and `range`, their sums), read once the caller is known
    to be the admin.

    `members` is the count now (bindings have no history); for a past `date`, `undeclared_members_today` is
    therefore measured against today's members, and so is each day's `undeclared`.
    """
    scope = stats_scope(check_id(place_id))
    place, buckets = read_with(Place, {"place_id": {"S": place_id}},
                               [(scope, bucket) for bucket in (MEMBERS_BUCKET, "total", f"day#{day.isoformat()}")])
    if place is None or place.kind != ORG:
        raise no_such_org()
    require_admin(place, admin_id)
    members = numbers(buckets.get(MEMBERS_BUCKET)).get("members", 0)
    today, total = numbers(buckets.get(f"day#{day.isoformat()}")), numbers(buckets.get("total"))
    declared = today.get("declarants", 0)
    updated = [b.strings.get("updated_at") for name, b in buckets.items() if name != MEMBERS_BUCKET]
    answer = {
        "date": day.isoformat(),
        "place_id": place.place_id,
        "name": place.name,
        "members": members,
        "declared_members_today": declared,
        "undeclared_members_today": max(0, members - declared),
        **{f"{name}_today": today.get(name, 0) for name in COUNTERS},
        **{f"{name}_total": total.get(name, 0) for name in COUNTERS},
        "updated_at": max((u for u in updated if u), default=None),
    }
    if days is not None:
        answer |= _series(scope, days, members)
    return answer


DAY_COUNTERS = ("declarants", *COUNTERS)


def _series(scope: str, days: DayRange, members: int) -> dict[str, Any]:
    """`from`, `to`, `daily[{date, declarants, undeclared, declarations, fever, symptomatic, abnormal, risk}]` and
    `range` (the sums; `declarant_days`: a member who declared on three days counts three times)."""
    found = query_days(scope, days, list(DAY_COUNTERS))
    daily = []
    for each in days.days():
        counts = numbers(found.get(each.isoformat()))
        daily.append({"date": each.isoformat(), **{name: counts.get(name, 0) for name in DAY_COUNTERS},
                      "undeclared": max(0, members - counts.get("declarants", 0))})
    sums = {name: sum(row[name] for row in daily) for name in COUNTERS}
    return {"from": days.start.isoformat(), "to": days.end.isoformat(), "daily": daily,
            "range": {**sums, "declarant_days": sum(row["declarants"] for row in daily)}}
