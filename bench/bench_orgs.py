"""Organization benchmarks: DynamoDB calls per route, statistics read latency at 100 vs 3 000 declarations, the
stream's writes per batch (and per replay), the CSV report of a large day.

Run: `.venv/bin/python -m bench.bench_orgs` (prints the rows); `run()` returns them for `python -m bench`.
Everything runs on the embedded AWS (moto, in process) built from template.yaml.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from bench import median_ms, print_rows
from infra.local.embedded import calls_by_table, embedded_aws, load_all, stream_insert

BIG = 5_000  # declarations of the large organization: moto copies the stats table for every transaction item




def _described(seen: Counter) -> str:
    return "; ".join(f"{op.split('.')[1]} {tables}" + (f" x{n}" if n > 1 else "") for (op, tables), n in seen.items())


def _event(name: str, **changes: Any) -> dict[str, Any]:
    from tests.integration.conftest import sample_event

    return sample_event(name, **changes)


def _person(name: str, seq: int) -> str:
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create

    from infra.local.demo import id_number

    return find_or_create(NewPerson(parse_document("ID_CARD", id_number(f"44010019850315{seq:03d}")), name,
                                    "+8613912345678"))[0].person_id


def _records(place_id: str, count: int, members: int, first_sequence: int) -> list[dict[str, Any]]:
    """Stream records of `count` declarations by `members` members (as Lambda delivers them), ending now."""
    from healthcode.core import clock
    from healthcode.models import Declaration

    start = clock.now() - timedelta(seconds=count)
    records = []
    for i in range(count):
        moment = start + timedelta(seconds=i)
        at, person = clock.iso(moment), f"member-{place_id}-{i % members}"
        item = Declaration(person_id=person, sk=f"{at}#{i:010d}", declaration_id=f"{i:010d}", type="ORG_MEMBER",
                           place_id=place_id, place_date=f"{place_id}#{clock.local_date(moment).isoformat()}",
                           temperature_c=38.0 if i % 17 == 0 else 36.5, symptoms=["cough"] if i % 11 == 0 else [],
                           answers={"contact_with_case": False}, declared_by=person, created_at=at)
        image = item.serialize()
        records.append(stream_insert("declarations", image, ("person_id", "sk"), first_sequence + i))
    return records


def _api(function: Any, method: str, path: str, resource: str, person: str, params: dict[str, str] | None = None,
         body: Any = None, query: dict[str, str] | None = None) -> dict[str, Any]:
    return function.invoke(_event("orgs-mine.json", person_id=person, method=method, path=(path, resource, params),
                                  body=body, query=query or {}))


def _forget_table_copies() -> None:
    """moto keeps every model instance it ever made (a list per class, for its dashboard), including the copy of a
    whole table — every item in it — that it takes for each item of a TransactWriteItems (its rollback): ~100 MB per
    stream batch here. Forgetting them leaves the tables themselves untouched."""
    from moto.core.model_instances import reset_model_data

    reset_model_data()


def _read_latency(function: Any, place_id: str, admin: str, reads: int) -> tuple[float, dict[str, Any]]:
    ms, answer = median_ms(lambda: _api(function, "GET", f"/v1/orgs/{place_id}/stats", "/v1/orgs/{id}/stats", admin,
                                        {"id": place_id}), reads)
    return ms, json.loads(answer["body"])


def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with embedded_aws() as aws:
        lambdas = load_all(aws)
        from healthcode.places.orgs import admin as org_admin

        orgs, stream = lambdas["OrgsFunction"], lambdas["OrgStatsStreamFunction"]
        boss, member = _person("甲管理", 101), _person("乙成员", 103)
        org = org_admin.create_org(boss, "小单位", "天河路1号", "COUNTY")

        # ---- member routes
        _api(orgs, "GET", "/v1/me/orgs", "/v1/me/orgs", member)  # warm-up
        with calls_by_table("yk-") as seen:
            joined = _api(orgs, "POST", "/v1/orgs/join", "/v1/orgs/join", member, body={"join_code": org.join_code})
        rows.append({"name": "bind with the join code: DynamoDB calls", "value": sum(seen.values()), "unit": "calls",
                     "target": "1 counter + key reads + 1 transaction", "note": f"status {joined['statusCode']}; "
                     + _described(seen)})
        with calls_by_table("yk-") as seen:
            _api(orgs, "DELETE", f"/v1/me/orgs/{org.place_id}", "/v1/me/orgs/{id}", member, {"id": org.place_id})
        rows.append({"name": "unbind: DynamoDB calls", "value": sum(seen.values()), "unit": "calls",
                     "target": "1 transaction", "note": _described(seen)})

        # ---- statistics: 100 and BIG declarations, fed through org_stats_stream in batches of 100
        small = org_admin.create_org(_person("丙管理", 105), "一百次", "体育西路1号", "CITY")
        big = org_admin.create_org(_person("丁管理", 107), "一万次", "体育东路2号", "CITY")
        feed: dict[str, float] = {}
        for place, count, members, first in ((small, 100, 20, 10**20), (big, BIG, 500, 2 * 10**20)):
            records = _records(place.place_id, count, members, first)
            started = time.perf_counter()
            for begin in range(0, count, 100):
                answer = stream.invoke({"Records": records[begin:begin + 100]})
                assert answer == {"batchItemFailures": []}, answer
                _forget_table_copies()
            feed[place.place_id] = time.perf_counter() - started
        from infra.local.embedded import count_aws_calls

        with count_aws_calls() as read_calls:
            _read_latency(orgs, small.place_id, small.admin_id, reads=1)
        rows.append({"name": "statistics read: DynamoDB calls", "value": sum(read_calls.values()), "unit": "calls",
                     "target": "1, whatever the number of declarations",
                     "note": ", ".join(f"{k} x{v}" for k, v in read_calls.items())
                     + " (the organization + its members, total and day buckets)"})
        small_runs, big_runs = [], []
        for _ in range(5):  # interleaved rounds, so drift of the machine hits both alike
            small_ms, small_stats = _read_latency(orgs, small.place_id, small.admin_id, reads=100)
            big_ms, big_stats = _read_latency(orgs, big.place_id, big.admin_id, reads=100)
            small_runs.append(small_ms)
            big_runs.append(big_ms)
        assert small_stats["declarations_total"] == 100 and big_stats["declarations_total"] == BIG
        small_ms, big_ms = statistics.median(small_runs), statistics.median(big_runs)
        rows.append({"name": "statistics read, 100 declarations stored (median)", "value": round(small_ms, 2),
                     "unit": "ms", "target": "-", "note": "median of 5 interleaved rounds of 100 reads, embedded moto"})
        rows.append({"name": f"statistics read, {BIG:,} declarations stored (median)", "value": round(big_ms, 2),
                     "unit": "ms", "target": "-",
                     "note": f"fed by org_stats_stream in {feed[big.place_id]:.0f} s ({BIG // 100} batches, 500 members)"})
        rows.append({"name": f"statistics latency ratio {BIG:,} / 100", "value": round(big_ms / small_ms, 3),
                     "unit": "x", "target": "<= 1.1", "note": "same call, same item count"})

        # ---- one stream batch: 100 declarations by 50 members; then the same batch replayed
        third = org_admin.create_org(_person("戊管理", 109), "五十人", "天河北路3号", "COUNTY")
        records = _records(third.place_id, 100, 50, 3 * 10**20)
        from healthcode.core import streams

        from tests.integration.streams_support import recorded_transactions

        with recorded_transactions() as written:
            with calls_by_table("yk-") as seen:
                answer = stream.invoke({"Records": records})
            per_tx = max(max(Counter(tx).values()) for tx in written)
            rows.append({"name": "stream batch of 100 declarations by 50 members: transactions", "value": len(written),
                         "unit": "TransactWriteItems", "target": "declarants packed, <= 100 items each",
                         "note": f"{sum(len(tx) for tx in written)} items in all (50 anchors, the organization's day "
                                 f"and total buckets); writes per (scope, bucket) per transaction: {per_tx}; "
                                 f"answer {answer}"})
            written.clear()
            with calls_by_table("yk-") as seen:
                answer = stream.invoke({"Records": records})
            stored = streams.numbers(streams.read_bucket(f"org#{third.place_id}", "total"))
            rows.append({"name": "the same batch replayed: calls", "value": sum(seen.values()), "unit": "calls",
                         "target": "nothing counted twice",
                         "note": f"{_described(seen)}: cancelled, the cancellation names every anchor with its hw, "
                                 f"nothing is left to apply; total still {stored['declarations']}"})

        # ---- the admin's list page and the CSV report of a 2 000-declaration day
        from healthcode.places.orgs import members as org_members
        from healthcode.residents.declarations import DeclarationType, NewDeclaration, declare

        day_org = org_admin.create_org(_person("己管理", 111), "两千份", "天河南路4号", "TOWNSHIP")
        people = [_person(f"成员{i}", 200 + i) for i in range(200)]
        for person in people:
            org_members.join(person, day_org.join_code)
        for round_ in range(10):
            for person in people:
                declare(person, person, {"resident"}, NewDeclaration(
                    type=DeclarationType.ORG_MEMBER, place_id=day_org.place_id, temperature_c=36.5,
                    answers={"contact_with_case": False, "current_city": "广州市", "remarks": f"第{round_}次"}))
        path = f"/v1/orgs/{day_org.place_id}"
        with calls_by_table("yk-") as seen:
            page = _api(orgs, "GET", f"{path}/declarations", "/v1/orgs/{id}/declarations", day_org.admin_id,
                        {"id": day_org.place_id}, query={"limit": "50"})
        rows.append({"name": "declarations list page of 50: DynamoDB calls", "value": sum(seen.values()),
                     "unit": "calls", "target": "1 Query + names + audit",
                     "note": f"status {page['statusCode']}; " + _described(seen)})
        started = time.perf_counter()
        with calls_by_table("yk-") as seen:
            report = _api(orgs, "GET", f"{path}/report", "/v1/orgs/{id}/report", day_org.admin_id,
                          {"id": day_org.place_id})
        seconds = time.perf_counter() - started
        size = len(report["body"].encode())
        rows.append({"name": "CSV report of 2 000 declarations (200 members)", "value": round(seconds, 2), "unit": "s",
                     "target": "< 29 s (API Gateway)",
                     "note": f"status {report['statusCode']}, {size / 1000:.0f} kB; " + _described(seen)})
    return rows


if __name__ == "__main__":
    import conftest  # noqa: F401 - the same environment the tests use (table names from template.yaml)

    print_rows(run())
