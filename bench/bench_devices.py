"""Scanner devices (issue 14): DynamoDB calls of a device check (the authorizer's device-key read included), and,
when a local stack runs, the device route's throughput through the local gateway beside the inspector route.

Run: `.venv/bin/python -m bench.bench_devices`; with `BENCH_STACK_URL=http://127.0.0.1:<port>` (a `make run` stack)
the HTTP rows are measured too. `run()` returns the rows for `python -m bench`.
"""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid
from typing import Any

from bench.bench_venues import calls_by_table
from infra.local.embedded import embedded_aws, load_all


def _event(name: str, **changes: Any) -> dict[str, Any]:
    from tests.integration.conftest import sample_event

    return sample_event(name, **changes)


def _person(name: str, year: int, seq: int) -> tuple[str, str]:
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create

    from infra.local.demo import id_number

    number = id_number(f"440100{year}0315{seq:03d}")
    return find_or_create(NewPerson(parse_document("ID_CARD", number), name, "+8613912345678"))[0].person_id, number


def _summary(seen: Any) -> tuple[int, int, str]:
    idempotency = sum(n for (op, table), n in seen.items() if "Idempotency" in table)
    own = sum(n for (op, table), n in seen.items() if op.startswith("dynamodb.") and "Idempotency" not in table)
    note = "; ".join(f"{op} {t}" + (f" x{n}" if n > 1 else "") for (op, t), n in seen.items()
                     if "Idempotency" not in t and op.startswith("dynamodb."))
    return own, idempotency, note


def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with embedded_aws() as aws:
        lambdas = load_all(aws)
        from healthcode.codes.tokens import CodeType, get_keyring
        from healthcode.core import clock
        from healthcode.places.devices.scanners import register
        from healthcode.places.venues import places

        admin, _ = _person("甲管理", 1980, 101)
        visitor, number = _person("丁访客", 1975, 107)
        venue = places.create_venue(admin, "440106001", "天河路208号", "SHOPPING_MALL", "小场所", "+8613800138000")
        device = register(venue.place_id, admin, "东门哨兵")
        qr = get_keyring().sign(CodeType.RESIDENT, visitor, 1, int(time.time()))
        authorizer, function = lambdas["AuthorizerFunction"], lambdas["DevicesFunction"]

        measured = clock.iso(clock.now())

        def send(body: dict[str, Any], key: str) -> tuple[dict[str, Any], Any]:
            """The device's request as API Gateway runs it: the authorizer, then the function with its context."""
            request = json.loads(json.dumps(_event("devices-check.json")))
            authorizer_request = {"type": "REQUEST", "path": "/v1/device/checks", "httpMethod": "POST",
                                  "headers": {"x-device-key": device["device_key"]},
                                  "methodArn": "arn:aws:execute-api:us-east-1:123456789012:ykm/live/POST/v1/device/"
                                               "checks"}
            with calls_by_table() as seen:
                policy = authorizer.invoke(authorizer_request)
                request["headers"]["idempotency-key"] = key
                request["body"] = json.dumps(body | {"measured_at": measured}, ensure_ascii=False)
                request["requestContext"]["authorizer"] = policy["context"] | {"principalId": policy["principalId"]}
                answer = function.invoke(request)
            return answer, seen

        send({"qr": qr, "temperature_c": 36.5}, "warm-up")
        for label, body in (("scanned code", {"qr": qr, "temperature_c": 36.5}),
                            ("ID card", {"id_card": {"id_number": number, "name": "丁访客"}, "temperature_c": 36.5})):
            answer, seen = send(body, f"bench-{label.replace(' ', '-')}")
            assert answer["statusCode"] == 201, answer
            own, idempotency, note = _summary(seen)
            assert own <= 3, (label, note)  # issue 14: device key, person, check (an ID card's person by one Query)
            rows.append({"name": f"device check, {label}: DynamoDB calls beyond the idempotency record", "value": own,
                         "unit": "calls", "target": "<= 3 (device key, person, check)",
                         "note": f"{note} (authorizer's device key included; check + audit entry in one "
                                 f"BatchWriteItem); idempotency record: {idempotency} calls"})
        answer, seen = send({"qr": qr, "temperature_c": 36.5}, "bench-scanned-code")
        own, idempotency, note = _summary(seen)
        rows.append({"name": "device check resent with the same Idempotency-Key: DynamoDB calls", "value": own,
                     "unit": "calls", "target": "first answer, nothing stored",
                     "note": f"status {answer['statusCode']}; {note}; idempotency record: {idempotency} calls"})
        from infra.local.demo import id_number

        answer, seen = send({"id_card": {"id_number": id_number("44010419900101999"), "name": "某人"},
                             "temperature_c": 36.5}, "bench-unknown")
        own, idempotency, note = _summary(seen)
        rows.append({"name": "device check, ID card nobody registered: DynamoDB calls", "value": own,
                     "unit": "calls", "target": "-", "note": f"UNKNOWN, nothing stored; {note}"})
    base = os.environ.get("BENCH_STACK_URL")
    if base:
        rows.extend(gateway_rows(base.rstrip("/")))
    return rows


def gateway_rows(base: str, rounds: int = 5, per_round: int = 40) -> list[dict[str, Any]]:
    """Sequential requests through the local gateway, device route and inspector route interleaved by round:
    requests per second of one client and the median latency (the local stack runs each function one event at a
    time, as one container: an upper bound of one container, not of AWS)."""
    from datetime import datetime, timedelta, timezone

    import requests

    from infra.device import _login
    from infra.local.demo import DEMO_PEOPLE

    admin = DEMO_PEOPLE[1]  # the demo venue's admin, also its inspector
    headers = _login(base, admin["id_number"], admin["name"])
    place_id = requests.get(f"{base}/v1/venues/mine", headers=headers, timeout=20).json()["place_id"]
    key = requests.post(f"{base}/v1/venues/{place_id}/devices", headers=headers, json={"name": "压测哨兵"},
                        timeout=20).json()["device_key"]
    qr = requests.get(f"{base}/v1/me/code", headers=_login(base, DEMO_PEOPLE[2]["id_number"],
                                                           DEMO_PEOPLE[2]["name"]), timeout=20).json()["qr"]
    session = requests.Session()

    def device() -> int:
        at = datetime.now(timezone(timedelta(hours=8))).isoformat(timespec="milliseconds")
        return session.post(f"{base}/v1/device/checks", json={"qr": qr, "temperature_c": 36.5, "measured_at": at},
                            headers={"x-device-key": key, "Idempotency-Key": uuid.uuid4().hex}, timeout=20).status_code

    def inspector() -> int:
        return session.post(f"{base}/v1/venues/{place_id}/checks", json={"qr": qr, "temperature": "NORMAL"},
                            headers=headers | {"Idempotency-Key": uuid.uuid4().hex}, timeout=20).status_code

    timings: dict[str, list[float]] = {"device": [], "inspector": []}
    for _ in range(rounds):
        for name, call in (("device", device), ("inspector", inspector)):
            for _ in range(per_round):
                started = time.perf_counter()
                assert call() == 201
                timings[name].append(time.perf_counter() - started)
    rows = []
    for name, route in (("device", "POST /v1/device/checks"), ("inspector", "POST /v1/venues/{id}/checks")):
        samples = timings[name]
        rows.append({"name": f"local gateway, {route}, one client: requests/s", "value":
                     round(len(samples) / sum(samples), 1), "unit": "req/s", "target": "-",
                     "note": f"median {statistics.median(samples) * 1000:.1f} ms, {len(samples)} requests, "
                             f"{rounds} interleaved rounds"})
    return rows


if __name__ == "__main__":
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    import conftest  # noqa: F401 - the tests' environment (table names from template.yaml)

    for row in run():
        print(f"{row['name']}: {row['value']} {row['unit']} (target {row['target']}) - {row['note']}")
