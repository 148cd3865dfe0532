"""Inbound travellers: AWS calls per request (every one a GetItem, Query or batch, never a Scan) and latency
of the handlers on the embedded AWS. Run: `.venv/bin/python bench/bench_inbound.py`; method in docs/perf/inbound.md.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import time
from typing import Any

from bench import ROOT  # the package sets up sys.path and the environment

ROUNDS = 30
COMPANIONS = 10


def _event(name: str, body: Any = None, person_id: str | None = None, method: str | None = None) -> dict[str, Any]:
    event = json.loads((ROOT / "events" / name).read_text())
    event["body"] = json.dumps(body) if body is not None else None
    # a caller (address) per request: measured is the route, not healthcode.core.ratelimit refusing the bench's rounds
    event["requestContext"]["identity"]["sourceIp"] = f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}"
    if person_id:
        event["requestContext"]["authorizer"] = {"person_id": person_id, "kind": "session", "roles": "inbound",
                                                 "principalId": person_id}
    if method:
        event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    return event


def _measure(name: str, call: Any, rounds: int = ROUNDS) -> tuple[list[dict[str, Any]], Any]:
    from infra.local.embedded import count_aws_calls

    timings, last = [], None
    with count_aws_calls() as calls:
        for _ in range(rounds):
            started = time.perf_counter()
            last = call()
            timings.append((time.perf_counter() - started) * 1000)
    per_call = sum(calls.values()) / rounds
    scans = sum(n for op, n in calls.items() if op.endswith((".Scan", ".ParallelScan")))
    operations = ", ".join(f"{op.split('.')[1]} {n / rounds:g}" for op, n in sorted(calls.items()))
    rows = [
        {"name": f"{name}: AWS calls per request", "value": round(per_call, 2), "unit": "calls", "target": "<= 12",
         "note": operations},
        {"name": f"{name}: table scans", "value": scans, "unit": "calls", "target": "0", "note": "no request scans"},
        {"name": f"{name}: p50 latency (embedded moto, in process)", "value": round(statistics.median(timings), 1),
         "unit": "ms", "target": "informative", "note": f"p95 {sorted(timings)[int(len(timings) * 0.95) - 1]:.1f} ms"},
    ]
    return rows, last


def run() -> list[dict[str, Any]]:
    from infra.local.embedded import embedded_aws, load_all

    with embedded_aws() as aws:
        from infra.local.demo import record_inbound_entry

        lambdas = load_all(aws)
        inbound, auth = lambdas["InboundFunction"], lambdas["AuthFunction"]
        traveller = record_inbound_entry("PASSPORT", "B123456789", "SMITH JOHN PAUL", "US")
        phones = iter(f"+86139{n:08d}" for n in random.sample(range(10**8), 10 * ROUNDS))
        rows: list[dict[str, Any]] = []

        def apply() -> Any:
            body = {"name": "John Paul Smith", "country": "US", "doc_type": "PASSPORT", "doc_number": "B123456789",
                    "phone": next(phones)}
            answer = inbound.invoke(_event("inbound-apply.json", body))
            assert answer["statusCode"] == 200, answer
            return answer

        measured, _ = _measure("POST /v1/inbound/apply (phone bound anew, link sent)", apply)
        rows += measured

        def captcha() -> Any:
            answer = auth.invoke(_event("auth-captcha.json"))
            assert answer["statusCode"] == 200
            return json.loads(answer["body"])["captcha_id"]

        measured, _ = _measure("POST /v1/auth/captcha (draw + store)", captcha)
        rows += measured

        from healthcode.identity.captcha import dev_answer
        from healthcode.identity.sms import dev_outbox

        login_phones = [next(phones) for _ in range(ROUNDS)]
        solved = [(cid, dev_answer(cid)) for cid in (captcha() for _ in range(ROUNDS))]
        sends = iter(zip(login_phones, solved, strict=True))

        def sms_code() -> Any:
            phone, (captcha_id, answer) = next(sends)
            result = auth.invoke(_event("auth-sms-code.json", {"phone": phone, "captcha_id": captcha_id,
                                                               "captcha_answer": answer}))
            assert result["statusCode"] == 200, result
            return result

        measured, _ = _measure("POST /v1/auth/sms-code (captcha + OTP + dev SMS)", sms_code)
        rows += measured

        # sms-login: each round a traveller of their own, phone bound and code sent beforehand (60 s resend rule)
        from healthcode.identity import otp

        ready = []
        for n in range(ROUNDS):
            phone = next(phones)
            record_inbound_entry("PASSPORT", f"B3{n:08d}", "DOE JANE", "GB")
            bound = inbound.invoke(_event("inbound-apply.json", {"name": "DOE JANE", "country": "GB",
                                                                 "doc_type": "PASSPORT", "doc_number": f"B3{n:08d}",
                                                                 "phone": phone}))
            assert bound["statusCode"] == 200, bound
            otp.send_code("login", phone)
            ready.append((phone, re.search(r"验证码为(\d{6})", dev_outbox(phone)[-1]["text"]).group(1)))
        logins = iter(ready)

        def sms_login() -> Any:
            phone, code = next(logins)
            result = auth.invoke(_event("auth-sms-login.json", {"phone": phone, "sms_code": code}))
            assert result["statusCode"] == 200, result
            return result

        measured, _ = _measure("POST /v1/auth/sms-login (OTP + phone GSI + session)", sms_login)
        rows += measured

        companions = [(f"B2{n:08d}", f"SMITH CHILD{chr(65 + n)}") for n in range(COMPANIONS)]
        for number, name in companions:
            record_inbound_entry("PASSPORT", number, name, "US")
        adds = iter(companions)

        def add_companion() -> Any:
            number, name = next(adds)
            result = inbound.invoke(_event("inbound-companions.json", {"name": name, "doc_type": "PASSPORT",
                                                                       "doc_number": number},
                                           person_id=traveller.person_id))
            assert result["statusCode"] == 201, result
            return result

        measured, _ = _measure("POST /v1/me/companions", add_companion, rounds=COMPANIONS)
        rows += measured

        def list_companions() -> Any:
            result = inbound.invoke(_event("inbound-companions.json", person_id=traveller.person_id, method="GET"))
            assert result["statusCode"] == 200 and len(json.loads(result["body"])["items"]) == COMPANIONS
            return result

        measured, _ = _measure(f"GET /v1/me/companions ({COMPANIONS} companions)", list_companions)
        rows += measured
        return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:<75} {row['value']:>8} {row['unit']:<6} target {row['target']:<12} {row['note']}")
