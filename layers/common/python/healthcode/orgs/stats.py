"""Organization statistics: org_stats_stream folds the declarations table's stream into counters, exactly once.

Items in the stats table (counters as top-level number attributes, created by ADD):
- `org#<place_id>` / `day#<YYYY-MM-DD>`: `declarations`, `declarants` (members who declared that day, each once),
  `fever` (37.3 °C or more, or the fever symptom), `symptomatic` (any symptom), `abnormal` (fever or any symptom),
  `risk` (a yes to a risk question: contact with a case, a risk area, abroad, an unwell household member);
- `org#<place_id>` / `total`: the same counters but `declarants`, over every day;
- `org#<place_id>` / `members`: the member count, kept by the bind and unbind transactions (orgs.members);
- `declarant#<person_id>` / `orgs`: the anchor of one declarant — `hw`, and `o#<place_id>` the last day counted
  in `declarants` for that organization.

Exactly once, with `healthcode.streamstats`, the mechanism of venues' statistics. The declarations table's
partition key is the person, so the stream orders one person's declarations, not one organization's: the anchor
is the declarant's (conditioned on `hw`). The declarants of a batch are packed into as few transactions as
DynamoDB allows (100 items: their anchors, then each organization day and total bucket they touch, once each, the
counts summed), so a batch of 100 declarations to one organization is one or two transactions, not a hundred, and
the organization's buckets are written once per transaction. A cancelled transaction names each anchor whose
condition failed; only those declarants are rebuilt (`streamstats.apply_packed`). Whether a declaration is the
member's first of the day for that organization is decided against the anchor's `o#<place_id>`: assumed on the
first try (and the assumption is part of the condition), known exactly after a failed condition returns the anchor.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger

from ..core import clock
from ..core.aws import client
from ..core.config import get_config
from ..core.errors import ServiceUnavailable
from ..declarations import is_fever
from ..models import Declaration, Place
from ..statsrange import DayRange, query_days
from ..streamstats import apply_packed, counter_update, not_applied_yet, numbers, pad, partial_response, read_batch
from . import ORG, stats_scope
from .admin import check_id, no_such_org, require_admin
from .members import MEMBERS_BUCKET

logger = Logger(child=True)

ANCHOR_BUCKET = "orgs"
PACK_ITEMS = 100  # DynamoDB's limit of items in one transaction
RISK_QUESTIONS = ("contact_with_case", "visited_risk_area", "returned_from_abroad", "household_unwell")
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


def _read_declaration(record: dict[str, Any]) -> Declaration | None:
    """The declaration a stream record inserted, if it names an organization; None for records not counted."""
    if record.get("eventName") != "INSERT":
        return None  # declarations are append-only: no MODIFY or REMOVE should come, and none would count
    image = record["dynamodb"]["NewImage"]
    if "S" not in image.get("place_id", {}):
        return None  # a declaration of no organization (personal, self-check, ...)
    declaration = Declaration.from_raw_data(image)
    place_id, _, day = (declaration.place_date or "").rpartition("#")
    if place_id != declaration.place_id:
        raise ValueError("declaration item with inconsistent place keys")
    date.fromisoformat(day)
    clock.parse(declaration.created_at)
    return declaration


def _anchor_update(person_id: str, records: list[tuple[str, Declaration]], anchor: dict[str, Any] | None,
                   per_day: dict[tuple[str, str], Counter], per_org: dict[str, Counter], now: str) -> dict[str, Any]:
    """The declarant's anchor update; adds what their records count to the buckets' counters."""
    seen = {name[2:]: value["S"] for name, value in (anchor or {}).items() if name.startswith("o#") and "S" in value}
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
    elif "hw" in anchor:  # known: the anchor must still be exactly what was read
        condition = ("#hw = :hw", {"#hw": "hw"}, {":hw": anchor["hw"]})
    else:
        condition = ("attribute_not_exists(#hw)", {"#hw": "hw"}, {})
    return counter_update(get_config().stats_table, declarant_scope(person_id), ANCHOR_BUCKET, Counter(), now, marks,
                          condition)


def transaction_items(packed: list[tuple[str, list[tuple[str, Declaration]], dict[str, Any] | None]],
                      now: str) -> list[dict[str, Any]]:
    """One transaction for several declarants: each one's anchor first (in the order given), then each bucket
    their records touch, once, with the counts summed over them."""
    table = get_config().stats_table
    per_day: dict[tuple[str, str], Counter] = defaultdict(Counter)
    per_org: dict[str, Counter] = defaultdict(Counter)
    items = [_anchor_update(person_id, records, anchor, per_day, per_org, now) for person_id, records, anchor in packed]
    for (place_id, day), counts in sorted(per_day.items()):
        items.append(counter_update(table, stats_scope(place_id), f"day#{day}", counts, now))
    for place_id, counts in sorted(per_org.items()):
        items.append(counter_update(table, stats_scope(place_id), "total", counts, now))
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


def _read_anchor(person_id: str) -> dict[str, Any]:
    return client("dynamodb").get_item(
        TableName=get_config().stats_table, ConsistentRead=True,
        Key={"scope": {"S": declarant_scope(person_id)}, "bucket": {"S": ANCHOR_BUCKET}},
    ).get("Item", {})


def apply_batch(records: list[dict[str, Any]]) -> set[str]:
    """Fold a declarations stream batch into the stats table; returns the sequence numbers that failed.

    A pack that fails fails all its records, and every later record of its declarants (their anchors must never
    pass a record not applied); the other packs are applied.
    """

    def partition_of(record: dict[str, Any]) -> str:
        return (record["dynamodb"].get("Keys", {}).get("person_id", {}) or {}).get("S", "?")

    groups, failed = read_batch(records, partition_of, _read_declaration)
    stopped: set[str] = set()
    for pack in packs(groups):
        for person_id, chunk in pack:
            if person_id in stopped:
                failed.update(sequence for sequence, _ in chunk)
        pack = [(person_id, chunk) for person_id, chunk in pack if person_id not in stopped]
        if not pack:
            continue
        try:
            apply_packed(client("dynamodb"), pack, lambda packed: transaction_items(packed, clock.iso(clock.now())),
                         _read_anchor)
        except Exception:  # noqa: BLE001 - report these records; Lambda re-delivers them
            logger.exception("organization stats update failed", extra={"declarants": len(pack)})
            for person_id, chunk in pack:
                failed.update(sequence for sequence, _ in chunk)
                stopped.add(person_id)
    return failed


def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """org_stats_stream's handler body: failed records are reported (partial batch response) and re-delivered."""
    return partial_response(event, context, apply_batch(event.get("Records") or []))


# ---------------------------------------------------------------- the read side


def org_stats(place_id: str, admin_id: str, day: date, days: DayRange | None = None) -> dict[str, Any]:
    """GET /v1/orgs/{id}/stats: one BatchGetItem (the organization and its three buckets), whatever the numbers;
    with a range (`from`/`to`, the console's dashboard) one Query more, of the range's day buckets (`daily`, every
    day of the range with zeros where nothing was declared, and `range`, their sums), read once the caller is known
    to be the admin.

    `members` is the count now (bindings have no history); for a past `date`, `undeclared_members_today` is
    therefore measured against today's members, and so is each day's `undeclared`.
    """
    cfg = get_config()
    scope = stats_scope(check_id(place_id))
    answer = client("dynamodb").batch_get_item(RequestItems={
        cfg.places_table: {"Keys": [{"place_id": {"S": place_id}}], "ConsistentRead": True},
        cfg.stats_table: {"Keys": [{"scope": {"S": scope}, "bucket": {"S": bucket}}
                                   for bucket in (MEMBERS_BUCKET, "total", f"day#{day.isoformat()}")],
                          "ConsistentRead": True},
    })
    if answer.get("UnprocessedKeys"):
        raise ServiceUnavailable("Storage busy, try again", "系统繁忙，请稍后再试")
    responses = answer.get("Responses", {})
    places = responses.get(cfg.places_table, [])
    place = Place.from_raw_data(places[0]) if places else None
    if place is None or place.kind != ORG:
        raise no_such_org()
    require_admin(place, admin_id)
    buckets = {item["bucket"]["S"]: item for item in responses.get(cfg.stats_table, [])}
    members = numbers(buckets.get(MEMBERS_BUCKET)).get("members", 0)
    today, total = numbers(buckets.get(f"day#{day.isoformat()}")), numbers(buckets.get("total"))
    declared = today.get("declarants", 0)
    updated = [b.get("updated_at", {}).get("S") for name, b in buckets.items() if name != MEMBERS_BUCKET]
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
