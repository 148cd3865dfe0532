"""Residents benchmark: AWS calls and handler latency (on embedded moto) of the family, declaration, itinerary
and Macau routes, and how the family list scales with the number of members.

Run: `.venv/bin/python -m bench.bench_residents` (prints one JSON row per line) or call `run()`.
"""

from __future__ import annotations

import copy
import json
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench import print_rows

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "events"
REPEAT = 20


def _event(name: str, person_id: str, body: Any = None, query: dict[str, str] | None = None) -> dict[str, Any]:
    event = copy.deepcopy(json.loads((EVENTS / name).read_text()))
    event["body"] = json.dumps(body, ensure_ascii=False) if body is not None else None
    event["queryStringParameters"] = query or None
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
    event["requestContext"]["authorizer"] = {"person_id": person_id, "kind": "session", "roles": "resident",
                                             "principalId": person_id}
    return event


def _id_number(year: int) -> str:
    from infra.local.demo import id_number

    return id_number(f"440100{year}{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}")


def _measure(function: Any, event: dict[str, Any], repeat: int = REPEAT) -> tuple[int, float, int]:
    """(AWS calls of one invocation, median ms, status) over `repeat` invocations."""
    from infra.local.embedded import count_aws_calls

    with count_aws_calls() as calls:
        answer = function.invoke(copy.deepcopy(event))
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function.invoke(copy.deepcopy(event))
        timings.append((time.perf_counter() - started) * 1000)
    return sum(calls.values()), statistics.median(timings), answer["statusCode"]


def _row(name: str, value: float, unit: str, target: Any, note: str) -> dict[str, Any]:
    return {"name": name, "value": round(value, 2), "unit": unit, "target": target, "note": note}


def run() -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "layers" / "common" / "python"))
    import conftest  # noqa: F401  - the environment the tests use (table names from template.yaml)
    from infra.local.embedded import count_aws_calls, embedded_aws, load_all

    rows: list[dict[str, Any]] = []
    with embedded_aws() as aws:
        fns = load_all(aws)
        from healthcode.core import clock
        from healthcode.models import HealthEvent

        def login(phone: str | None = None) -> str:
            body = {"id_type": "ID_CARD", "id_number": _id_number(1985), "name": "测试员", "method": "FACE",
                    "proof": "dev-pass"}
            if phone:
                body["phone"] = phone
            answer = fns["AuthFunction"].invoke(_event("auth-login.json", "-", body))
            return json.loads(answer["body"])["person_id"]

        # family list: one Query + one BatchGetItem whatever the number of members (up to a page of 100)
        for members in (1, 10, 50, 100):
            guardian = login()
            for _ in range(members):
                fns["FamilyFunction"].invoke(_event("family-add.json", guardian, {
                    "relation": "OTHER", "name": "成员", "id_type": "ID_CARD", "id_number": _id_number(1970),
                    "verification": {"method": "FACE", "proof": "dev-pass"}}))
            calls, ms, status = _measure(fns["FamilyFunction"], _event("family-list.json", guardian,
                                                                       query={"limit": "100"}))
            assert status == 200
            rows.append(_row(f"family_list_aws_calls_{members}_members", calls, "calls", 2,
                             "GET /v1/me/family: Query relations + BatchGetItem people"))
            rows.append(_row(f"family_list_ms_{members}_members", ms, "ms (moto, median)", None,
                             "handler latency on in-process moto; shape, not production speed"))

        guardian = login()
        add = _event("family-add.json", guardian, {
            "relation": "CHILD", "name": "小成员", "id_type": "ID_CARD", "id_number": _id_number(2015),
            "verification": {"method": "FACE", "proof": "dev-pass"}})
        with count_aws_calls() as calls:
            fns["FamilyFunction"].invoke(add)
        rows.append(_row("family_add_aws_calls", sum(calls.values()), "calls", "<= 7",
                         "marker GetItem, relation GetItem, TransactWrite (marker + person), relation PutItem, "
                         "audit PutItem (+ KMS/Secrets once per container)"))

        declare = _event("declarations-declare.json", guardian, {"type": "PERSONAL", "temperature_c": 36.5,
                                                                  "symptoms": [], "answers": {}})
        calls, ms, status = _measure(fns["DeclarationsFunction"], declare)
        rows.append(_row("declare_aws_calls", calls, "calls", 1, "POST /v1/me/declarations: one conditional PutItem"))
        rows.append(_row("declare_ms", ms, "ms (moto, median)", None, "handler latency on in-process moto"))
        from healthcode.models.declarations import latest_summary

        with count_aws_calls() as calls:
            latest_summary(guardian)
        rows.append(_row("latest_declaration_aws_calls", sum(calls.values()), "calls", 1,
                         "what a scan reads: Query limit 1, newest first"))

        phone = f"+86139{random.randint(10**7, 10**8 - 1)}"
        holder = login(phone)
        now = clock.now()
        for day in range(30):
            moment = now - timedelta(days=day)
            HealthEvent(person_id=holder, sk=f"{clock.iso(moment)}#it{day}", event_id=f"it{day}", kind="ITINERARY",
                        occurred_at=clock.iso(moment), details={"city": f"城市{day % 7}",
                                                                 "date": clock.local_date(moment).isoformat()},
                        source="bench", received_at=clock.iso(now)).save()
        from healthcode.residents import itinerary

        with count_aws_calls() as calls:
            visits = itinerary.FeedItineraryProvider().cities(phone, *itinerary.period(clock.local_date(now)))
        rows.append(_row("itinerary_feeds_aws_calls", sum(calls.values()), "calls", 2,
                         f"Query by_phone_hash + key-bounded Query of the holder's facts ({len(visits)} visits "
                         "in 14 days out of 30 facts)"))

        macau = _event("macau-issue.json", holder, {"declaration": {
            "entry_port": "GONGBEI", "contact_with_case": False, "visited_risk_area": False,
            "returned_from_abroad": False, "confirmed": True}})
        calls, ms, status = _measure(fns["MacauFunction"], macau)
        rows.append(_row("macau_issue_aws_calls", calls, "calls", 3,
                         "GetItem person, Query facts for the latest negative test, PutItem the code"))
        rows.append(_row("macau_issue_ms", ms, "ms (moto, median)", None, "handler latency on in-process moto"))
        calls, ms, status = _measure(fns["MacauFunction"], _event("macau-show.json", holder))
        rows.append(_row("macau_show_aws_calls", calls, "calls", 2, "GetItem stored code + GetItem person"))
    return rows


if __name__ == "__main__":
    print_rows(run())
