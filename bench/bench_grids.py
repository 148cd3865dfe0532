"""Grid benchmarks: DynamoDB calls per collection, statistics and key-person reads at 100 vs 100 000 collections,
writes per stream batch, and dissolving a grid with 10 000 collections (bounded batches, resumable).

Run: `.venv/bin/python -m bench.bench_grids` (prints the rows); `run()` returns them for `python -m bench`.
Everything runs on the embedded AWS (moto, in process) built from template.yaml.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from typing import Any

from bench import print_rows
from bench.bench_venues import _person, calls_by_table
from infra.local.embedded import embedded_aws, load_all


def _event(**changes: Any) -> dict[str, Any]:
    from tests.integration.conftest import sample_event

    return sample_event("grids-mine.json", **changes)


def _call(function: Any, method: str, path: str, resource: str, person: str, body: Any = None,
          params: dict[str, str] | None = None, headers: dict[str, str] | None = None,
          query: dict[str, str] | None = None) -> dict[str, Any]:
    changes: dict[str, Any] = {"person_id": person, "path": (path, resource, params), "method": method, "body": body,
                               "query": query or {}}
    if headers:
        changes["headers"] = headers
    return function.invoke(_event(**changes))


def _grid(function: Any, admin: str, name: str, township: str) -> dict[str, Any]:
    from healthcode.core.caller import Caller
    from healthcode.places.grids import superiors

    created = json.loads(_call(function, "POST", "/v1/grids", "/v1/grids", admin,
                               {"region_code": f"440106{township}", "name": name})["body"])
    superiors.approve(Caller("bench-admin", frozenset({"system_admin"})), created["place_id"])
    return created


def _records(place_id: str, count: int, first_sequence: int, workers: list[str], reds: list[str],
             spacing: int = 1, red_every: int = 500) -> list[dict[str, Any]]:
    """Stream records of `count` collections ending now; `reds` are collected red now and then."""
    from datetime import timedelta

    from healthcode.core import clock
    from healthcode.models import Check

    start = clock.now() - timedelta(seconds=spacing * count)
    records = []
    for i in range(count):
        moment = start + timedelta(seconds=spacing * i)
        day, at = clock.local_date(moment).isoformat(), clock.iso(moment)
        red = i % red_every == 0
        person = reds[(i // red_every) % len(reds)] if red else f"p{i % 4999}"
        details: dict[str, Any] = {"entry": "QR", "answers": {}}
        if red:
            details |= {"reasons": ["POSITIVE_TEST"], "name_masked": "陈*红", "phone_masked": "139****5678"}
        check = Check(place_date=f"{place_id}#{day}", sk=f"{at}#{i:010d}", check_id=f"{i:010d}", place_id=place_id,
                      kind="GRID_COLLECTION", person_id=person, inspector_id=workers[i % len(workers)],
                      temperature="FEVER" if i % 13 == 0 else "NORMAL", color="RED" if red else "GREEN",
                      code_type="R", checked_at=at, details=details)
        image = check.serialize()
        records.append({"eventID": str(i), "eventName": "INSERT", "eventSource": "aws:dynamodb",
                        "eventVersion": "1.1", "awsRegion": "us-east-1",
                        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/checks/stream/bench",
                        "dynamodb": {"Keys": {"place_date": image["place_date"], "sk": image["sk"]},
                                     "NewImage": image, "SequenceNumber": str(first_sequence + i),
                                     "StreamViewType": "NEW_IMAGE", "SizeBytes": 300}})
    return records


def _latency(function: Any, path: str, resource: str, place_id: str, person: str, reads: int = 100) -> float:
    for _ in range(10):
        _call(function, "GET", path, resource, person, params={"id": place_id})
    timings = []
    for _ in range(reads):
        started = time.perf_counter()
        answer = _call(function, "GET", path, resource, person, params={"id": place_id})
        timings.append(time.perf_counter() - started)
    assert answer["statusCode"] == 200, answer
    return statistics.median(timings) * 1000


def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with embedded_aws() as aws:
        lambdas = load_all(aws)
        grids, stream = lambdas["GridsFunction"], lambdas["StatsStreamFunction"]
        from healthcode.codes.tokens import CodeType, get_keyring
        from healthcode.places.grids import workers as grid_workers

        admin, worker = _person("甲管理", 1980, 101), _person("乙网格", 1990, 103)
        grid = _grid(grids, admin, "石牌村第一网格", "001")
        place = grid["place_id"]
        grid_workers.join(worker, grid["join_code"])
        resident = _person("丙居民", 1995, 107)
        qr = get_keyring().sign(CodeType.RESIDENT, resident, 1, int(time.time()))

        def collect(key: str, body: dict[str, Any]) -> dict[str, Any]:
            return _call(grids, "POST", f"/v1/grids/{place}/collections", "/v1/grids/{id}/collections", worker,
                         {"answers": {}} | body, {"id": place}, {"Idempotency-Key": key})

        collect("warm-up", {"qr": qr})
        from healthcode.core.pii import decrypt
        from healthcode.models import Person

        by_hand = {"person": {"name": "丙居民", "id_number": decrypt(Person.get(resident).id_enc)}}
        for label, body, key in (("scanned code", {"qr": qr}, "bench-1"), ("manual entry", by_hand, "bench-2")):
            with calls_by_table() as seen:
                assert collect(key, body)["statusCode"] == 201
            own = [(op, t) for (op, t) in seen if op.startswith("dynamodb.") and "Idempotency" not in t]
            idempotency = sum(n for (op, t), n in seen.items() if "Idempotency" in t)
            rows.append({"name": f"collection ({label}): DynamoDB calls beyond the idempotency record",
                         "value": sum(seen[k] for k in own), "unit": "calls", "target": "<= 3",
                         "note": "; ".join(f"{op} {t}" for op, t in own) + f"; idempotency record: {idempotency}"})

        # statistics and key persons with 100 and with 100 000 collections stored (5 red people in each)
        small_admin, big_admin = _person("丁管理", 1981, 109), _person("戊管理", 1982, 111)
        small, big = _grid(grids, small_admin, "一百次", "002"), _grid(grids, big_admin, "十万次", "003")
        crew = [_person(f"网格{n}", 1991, 113 + 2 * i) for i, n in enumerate("一二三四")]
        for person in crew:
            grid_workers.join(person, small["join_code"])
            grid_workers.join(person, big["join_code"])
        reds = [_person(f"红码{i}", 1970, 201 + 2 * i) for i in range(5)]
        started = time.perf_counter()
        # the same 5 key persons and the same 2 days in both grids: only the number of collections differs
        for target, count, first, spacing, every in ((small, 500, 10**20, 180, 100),
                                                     (big, 100_000, 2 * 10**20, 1, 500)):
            records = _records(target["place_id"], count, first, crew, reds, spacing, every)
            for begin in range(0, count, 100):
                answer = stream.invoke({"Records": records[begin:begin + 100]})
                assert answer == {"batchItemFailures": []}, answer
        feed_seconds = time.perf_counter() - started
        for label, path, resource in (("statistics", "/v1/grids/{}/stats", "/v1/grids/{id}/stats"),
                                      ("key persons", "/v1/grids/{}/key-persons", "/v1/grids/{id}/key-persons")):
            with calls_by_table() as seen:
                _call(grids, "GET", path.format(big["place_id"]), resource, big_admin, params={"id": big["place_id"]})
            small_runs, big_runs = [], []
            for _ in range(5):
                small_runs.append(_latency(grids, path.format(small["place_id"]), resource, small["place_id"],
                                           small_admin))
                big_runs.append(_latency(grids, path.format(big["place_id"]), resource, big["place_id"], big_admin))
            small_ms, big_ms = statistics.median(small_runs), statistics.median(big_runs)
            rows.append({"name": f"{label} read: DynamoDB calls", "value": sum(seen.values()), "unit": "calls",
                         "target": "1", "note": "; ".join(f"{op} {t} x{n}" for (op, t), n in seen.items())})
            rows.append({"name": f"{label} read, 500 / 100 000 collections stored (median ms)",
                         "value": [round(small_ms, 2), round(big_ms, 2)], "unit": "ms", "target": "-",
                         "note": f"5 interleaved rounds of 100 reads; stream fed in {feed_seconds:.0f} s"})
            rows.append({"name": f"{label} latency ratio 100 000 / 500", "value": round(big_ms / small_ms, 3),
                         "unit": "x", "target": "<= 1.1", "note": "same calls, same items read"})
        body = json.loads(_call(grids, "GET", f"/v1/grids/{big['place_id']}/stats", "/v1/grids/{id}/stats",
                                big_admin, params={"id": big["place_id"]})["body"])
        assert body["collections_total"] == 100_000, body["collections_total"]

        # one stream batch of 100 collections: writes per (grid, bucket)
        batch = _records(place, 100, 3 * 10**20, crew, reds)
        with calls_by_table() as seen:
            from botocore.client import BaseClient

            writes: Counter = Counter()
            original = BaseClient._make_api_call

            def counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
                if operation == "TransactWriteItems":
                    for item in params["TransactItems"]:
                        for kind, spec in item.items():
                            if kind != "ConditionCheck":
                                writes[(spec["Key"]["scope"]["S"], spec["Key"]["bucket"]["S"])] += 1
                return original(self, operation, params)

            BaseClient._make_api_call = counting  # type: ignore[method-assign]
            try:
                answer = stream.invoke({"Records": batch})
            finally:
                BaseClient._make_api_call = original  # type: ignore[method-assign]
        rows.append({"name": "stream batch of 100 collections: writes per (grid, bucket)",
                     "value": max(writes.values()), "unit": "writes", "target": "<= 1",
                     "note": f"{len(writes)} buckets in {seen.get(('dynamodb.TransactWriteItems', ''), 0) or 'one'} "
                             f"transaction(s); answer {answer}; "
                             + "; ".join(f"{op} x{n}" for (op, _), n in seen.items())})

        # dissolving a grid with 10 000 collections
        from healthcode.core import clock
        from healthcode.core.batch import put_new
        from healthcode.models import Check
        from healthcode.places.grids import purge

        doomed_admin = _person("己管理", 1983, 121)
        doomed = _grid(grids, doomed_admin, "解散网格", "004")
        day = clock.local_date(clock.now()).isoformat()
        items = [Check(place_date=f"{doomed['place_id']}#{day}", sk=f"{clock.iso(clock.now())}#{i:06d}",
                       check_id=f"{i:06d}", place_id=doomed["place_id"], kind="GRID_COLLECTION", person_id=f"p{i}",
                       inspector_id=crew[0], color="GREEN", code_type="R", checked_at=clock.iso(clock.now()))
                 for i in range(10_000)]
        for begin in range(0, len(items), 25):
            put_new(*items[begin:begin + 25])
        budget = purge.BUDGET_SECONDS
        purge.BUDGET_SECONDS = 2.0  # a small budget per call, to show the purge resumes call after call
        calls, started = [], time.perf_counter()
        with calls_by_table() as seen:
            while True:
                answer = _call(grids, "DELETE", f"/v1/grids/{doomed['place_id']}", "/v1/grids/{id}", doomed_admin,
                               params={"id": doomed["place_id"]}, query={"confirm": "解散网格"})
                calls.append(answer["statusCode"])
                if answer["statusCode"] != 202:
                    break
        purge.BUDGET_SECONDS = budget
        seconds = time.perf_counter() - started
        assert calls[-1] == 200, calls
        batches = sum(n for (op, t), n in seen.items() if op == "dynamodb.BatchWriteItem")
        rows.append({"name": "dissolve a grid with 10 000 collections", "value": round(seconds, 1), "unit": "s",
                     "target": "bounded batches, resumable",
                     "note": f"{len(calls)} DELETE calls of at most 2 s each (202 x{len(calls) - 1}, then 200); "
                             f"{batches} BatchWriteItem of <= 25 deletes; embedded moto"})
    return rows


if __name__ == "__main__":
    print_rows(run())
