"""Per-request figures for the capacity plan (docs/capacity.md): the authorizer, a code display, a scan and a login.

For each request, on warm containers with moto's in-process AWS: the median wall time of the handler, the part
of it spent inside AWS calls (botocore + moto), the rest (the function's own compute), the AWS calls by operation,
the answer's size, and the DynamoDB item sizes the calls read or write (for request-unit arithmetic). The AWS
duration is not measurable here: docs/capacity.md derives it from these figures with stated assumptions.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = 200


def item_size(item: dict[str, Any]) -> int:
    """DynamoDB's item size: attribute name lengths plus value sizes (strings UTF-8, numbers ~ digits/2 + 1)."""

    def size(value: dict[str, Any]) -> int:
        kind, inner = next(iter(value.items()))
        if kind in ("S", "B"):
            return len(inner.encode() if isinstance(inner, str) else inner)
        if kind == "N":
            return len(inner.strip("-").lstrip("0")) // 2 + 1
        if kind in ("BOOL", "NULL"):
            return 1
        if kind == "M":
            return 3 + sum(len(k.encode()) + size(v) + 1 for k, v in inner.items())
        if kind == "L":
            return 3 + sum(size(v) + 1 for v in inner)
        if kind in ("SS", "NS"):
            return sum(len(str(v)) for v in inner)
        return len(json.dumps(inner))

    return sum(len(name.encode()) + size(value) for name, value in item.items())


class Timed:
    """AWS calls of the block by operation, and the wall time spent inside them."""

    def __init__(self) -> None:
        self.calls: Counter = Counter()
        self.inside = 0.0
        self.in_moto = 0.0
        self.items: list[tuple[str, int]] = []

    def __enter__(self) -> Timed:
        from botocore.client import BaseClient
        from moto.core.botocore_stubber import BotocoreStubber

        self._original, self._stubber = BaseClient._make_api_call, BotocoreStubber.__call__
        original, stubber, timed = self._original, self._stubber, self

        def in_moto(stub: Any, *args: Any, **kwargs: Any) -> Any:  # moto's answer to the HTTP request
            started = time.perf_counter()
            try:
                return stubber(stub, *args, **kwargs)
            finally:
                timed.in_moto += time.perf_counter() - started

        BotocoreStubber.__call__ = in_moto  # type: ignore[method-assign]

        def timing(client: Any, operation: str, params: dict[str, Any]) -> Any:
            started = time.perf_counter()
            try:
                answer = original(client, operation, params)
            finally:
                timed.inside += time.perf_counter() - started
            timed.calls[f"{client.meta.service_model.service_name}.{operation}"] += 1
            if operation == "PutItem":
                timed.items.append((f"put {params['TableName']}", item_size(params["Item"])))
            if operation == "GetItem" and answer.get("Item"):
                timed.items.append((f"get {params['TableName']}", item_size(answer["Item"])))
            return answer

        BaseClient._make_api_call = timing  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: Any) -> None:
        from botocore.client import BaseClient
        from moto.core.botocore_stubber import BotocoreStubber

        BaseClient._make_api_call = self._original  # type: ignore[method-assign]
        BotocoreStubber.__call__ = self._stubber  # type: ignore[method-assign]


def measure(name: str, memory: int, invoke: Any) -> list[dict[str, Any]]:
    for _ in range(5):
        invoke()
    walls, insides, motos, last = [], [], [], None
    for _ in range(SAMPLES):
        with Timed() as timed:
            started = time.perf_counter()
            answer = invoke()
            walls.append(time.perf_counter() - started)
        insides.append(timed.inside)
        motos.append(timed.in_moto)
        last = (timed, answer)
    timed, answer = last
    wall, inside = statistics.median(walls) * 1000, statistics.median(insides) * 1000
    own = statistics.median(w - i for w, i in zip(walls, insides, strict=True)) * 1000
    client = statistics.median(i - m for i, m in zip(insides, motos, strict=True)) * 1000
    n_calls = max(1, sum(timed.calls.values()))
    body = answer.get("body", "") if isinstance(answer, dict) and "statusCode" in answer else json.dumps(answer)
    calls = ", ".join(f"{k}={v}" for k, v in sorted(timed.calls.items())) or "none"
    items = ", ".join(f"{k.split('-', 1)[-1]} {v} B" for k, v in timed.items) or "none"
    return [
        {"name": f"{name}: handler wall (median, moto in-process)", "value": wall, "unit": "ms", "target": "",
         "note": f"{SAMPLES} warm invocations; MemorySize {memory} MB in template.yaml"},
        {"name": f"{name}: inside AWS calls (botocore + moto)", "value": inside, "unit": "ms", "target": "",
         "note": calls},
        {"name": f"{name}: own compute (wall - AWS calls)", "value": own, "unit": "ms", "target": "",
         "note": "resolver, validation, signing, PynamoDB models"},
        {"name": f"{name}: client side of the AWS calls (botocore, not moto)", "value": client, "unit": "ms",
         "target": "", "note": f"{client / n_calls:.2f} ms per call: what the calls cost the function besides the wire"},
        {"name": f"{name}: answer body", "value": len(body.encode()), "unit": "bytes", "target": "",
         "note": f"items: {items}"},
    ]


def run() -> list[dict[str, Any]]:
    from infra.local.embedded import embedded_aws, load_all
    from infra.template import load_template

    template = load_template()
    default = template["Globals"]["Function"]["MemorySize"]
    memory = {name: res["Properties"].get("MemorySize", default) for name, res in template["Resources"].items()
              if res["Type"] == "AWS::Serverless::Function"}
    rows: list[dict[str, Any]] = []
    with embedded_aws() as aws:
        fns = load_all(aws)

        def sample(name: str) -> dict[str, Any]:
            return json.loads((ROOT / "events" / name).read_text())

        login = sample("auth-login.json")
        answer = fns["AuthFunction"].invoke(login)
        session = json.loads(answer["body"])
        person_id, token = session["person_id"], session["token"]

        authorizer = sample("authorizer-request.json")
        authorizer["headers"] = {"Authorization": f"Bearer {token}"}
        rows += measure("authorizer (session JWT)", memory["AuthorizerFunction"],
                        lambda: fns["AuthorizerFunction"].invoke(authorizer))

        display = sample("codes-my-code.json")
        display["requestContext"]["authorizer"].update({"person_id": person_id, "principalId": person_id})
        rows += measure("GET /v1/me/code", memory["CodesFunction"], lambda: fns["CodesFunction"].invoke(display))

        from healthcode.codes.tokens import CodeType, get_keyring
        from healthcode.core import clock
        from healthcode.models import Relation

        inspector = "bench-inspector"
        Relation.make(inspector, "VENUE", "bench-venue", clock.iso(clock.now())).save()
        scan = sample("scan-code.json")
        scan["requestContext"]["authorizer"].update({"person_id": inspector, "principalId": inspector})
        scan["body"] = json.dumps({"qr": get_keyring().sign(CodeType.RESIDENT, person_id, 1,
                                                            int(clock.now().timestamp()))})
        rows += measure("POST /v1/scan", memory["ScanFunction"], lambda: fns["ScanFunction"].invoke(scan))

        import itertools

        addresses = (f"198.18.{n // 250}.{n % 250 + 1}" for n in itertools.count())

        def log_in() -> dict[str, Any]:  # each from an address of its own: the per-address counter counts once
            login["requestContext"]["identity"]["sourceIp"] = next(addresses)
            return fns["AuthFunction"].invoke(login)

        rows += measure("POST /v1/auth/login (returning resident)", memory["AuthFunction"], log_in)
    return rows
