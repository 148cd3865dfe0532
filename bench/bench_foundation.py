"""Foundation benchmarks: cold init per API function vs `import boto3`; GET /v1/me/code vs its bare boto3 calls;
DynamoDB calls per request."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
API_FUNCTIONS = ["AuthorizerFunction", "AuthFunction", "CodesFunction", "MetaFunction"]
ROUNDS = 9

_INIT = """
import os, sys, time, importlib.util
sys.path.insert(0, {layer!r})
os.environ.update({env!r})
t = time.perf_counter()
spec = importlib.util.spec_from_file_location("app", {path!r})
module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
print(time.perf_counter() - t)
"""
_BOTO3 = "import time; t = time.perf_counter(); import boto3; print(time.perf_counter() - t)"


def _time(code: str) -> float:
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                cwd="/").stdout.strip())


def cold_init() -> list[dict[str, Any]]:
    from infra.template import functions, load_template

    specs = functions(load_template())
    env = {"AWS_DEFAULT_REGION": "us-east-1", "POWERTOOLS_SERVICE_NAME": "bench", "POWERTOOLS_TRACE_DISABLED": "true",
           "PEOPLE_TABLE": "people"}
    rows = []
    baseline: list[float] = []
    samples: dict[str, list[float]] = {name: [] for name in API_FUNCTIONS}
    for _ in range(ROUNDS):  # interleaved so machine noise hits both sides alike
        baseline.append(_time(_BOTO3))
        for name in API_FUNCTIONS:
            spec = specs[name]
            code = _INIT.format(layer=str(ROOT / "layers/common/python"), env=env,
                                path=str(ROOT / spec.code_uri / "app.py"))
            samples[name].append(_time(code))
    base = statistics.median(baseline)
    rows.append({"name": "bare `import boto3` (median)", "value": base * 1000, "unit": "ms", "target": "",
                 "note": f"{ROUNDS} fresh interpreters"})
    for name in API_FUNCTIONS:
        value = statistics.median(samples[name])
        rows.append({"name": f"cold init {name} / import boto3", "value": value / base, "unit": "x",
                     "target": "<= 1.6", "note": f"{value * 1000:.0f} ms"})
    return rows


def code_display() -> list[dict[str, Any]]:
    import boto3

    from infra.local.embedded import count_aws_calls, embedded_aws, load_all

    rows = []
    with embedded_aws() as aws:
        fns = load_all(aws)
        login_event = json.loads((ROOT / "events/auth-login.json").read_text())
        from healthcode.codes import tokens
        from healthcode.core import pii, secrets

        secrets.reset_cache()  # a cold container: no secret, keyring or data key cached yet
        tokens.reset_cache()
        pii._data_key = None
        pii._decrypted_keys.clear()
        with count_aws_calls() as login_calls:
            answer = fns["AuthFunction"].invoke(login_event)
        person_id = json.loads(answer["body"])["person_id"]
        event = json.loads((ROOT / "events/codes-my-code.json").read_text())
        event["requestContext"]["authorizer"]["person_id"] = person_id
        fns["CodesFunction"].invoke(event)  # warm: keys fetched, clients made
        with count_aws_calls() as calls:
            fns["CodesFunction"].invoke(event)
        dynamo_calls = sum(n for op, n in calls.items() if op.startswith("dynamodb."))
        rows.append({"name": "DynamoDB calls per GET /v1/me/code (warm)", "value": dynamo_calls, "unit": "calls",
                     "target": "<= 2", "note": ", ".join(f"{k}={v}" for k, v in sorted(calls.items()))})
        rows.append({"name": "AWS calls per first login (cold container)",
                     "value": sum(login_calls.values()), "unit": "calls", "target": "",
                     "note": ", ".join(f"{k}={v}" for k, v in sorted(login_calls.items()))})

        client = boto3.client("dynamodb", region_name="us-east-1")
        people, log = aws["physical"]["PeopleTable"]["Ref"], aws["physical"]["DisplayLogTable"]["Ref"]

        def bare() -> None:
            client.get_item(TableName=people, Key={"person_id": {"S": person_id}})
            client.put_item(TableName=log, Item={"person_id": {"S": person_id}, "at": {"S": f"{time.time()}"},
                                                 "color": {"S": "GREEN"}, "code_type": {"S": "R"},
                                                 "expires_at": {"N": str(int(time.time()) + 259200)}})

        def handler() -> None:
            fns["CodesFunction"].invoke(event)

        samples: dict[str, list[float]] = {"bare": [], "handler": []}
        for _ in range(5):
            bare(), handler()
        for _ in range(300):  # interleaved pairs
            for name, fn in (("bare", bare), ("handler", handler)):
                t = time.perf_counter()
                fn()
                samples[name].append(time.perf_counter() - t)
        b, h = statistics.median(samples["bare"]), statistics.median(samples["handler"])
        rows.append({"name": "GET /v1/me/code bare boto3 get+put (median)", "value": b * 1000, "unit": "ms",
                     "target": "", "note": "same in-process moto DynamoDB"})
        rows.append({"name": "GET /v1/me/code through the handler (median)", "value": h * 1000, "unit": "ms",
                     "target": "", "note": "Powertools resolver + PynamoDB + Ed25519 signing"})
        rows.append({"name": "GET /v1/me/code handler / bare boto3", "value": h / b, "unit": "x", "target": "<= 1.2",
                     "note": "300 interleaved pairs"})
    return rows


def run() -> list[dict[str, Any]]:
    return cold_init() + code_display()
