"""Console benchmarks: the 30-day dashboard (calls, latency with 100 vs 100 000 declarations stored) and the day's
report as XLSX / CSV for 10 000 declarations (time, size, calls, memory).

Run: `.venv/bin/python -m bench.bench_console [dashboard] [report]` (prints the rows; both parts by default); `run()` returns them for `python -m bench`.
Everything runs on the embedded AWS (moto, in process) built from template.yaml; write-up in docs/perf/console.md.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from bench import median_ms, print_rows
from infra.local.embedded import count_aws_calls, embedded_aws, load_all

SMALL, BIG = 100, 100_000
DAYS = 30
REPORT_DAY = 10_000


def _event(name: str, **changes: Any) -> dict[str, Any]:
    from tests.integration.conftest import sample_event

    return sample_event(name, **changes)


def _person(name: str, seq: int) -> str:
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create

    from infra.local.demo import id_number

    first17 = f"4401001985{(seq // 1000) % 12 + 1:02d}{(seq // 40) % 25 + 1:02d}{seq % 1000:03d}"
    return find_or_create(NewPerson(parse_document("ID_CARD", id_number(first17)), name))[0].person_id


def _store(place_id: str, count: int, members: list[str], days: list[str], rng: random.Random,
           same_moment: str | None = None, every_counter: bool = False) -> None:
    """`count` ORG_MEMBER declarations spread over `days`, written to the declarations table as the route writes them,
    and their counts folded into the organization's day, total and members buckets with the stream's own counting
    (healthcode.places.orgs.stats.counts_of) and its ADD updates. `every_counter`: each day's first declaration has
    a fever and its second a symptom, so that even a few declarations a day fill every counter of the day buckets
    (wide items, as a busy organization's are) instead of random 3 % / 5 % rates. The stream itself is not used for 100 000 declarations:
    moto copies the whole stats table for each item of a transaction (docs/perf/orgs.md), hours of feeding for a
    read that never looks at the declarations."""
    from healthcode.core import clock
    from healthcode.core.aws import client
    from healthcode.core.streams import counter_update
    from healthcode.models import Declaration
    from healthcode.places.orgs import stats_scope
    from healthcode.places.orgs.stats import counts_of

    per_day: dict[str, Counter] = defaultdict(Counter)
    declarants: dict[str, set[str]] = defaultdict(set)
    with Declaration.batch_write() as batch:
        for i in range(count):
            day = days[i % len(days)]
            person = members[i % len(members)]
            at = same_moment or f"{day}T08:{(i // 60) % 60:02d}:{i % 60:02d}.000+08:00"
            nth_of_day = i // len(days)
            fever = nth_of_day == 0 if every_counter else rng.random() < 0.03
            symptom = nth_of_day == 1 if every_counter else rng.random() < 0.05
            item = Declaration(person_id=person, sk=f"{at}#{i:010d}", declaration_id=f"{place_id[-6:]}{i:010d}",
                               type="ORG_MEMBER", place_id=place_id, place_date=f"{place_id}#{day}",
                               temperature_c=38.1 if fever else 36.5, symptoms=["cough"] if symptom else [],
                               answers={"contact_with_case": False, "current_city": "广州市",
                                        "remarks": "=SUM(A1)" if i % 97 == 0 else "无"},
                               declared_by=person, created_at=at)
            batch.save(item)
            per_day[day].update(counts_of(item))
            declarants[day].add(person)
    dynamodb, now = client("dynamodb"), clock.iso(clock.now())
    scope = stats_scope(place_id)
    total: Counter = Counter()
    for day, counts in per_day.items():
        total.update(counts)
        dynamodb.update_item(**counter_update(scope, f"day#{day}", counts + Counter(
            declarants=len(declarants[day])), now)["Update"])
    dynamodb.update_item(**counter_update(scope, "total", total, now)["Update"])
    dynamodb.update_item(**counter_update(scope, "members", Counter(members=len(members)), now)["Update"])


def _dashboard(function: Any, place_id: str, admin: str, first: str, last: str) -> dict[str, Any]:
    return function.invoke(_event("orgs-stats-range.json", person_id=admin, query={"from": first, "to": last},
                                  path=(f"/v1/orgs/{place_id}/stats", "/v1/orgs/{id}/stats", {"id": place_id})))


def _latency(function: Any, place_id: str, admin: str, first: str, last: str, reads: int) -> float:
    answers = []
    ms, _ = median_ms(lambda: answers.append(_dashboard(function, place_id, admin, first, last)), reads)
    assert all(answer["statusCode"] == 200 for answer in answers), answers
    return ms


def _dashboard_rows(orgs: Any, rng: random.Random) -> list[dict[str, Any]]:
    from healthcode.core import clock
    from healthcode.places.orgs import admin as org_admin

    today = clock.local_date(clock.now())
    days = [(today - timedelta(days=back)).isoformat() for back in range(DAYS - 1, -1, -1)]
    small = org_admin.create_org(_person("小单位管理", 1), "一百份", "天河路1号", "COUNTY", "+8613300000001")
    wide = org_admin.create_org(_person("小单位管理乙", 4), "一百份乙", "天河路4号", "COUNTY", "+8613300000004")
    big = org_admin.create_org(_person("大单位管理", 2), "十万份", "天河路2号", "COUNTY", "+8613300000002")
    started = time.perf_counter()
    _store(small.place_id, SMALL, [f"small-member-{i}" for i in range(20)], days, rng)
    _store(wide.place_id, SMALL, [f"wide-member-{i}" for i in range(20)], days, rng, every_counter=True)
    _store(big.place_id, BIG, [f"big-member-{i}" for i in range(2_000)], days, rng)
    stored = time.perf_counter() - started
    print(f"stored {2 * SMALL + BIG} declarations in {stored:.0f} s", file=sys.stderr, flush=True)
    rows = []
    with count_aws_calls() as calls:
        shown = json.loads(_dashboard(orgs, big.place_id, big.admin_id, days[0], days[-1])["body"])
    assert sum(d["declarations"] for d in shown["daily"]) == BIG and len(shown["daily"]) == DAYS
    rows.append({"name": f"{DAYS}-day dashboard: DynamoDB calls", "value": sum(v for k, v in calls.items()
                                                                                if k.startswith("dynamodb.")),
                 "unit": "calls", "target": "1 Query for the series",
                 "note": ", ".join(f"{k} x{v}" for k, v in calls.items())
                 + " (BatchGetItem: the organization, members, total and day buckets; Query: the 30 day buckets)"})
    sides = {"sparse": small, "wide": wide, "big": big}
    for org in sides.values():
        _latency(orgs, org.place_id, org.admin_id, days[0], days[-1], 20)  # warm-up
    runs: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(7):  # interleaved rounds: drift of the machine hits every side alike
        for name, org in sides.items():
            runs[name].append(_latency(orgs, org.place_id, org.admin_id, days[0], days[-1], 60))
    ms = {name: statistics.median(values) for name, values in runs.items()}
    note = "median of 7 interleaved rounds of 60 reads, handler on embedded moto"
    rows += [
        {"name": f"{DAYS}-day dashboard, {SMALL} declarations stored, random 3 % fever / 5 % symptoms (median)",
         "value": round(ms["sparse"], 2), "unit": "ms", "target": "-",
         "note": f"{note}; ~3 a day, so most day buckets hold 2 counters (declarations, declarants)"},
        {"name": f"{DAYS}-day dashboard, {SMALL} declarations stored, every counter filled each day (median)",
         "value": round(ms["wide"], 2), "unit": "ms", "target": "-",
         "note": f"{note}; each day's first declaration has a fever, its second a symptom: day buckets as wide as "
                 "a busy organization's"},
        {"name": f"{DAYS}-day dashboard, {BIG:,} declarations stored (median)", "value": round(ms["big"], 2),
         "unit": "ms", "target": "-", "note": f"{note}; {BIG:,} declarations by 2 000 members over {DAYS} days, "
                                              f"stored in {stored:.0f} s (the three organizations)"},
        {"name": f"{DAYS}-day dashboard latency ratio {BIG:,} / {SMALL} (same bucket width)",
         "value": round(ms["big"] / ms["wide"], 3), "unit": "x", "target": "<= 1.1",
         "note": "same calls, same items, same attributes per item"},
        {"name": f"{DAYS}-day dashboard latency ratio {BIG:,} / {SMALL} (random rates)",
         "value": round(ms["big"] / ms["sparse"], 3), "unit": "x", "target": "-",
         "note": "same calls and items; the 100's buckets lack the zero counters (fever, symptomatic, abnormal), and "
                 "moto's serializer costs per attribute"},
    ]
    return rows


def _synthetic_rows(count: int) -> Any:
    from decimal import Decimal

    for i in range(count):
        yield [i + 1, "2026-12-07T08:00:00.000+08:00", "张*三", "组织机构成员健康申报", Decimal("36.5"), "否", "无",
               "否", "否", "否", "否", "广州市", "'=SUM(A1)", "", "否"]


def _writer_memory(count: int) -> tuple[int, int]:
    """Peak traced memory (bytes) of the XLSX writer alone over `count` rows, and the file's size."""
    from healthcode.places.orgs import reports

    tracemalloc.start()
    body = reports._xlsx(_synthetic_rows(count), datetime(2026, 12, 7).date())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, len(body)


def _report_rows(orgs: Any) -> list[dict[str, Any]]:
    from healthcode.core import clock
    from healthcode.places.orgs import admin as org_admin

    rows = []
    for count in (1_000, REPORT_DAY):
        peak, size = _writer_memory(count)
        rows.append({"name": f"XLSX writer alone, {count:,} rows: peak traced memory", "value": round(peak / 2**20, 2),
                     "unit": "MiB", "target": "bounded", "note": f"file {size / 1000:.0f} kB; openpyxl write-only: "
                                                                  "rows go to a temporary file as written"})
    day = clock.local_date(clock.now()).isoformat()
    template = _person("报表成员", 99)
    for label, count, phone in (("200 members, 50 declarations each", 200, "+8613300000003"),
                                (f"{REPORT_DAY:,} members, one declaration each", REPORT_DAY, "+8613300000005")):
        org = org_admin.create_org(_person(f"报表管理{count}", 3 + count), f"一万份{count}", "天河路3号", "COUNTY", phone)
        members = _clones(template, count, org.place_id)
        _store(org.place_id, REPORT_DAY, members, [day], random.Random(3))
        rows += _report_timings(orgs, org, day, label)
    return rows


def _clones(template_id: str, count: int, prefix: str) -> list[str]:
    """`count` person items copied from a real one under new ids and masked names (the report reads only those)."""
    from healthcode.models import Person

    template = Person.get(template_id)
    ids = [f"{prefix[-6:]}-member-{i:05d}" for i in range(count)]
    with Person.batch_write() as batch:
        for i, person_id in enumerate(ids):
            values = {k: v for k, v in template.attribute_values.items() if k != "version"}
            batch.save(Person(**{**values, "person_id": person_id, "name_masked": f"成*{i % 100}"}))
    return ids


def _report_timings(orgs: Any, org: Any, day: str, label: str) -> list[dict[str, Any]]:
    rows = []
    path = (f"/v1/orgs/{org.place_id}/report", "/v1/orgs/{id}/report", {"id": org.place_id})
    for fmt in ("xlsx", "csv"):
        event = _event("orgs-report.json", person_id=org.admin_id, path=path, query={"date": day, "format": fmt})
        started = time.perf_counter()
        with count_aws_calls() as calls:
            answer = orgs.invoke(event)
        seconds = time.perf_counter() - started
        assert answer["statusCode"] == 200, answer["body"][:300]
        size = len(answer["body"])
        tracemalloc.start()
        orgs.invoke(event)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append({"name": f"{fmt.upper()} report of {REPORT_DAY:,} declarations ({label})",
                     "value": round(seconds, 2), "unit": "s", "target": "< 29 s (API Gateway)",
                     "note": f"answer {size / 1000:.0f} kB ({'base64' if fmt == 'xlsx' else 'text'}); peak traced "
                             f"memory of the whole invocation {peak / 2**20:.1f} MiB (moto in process included); "
                             + ", ".join(f"{k} x{v}" for k, v in calls.items())})
    return rows


def _progress(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    return rows


def run(parts: tuple[str, ...] = ("dashboard", "report")) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with embedded_aws() as aws:
        orgs = load_all(aws)["OrgsFunction"]
        rng = random.Random(12)
        if "dashboard" in parts:
            rows += _progress(_dashboard_rows(orgs, rng))
        if "report" in parts:
            rows += _progress(_report_rows(orgs))
    return rows


if __name__ == "__main__":
    import conftest  # noqa: F401 - the same environment the tests use (table names from template.yaml)

    print_rows(run(tuple(sys.argv[1:]) or ("dashboard", "report")))
