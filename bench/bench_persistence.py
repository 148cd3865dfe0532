"""Persistence benchmarks: where the raw DynamoDB client stays behind the data-access seam (core/batch.py,
core/streams.py) and where PynamoDB does the same work, measured side by side on the same items.

For each request-path read or write that touches several tables, the seam's one call (BatchGetItem / BatchWriteItem
across tables) against what PynamoDB alone does (one call per table: it batches one model at a time), in DynamoDB
calls (exact) and in median milliseconds on the embedded moto (interleaved rounds; absolute milliseconds are the
machine's, a call to DynamoDB in a region costs some milliseconds more each). And the one write converted to
PynamoDB (an organization member's binding + count, one TransactWriteItems either way), raw against PynamoDB.

Run: `.venv/bin/python -m bench.bench_persistence`; `run()` returns the rows for `python -m bench`.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from bench import print_rows
from infra.local.embedded import count_aws_calls, embedded_aws

ROUNDS = 7
PER_ROUND = 60


def _median_ms(candidates: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """Median ms per call of each candidate, the candidates alternating call by call (the order reversed every
    round), so that a store growing under them, or a busy machine, weighs on each alike."""
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    order = list(candidates)
    for round_ in range(ROUNDS):
        for _ in range(PER_ROUND):
            for name in order if round_ % 2 == 0 else order[::-1]:
                started = time.perf_counter()
                candidates[name]()
                samples[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def _calls(act: Callable[[], Any]) -> int:
    with count_aws_calls() as calls:
        act()
    return sum(calls.values())


def _row(name: str, seam: Callable[[], Any], pynamodb: Callable[[], Any], note: str) -> dict[str, Any]:
    seam_calls, model_calls = _calls(seam), _calls(pynamodb)
    times = _median_ms({"seam": seam, "pynamodb": pynamodb})
    return {"name": name, "value": seam_calls, "unit": "calls", "target": f"PynamoDB: {model_calls}",
            "note": f"median {times['seam']:.2f} ms (seam) vs {times['pynamodb']:.2f} ms (PynamoDB), "
                    f"{times['pynamodb'] / times['seam']:.2f}x; {note}"}


def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with embedded_aws():
        from healthcode.core import audit, clock
        from healthcode.core.batch import get_many, put_new
        from healthcode.core.config import get_config
        from healthcode.core.streams import read_with
        from healthcode.models import Check, Person, Place, Relation
        from healthcode.places.orgs import admin as org_admin
        from healthcode.places.orgs import members
        from healthcode.places.venues import VENUE, inspectors, places, roster

        from bench.bench_venues import _person

        admin, inspector, visitor = _person("甲管理", 1980, 401), _person("乙检测", 1990, 403), _person("丙访客", 1995, 405)
        venue = places.create_venue(admin, "440106001", "天河路208号", "SHOPPING_MALL", "小场所", "+8613800138000")
        inspectors.join(inspector, venue.join_code)
        binding_sk = f"{VENUE}#{venue.place_id}"

        # ---- a check's read: the scanned person and the inspector's binding
        def read_seam() -> Any:
            return get_many((Person, [(visitor,)], False), (Relation, [(inspector, binding_sk)], True))

        def read_models() -> Any:
            return Person.get(visitor), Relation.get(inspector, binding_sk, consistent_read=True)

        rows.append(_row("venue check read: person + binding", read_seam, read_models,
                         "core/batch.get_many, one BatchGetItem across people and relations, vs Model.get per table"))

        # ---- a check's write: the check and its audit entry (new keys, no condition)
        serial = iter(range(10**6))

        def new_items() -> tuple[Check, Any]:
            at = clock.iso(clock.now())
            n = next(serial)
            check = Check(place_date=f"{venue.place_id}#{at[:10]}", sk=f"{at}#{n:010d}", check_id=f"{n:010d}",
                          place_id=venue.place_id, kind="BENCH", person_id=visitor, inspector_id=inspector,
                          temperature="NORMAL", color="GREEN", code_type="R", gender="male", age_group="18-39",
                          checked_at=at)
            return check, audit.entry(visitor, inspector, "VENUE_CHECK", "bench", venue.place_id)

        def write_seam() -> None:
            put_new(*new_items())

        def write_models() -> None:
            for item in new_items():
                item.save()

        rows.append(_row("venue check write: check + audit entry", write_seam, write_models,
                         "core/batch.put_new, one BatchWriteItem across checks and audit, vs Model.save per item "
                         "(Model.batch_write is per model too: 2 calls)"))

        # ---- the statistics read: the venue and its three stats items
        scope = f"venue#{venue.place_id}"
        buckets = [(scope, "total"), (scope, f"day#{clock.local_date(clock.now()).isoformat()}"),
                   (scope, roster.BUCKET)]

        def stats_seam() -> Any:
            return read_with(Place, {"place_id": {"S": venue.place_id}}, buckets)

        def stats_models() -> Any:
            return Place.get(venue.place_id, consistent_read=True), list(roster.VenueRoster.batch_get(
                buckets, consistent_read=True))

        rows.append(_row("venue statistics read: venue + 3 stats items", stats_seam, stats_models,
                         "core/streams.read_with, one BatchGetItem, vs Model.get + Model.batch_get (a model cannot "
                         "declare the counters, named by data: i#<inspector>#checks, g#female, ...)"))

        # ---- converted to PynamoDB: an organization member's binding and the member count, one transaction
        org_admin_id = _person("丁管理", 1982, 407)
        org = org_admin.create_org(org_admin_id, "粤康科技", "天河北路1号", "COUNTY")
        waiting = (f"bench-member-{n:06d}" for n in range(10**6))  # a binding's owner: any id will do here
        from healthcode.core.aws import client
        from healthcode.core.tx import Tx

        def join_models() -> None:  # members.join's transaction, as written now
            binding = Relation.make(next(waiting), "ORG", org.place_id, clock.iso(clock.now()),
                                    data={"name_masked": "x"})
            members._member_count_update(Tx().put("binding", binding, Relation.owner.does_not_exist()),
                                         org.place_id, +1).commit()

        def join_raw() -> None:  # the same transaction as written before the conversion, in DynamoDB JSON
            person_id = next(waiting)
            binding = Relation.make(person_id, "ORG", org.place_id, clock.iso(clock.now()), data={"name_masked": "x"})
            client("dynamodb").transact_write_items(TransactItems=[
                {"Put": {"TableName": get_config().relations_table, "Item": binding.serialize(),
                         "ConditionExpression": "attribute_not_exists(#o)",
                         "ExpressionAttributeNames": {"#o": "owner"}}},
                {"Update": {"TableName": get_config().stats_table,
                            "Key": {"scope": {"S": f"org#{org.place_id}"}, "bucket": {"S": "members"}},
                            "UpdateExpression": "SET #u = :u ADD #c0 :c0",
                            "ExpressionAttributeNames": {"#u": "updated_at", "#c0": "members"},
                            "ExpressionAttributeValues": {":u": {"S": clock.iso(clock.now())}, ":c0": {"N": "1"}}}},
            ])

        with count_aws_calls() as model_calls:
            join_models()
        times = _median_ms({"raw": join_raw, "pynamodb": join_models})
        rows.append({"name": "org member join (converted to PynamoDB)", "value": round(times["pynamodb"], 2),
                     "unit": "ms", "target": f"raw: {times['raw']:.2f} ms",
                     "note": f"{times['pynamodb'] / times['raw']:.2f}x of the raw JSON, the transaction alone; calls: "
                             + ", ".join(f"{k} x{v}" for k, v in sorted(model_calls.items()))})
    return rows


if __name__ == "__main__":
    print_rows(run())
