"""Venue benchmarks: DynamoDB calls per check, statistics read latency at 100 vs 100 000 checks, writes per stream batch.

Run: `.venv/bin/python -m bench.bench_venues` (prints the rows); `run()` returns them for `python -m bench`.
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
from infra.local.embedded import calls_by_table, count_aws_calls, embedded_aws, load_all, stream_insert


def _event(name: str, **changes: Any) -> dict[str, Any]:
    from tests.integration.conftest import sample_event

    return sample_event(name, **changes)


def _person(name: str, year: int, seq: int) -> str:
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create

    from infra.local.demo import id_number

    return find_or_create(NewPerson(parse_document("ID_CARD", id_number(f"440100{year}0315{seq:03d}")), name,
                                    "+8613912345678"))[0].person_id


def _records(place_id: str, count: int, first_sequence: int, inspectors: list[str],
             spacing: int = 9) -> list[dict[str, Any]]:
    """Stream records of `count` checks (as Lambda delivers them) ending now, spread over sexes, ages and hours."""
    from healthcode.core import clock
    from healthcode.models import Check

    start = clock.now() - timedelta(seconds=spacing * count)
    records = []
    for i in range(count):
        moment = start + timedelta(seconds=spacing * i)
        day, at = clock.local_date(moment).isoformat(), clock.iso(moment)
        check = Check(place_date=f"{place_id}#{day}", sk=f"{at}#{i:010d}", check_id=f"{i:010d}", place_id=place_id,
                      kind="VENUE_CHECK", person_id=f"p{i % 997}", inspector_id=inspectors[i % len(inspectors)],
                      temperature="FEVER" if i % 13 == 0 else "NORMAL", color="GREEN", code_type="R",
                      gender=("male", "female")[i % 2], age_group=("0-17", "18-39", "40-59", "60+")[i % 4],
                      checked_at=at,
                      details={"inspector_name_masked": "检*员"})  # as a check carries it (read with the binding)
        image = check.serialize()
        records.append(stream_insert("checks", image, ("place_date", "sk"), first_sequence + i))
    return records


def _read_latency(function: Any, place_id: str, admin: str, reads: int = 300) -> tuple[float, dict[str, Any]]:
    event = _event("venues-stats.json", person_id=admin, query={},
                   path=(f"/v1/venues/{place_id}/stats", "/v1/venues/{id}/stats", {"id": place_id}))
    for _ in range(20):
        function.invoke(event)  # warm-up
    ms, answer = median_ms(lambda: function.invoke(event), reads)
    return ms, json.loads(answer["body"])


def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with embedded_aws() as aws:
        lambdas = load_all(aws)
        from healthcode.places.venues import inspectors, places

        admin, inspector, other = _person("甲管理", 1980, 101), _person("乙检测", 1990, 103), _person("丙检测", 1991, 105)
        venue = places.create_venue(admin, "440106001", "天河路208号", "SHOPPING_MALL", "小场所", "+8613800138000")
        inspectors.join(inspector, venue.join_code)
        visitor = _person("丁访客", 1995, 107)
        from healthcode.codes.tokens import CodeType, get_keyring

        qr = get_keyring().sign(CodeType.RESIDENT, visitor, 1, int(time.time()))
        checks = lambdas["VenueChecksFunction"]

        def scan(key: str) -> dict[str, Any]:
            return checks.invoke(_event("venues-check.json", person_id=inspector, body={"qr": qr, "temperature":
                                                                                          "NORMAL"},
                                        headers={"idempotency-key": key},
                                        path=(f"/v1/venues/{venue.place_id}/checks", "/v1/venues/{id}/checks",
                                              {"id": venue.place_id})))

        scan("warm-up")
        with calls_by_table() as seen:
            assert scan("bench-1")["statusCode"] == 201
        idempotency = sum(n for (op, table), n in seen.items() if "Idempotency" in table)
        own = sum(n for (op, table), n in seen.items() if op.startswith("dynamodb.") and "Idempotency" not in table)
        rows.append({"name": "check: DynamoDB calls beyond the idempotency record", "value": own, "unit": "calls",
                     "target": "<= 2", "note": "; ".join(f"{op} {t}" for (op, t) in seen if "Idempotency" not in t
                                                         and op.startswith("dynamodb."))
                     + f" (audit entry included); idempotency record: {idempotency} calls"})
        with calls_by_table() as seen:
            replay = scan("bench-1")
        rows.append({"name": "check retried with the same Idempotency-Key: DynamoDB calls", "value": sum(seen.values()),
                     "unit": "calls", "target": "first answer, nothing stored",
                     "note": f"status {replay['statusCode']}; " + "; ".join(f"{op} {t}" for (op, t) in seen)})

        # statistics with 100 and with 100 000 checks, fed through stats_stream in batches of 100
        stream = lambdas["StatsStreamFunction"]
        small = places.create_venue(other, "440106002", "体育西路1号", "RESTAURANT", "一百次", "+8613800138001")
        big_admin = _person("戊管理", 1985, 109)
        big = places.create_venue(big_admin, "440106003", "体育东路2号", "HOTEL", "十万次", "+8613800138002")
        crew = [_person(f"检测{n}", 1990, 111 + 2 * i) for i, n in enumerate("一二三四五六七八")]
        for person in crew:  # bound to both venues: the read lists every bound inspector (from the venue's roster)
            inspectors.join(person, small.join_code)
            inspectors.join(person, big.join_code)
        started = time.perf_counter()
        # the 100 checks span all 24 hours too, so both venues' buckets hold the same attributes
        for place, count, first, spacing in ((small, 100, 10**20, 900), (big, 100_000, 2 * 10**20, 9)):
            records = _records(place.place_id, count, first, crew, spacing)
            for begin in range(0, count, 100):
                answer = stream.invoke({"Records": records[begin:begin + 100]})
                assert answer == {"batchItemFailures": []}, answer
        feed_seconds = time.perf_counter() - started
        venues = lambdas["VenuesFunction"]
        with count_aws_calls() as read_calls:
            _read_latency(venues, small.place_id, other, reads=1)
        small_runs, big_runs = [], []
        for _ in range(5):  # interleaved rounds, so drift of the machine hits both alike
            small_ms, small_stats = _read_latency(venues, small.place_id, other, reads=100)
            big_ms, big_stats = _read_latency(venues, big.place_id, big_admin, reads=100)
            small_runs.append(small_ms)
            big_runs.append(big_ms)
        small_ms, big_ms = statistics.median(small_runs), statistics.median(big_runs)
        assert small_stats["checks_total"] == 100 and big_stats["checks_total"] == 100_000, (small_stats, big_stats)
        rows.append({"name": "statistics read: DynamoDB calls", "value": sum(read_calls.values()) // 21,
                     "unit": "calls", "target": "1 read of the stats, whatever the number of checks",
                     "note": ", ".join(f"{k} x{v // 21}" for k, v in read_calls.items())
                     + " (BatchGetItem: the venue + its total and day buckets, inspectors' masked names ride in the"
                       " total; and its roster, the 8 bound inspectors, so those without checks are listed too)"})
        rows.append({"name": "statistics read, 100 checks stored (median)", "value": round(small_ms, 2), "unit": "ms",
                     "target": "-", "note": "median of 5 interleaved rounds of 100 reads, embedded moto"})
        rows.append({"name": "statistics read, 100 000 checks stored (median)", "value": round(big_ms, 2),
                     "unit": "ms", "target": "-", "note": f"fed by stats_stream in {feed_seconds:.0f} s"})
        rows.append({"name": "statistics latency ratio 100 000 / 100", "value": round(big_ms / small_ms, 3),
                     "unit": "x", "target": "<= 1.1", "note": "same calls, same item count"})

        # the legacy fallback's Query alone, and a venue with 200 bound inspectors (the roster item grows with
        # inspectors, not checks)
        from healthcode.places.venues.stats import bound_inspectors

        timings = []
        for _ in range(200):
            started = time.perf_counter()
            bound_inspectors(small.place_id)
            timings.append(time.perf_counter() - started)
        rows.append({"name": "legacy fallback: the bindings Query alone, 8 inspectors (median)",
                     "value": round(statistics.median(timings) * 1000, 2), "unit": "ms", "target": "-",
                     "note": "what a venue created before the roster existed adds to its read"})
        crowd_admin = _person("己管理", 1986, 301)
        crowd = places.create_venue(crowd_admin, "440106004", "体育东路3号", "OFFICE", "二百人", "+8613800138003")
        for i in range(200):
            inspectors.join(_person(f"检测{i}", 1992, 303 + 2 * i), crowd.join_code)
        records = _records(crowd.place_id, 100, 4 * 10**20, crew, 900)
        assert stream.invoke({"Records": records}) == {"batchItemFailures": []}
        crowd_runs = [_read_latency(venues, crowd.place_id, crowd_admin, reads=100)[0] for _ in range(3)]
        small_again = [_read_latency(venues, small.place_id, other, reads=100)[0] for _ in range(3)]
        crowd_ms, small_again_ms = statistics.median(crowd_runs), statistics.median(small_again)
        with count_aws_calls() as crowd_calls:
            _read_latency(venues, crowd.place_id, crowd_admin, reads=1)
        rows.append({"name": "statistics read, 100 checks, 200 bound inspectors (median)", "value": round(crowd_ms, 2),
                     "unit": "ms", "target": "-",
                     "note": f"vs {small_again_ms:.2f} ms with 8 bound inspectors, measured alongside; "
                             + ", ".join(f"{k} x{v // 21}" for k, v in crowd_calls.items())})

        # the same venue as one created before the roster existed (no roster item): the bindings are queried
        from healthcode.core.aws import client
        from healthcode.core.config import get_config

        client("dynamodb").delete_item(TableName=get_config().stats_table, Key={
            "scope": {"S": f"venue#{crowd.place_id}"}, "bucket": {"S": "roster"}})
        with count_aws_calls() as legacy_calls:
            _read_latency(venues, crowd.place_id, crowd_admin, reads=1)
        legacy_ms = statistics.median([_read_latency(venues, crowd.place_id, crowd_admin, reads=100)[0]
                                       for _ in range(3)])
        rows.append({"name": "legacy venue (no roster), 200 bound inspectors: calls", "value":
                     sum(legacy_calls.values()) // 21, "unit": "calls", "target": "-",
                     "note": ", ".join(f"{k} x{v // 21}" for k, v in legacy_calls.items())
                     + f"; median {legacy_ms:.2f} ms (the fallback for venues created before the roster)"})

        # one stream batch of 100 checks: writes per (venue, bucket)
        with calls_by_table() as seen:
            records = _records(venue.place_id, 100, 3 * 10**20, [inspector])
            answer = stream.invoke({"Records": records})
        transactions = sum(n for (op, _), n in seen.items() if op == "dynamodb.TransactWriteItems")
        from healthcode.places.venues.stats import Source, transaction_items

        source = Source(venue.place_id, records[0]["dynamodb"]["Keys"]["place_date"]["S"].split("#")[1])
        from healthcode.models import Check

        source.records = [(r["dynamodb"]["SequenceNumber"], Check.from_raw_data(r["dynamodb"]["NewImage"]))
                          for r in records if r["dynamodb"]["Keys"]["place_date"]["S"].endswith(source.day)]
        keys = [(i["Update"]["Key"]["scope"]["S"], i["Update"]["Key"]["bucket"]["S"])
                for i in transaction_items(source, "now")]
        rows.append({"name": "stream batch of 100 checks: writes per (scope, bucket)",
                     "value": max(Counter(keys).values()), "unit": "writes", "target": "<= 1",
                     "note": f"{transactions} TransactWriteItems for {len(keys)} buckets "
                             f"(venue day + total, inspector day + total); answer {answer}"})
    return rows


if __name__ == "__main__":
    print_rows(run())
