"""Colour engine: DynamoDB calls of status_stream per person and per batch, card rendering time, a 500-record feed.

Run: `.venv/bin/python bench/bench_colour.py` (or `run()` from the bench runner); method in docs/perf/colour.md.
"""

from __future__ import annotations

import json
import random
import statistics
import time
import uuid
from datetime import date, timedelta
from typing import Any

from bench import ROOT  # the package sets up sys.path and the environment

READS = ("GetItem", "BatchGetItem", "Query", "Scan")
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024


def _id_card() -> str:
    from infra.local.demo import id_number

    return id_number(f"440106{random.randint(1986, 2005)}0{random.randint(1, 9)}{random.randint(10, 28)}"
                     f"{random.randint(100, 999)}")


def _people(count: int) -> list[str]:
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create

    return [find_or_create(NewPerson(parse_document("ID_CARD", _id_card()), "孙基准"))[0].person_id
            for _ in range(count)]


def _facts(person_ids: list[str], result: str = "POSITIVE") -> list[Any]:
    from healthcode.core import clock
    from healthcode.models import HealthEvent

    items = []
    for n, person_id in enumerate(person_ids):
        at = clock.iso(clock.now() - timedelta(minutes=n + 1))
        event_id = f"bench-{uuid.uuid4().hex[:12]}"
        items.append(HealthEvent(person_id=person_id, sk=f"{at}#{event_id}", event_id=event_id, kind="NUCLEIC_ACID",
                                 occurred_at=at, result=result, details={"institution": "bench"}, source="feed:bench",
                                 received_at=at))
    with HealthEvent.batch_write() as batch:
        for item in items:
            batch.save(item)
    return items


def _stream_event(items: list[Any]) -> dict[str, Any]:
    records = []
    for n, item in enumerate(items):
        image = item.serialize()
        records.append({"eventID": str(n), "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
                        "awsRegion": "us-east-1",
                        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/yk-HealthEventsTable/stream/b",
                        "dynamodb": {"Keys": {"person_id": image["person_id"], "sk": image["sk"]}, "NewImage": image,
                                     "SequenceNumber": str(10**20 + n), "SizeBytes": 300,
                                     "StreamViewType": "NEW_IMAGE"}})
    return {"Records": records}


def _split(calls: dict[str, int]) -> tuple[int, int, str]:
    reads = sum(n for op, n in calls.items() if op.startswith("dynamodb.") and op.split(".")[1] in READS)
    writes = sum(n for op, n in calls.items() if op.startswith("dynamodb.") and op.split(".")[1] in WRITES)
    detail = ", ".join(f"{op.split('.')[1]} {n}" for op, n in sorted(calls.items()) if op.startswith("dynamodb."))
    return reads, writes, detail


def _stream_batch_of_100_people(functions: dict[str, Any]) -> list[dict[str, Any]]:
    from infra.local.embedded import count_aws_calls

    people = _people(100)
    event = _stream_event(_facts(people))
    with count_aws_calls() as calls:
        started = time.perf_counter()
        answer = functions["StatusStreamFunction"].invoke(event)
        elapsed = (time.perf_counter() - started) * 1000
    assert answer == {"batchItemFailures": []}, answer
    reads, writes, detail = _split(calls)
    with count_aws_calls() as again:
        functions["StatusStreamFunction"].invoke(event)
    replay_reads, replay_writes, _ = _split(again)
    return [
        {"name": "stream batch, 100 events / 100 people: writes per person", "value": round(writes / 100, 2),
         "unit": "calls", "target": "<= 2", "note": detail},
        {"name": "stream batch, 100 events / 100 people: reads per person", "value": round(reads / 100, 2),
         "unit": "calls", "target": "~1", "note": "one Query of the person's facts + 1/100 of a BatchGetItem"},
        {"name": "stream batch, 100 events / 100 people: batch time (in-process moto)", "value": round(elapsed),
         "unit": "ms", "target": "", "note": "100 recomputes, 100 status+history transactions"},
        {"name": "same batch delivered again: writes", "value": replay_writes, "unit": "calls", "target": "0",
         "note": f"reads {replay_reads}: each person read and evaluated again, nothing changed, nothing written"},
    ]


def _stream_batch_of_one_person(functions: dict[str, Any]) -> list[dict[str, Any]]:
    from infra.local.embedded import count_aws_calls

    person = _people(1)[0]
    event = _stream_event(_facts([person] * 100, result="NEGATIVE")[:-1] + _facts([person]))
    with count_aws_calls() as calls:
        functions["StatusStreamFunction"].invoke(event)
    reads, writes, detail = _split(calls)
    return [{"name": "stream batch, 100 events of one person: recomputes", "value": calls["dynamodb.Query"],
             "unit": "Query", "target": "1", "note": f"{detail}"}]


def _card_rendering() -> list[dict[str, Any]]:
    from healthcode.codes.printed import render_card
    from healthcode.codes.tokens import CodeType, get_keyring

    qr = get_keyring().sign(CodeType.PHYSICAL, "01JBENCH00000000000000000X", 3, 1_795_792_310)
    render_card(qr, "张*丰", date(2026, 11, 27))  # fonts loaded once per container
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        png = render_card(qr, "张*丰", date(2026, 11, 27))
        timings.append((time.perf_counter() - started) * 1000)
    import qrcode

    started = time.perf_counter()
    for _ in range(20):
        free = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
        free.add_data(qr)
        free.make(fit=True)
        free.make_image()
    free_mask = (time.perf_counter() - started) * 1000 / 20
    return [
        {"name": "card rendering (QR + text + PNG), median of 200", "value": round(statistics.median(timings), 2),
         "unit": "ms", "target": "<= 5", "note": f"p95 {sorted(timings)[189]:.2f} ms; PNG {len(png)} bytes"},
        {"name": "for comparison: qrcode choosing its own mask", "value": round(free_mask, 2), "unit": "ms",
         "target": "", "note": "the symbol alone, before any card is drawn"},
    ]


def _feed_of_500(functions: dict[str, Any]) -> list[dict[str, Any]]:
    from healthcode.core import clock

    from infra.local.embedded import count_aws_calls

    people = [_id_card() for _ in range(100)]
    records = [{"event_id": f"gdcdc-bench-{uuid.uuid4().hex}",
                "person": {"id_type": "ID_CARD", "id_number": people[n % 100], "name": "孙基准",
                           "phone": "+8613912345678"},
                "kind": "NUCLEIC_ACID", "occurred_at": clock.iso(clock.now() - timedelta(minutes=n + 1)),
                "result": "NEGATIVE", "details": {"institution": "广州金域医学检验中心有限公司"}} for n in range(500)]
    event = json.loads((ROOT / "events" / "feeds-health-events.json").read_text())
    event["body"] = json.dumps(records, ensure_ascii=False)
    size = len(json.dumps(event, ensure_ascii=False).encode())
    with count_aws_calls() as calls:
        started = time.perf_counter()
        answer = functions["FeedsFunction"].invoke(event)
        elapsed = (time.perf_counter() - started) * 1000
    body = json.loads(answer["body"])
    assert answer["statusCode"] == 200 and body["stored"] == 500, body
    with count_aws_calls() as replay:
        functions["FeedsFunction"].invoke(event)
    _, _, detail = _split(calls)
    return [
        {"name": "feed of 500 records: request event size", "value": size, "unit": "bytes",
         "target": f"< {LAMBDA_PAYLOAD_LIMIT}", "note": "Lambda's synchronous payload limit is 6 MB; "
                                                        "the API refuses bodies over 1 MiB"},
        {"name": "feed of 500 records (100 new people): BatchWriteItem calls", "value": calls["dynamodb.BatchWriteItem"],
         "unit": "calls", "target": "40", "note": detail},
        {"name": "feed of 500 records: single PutItem calls", "value": calls["dynamodb.PutItem"], "unit": "calls",
         "target": "0", "note": "new people are created in one transaction each (marker + person)"},
        {"name": "feed of 500 records: time (in-process moto)", "value": round(elapsed), "unit": "ms", "target": "",
         "note": "validation + person matching + batch writes"},
        {"name": "the same 500 records again: writes", "value": replay["dynamodb.BatchWriteItem"] +
         replay["dynamodb.PutItem"], "unit": "calls", "target": "0", "note": "all replayed, nothing stored twice"},
    ]


def _review_job(functions: dict[str, Any]) -> list[dict[str, Any]]:
    from healthcode.colour.recompute import recompute_person
    from healthcode.core import clock
    from healthcode.models import HealthEvent

    from infra.local.embedded import count_aws_calls

    people = _people(50)
    end = clock.now() + timedelta(seconds=8)  # far enough for all 50 to be red before it passes
    with HealthEvent.batch_write() as batch:
        for person_id in people:
            at = clock.iso(clock.now() - timedelta(days=13))
            batch.save(HealthEvent(person_id=person_id, sk=f"{at}#q-{person_id}", event_id=f"q-{person_id}",
                                   kind="HOME_QUARANTINE", occurred_at=at, valid_from=at, valid_until=clock.iso(end),
                                   source="feed:bench", received_at=at))
    assert all(recompute_person(person_id).color == "RED" for person_id in people)
    time.sleep(max(0.0, (end - clock.now()).total_seconds()) + 0.05)
    with count_aws_calls() as calls:
        counts = functions["StatusReviewFunction"].invoke({"detail-type": "Scheduled Event", "detail": {}})
    reads, writes, detail = _split(calls)
    return [{"name": "review of 50 ended quarantines: scans", "value": calls["dynamodb.Scan"], "unit": "calls",
             "target": "0", "note": f"{counts}; {detail}"},
            {"name": "review of 50 ended quarantines: writes per person", "value": round(writes / 50, 2),
             "unit": "calls", "target": "1", "note": "status + history in one transaction"}]


def run() -> list[dict[str, Any]]:
    from infra.local.embedded import embedded_aws, load_all

    with embedded_aws() as aws:
        functions = load_all(aws)
        rows = _stream_batch_of_100_people(functions)
        rows += _stream_batch_of_one_person(functions)
        rows += _card_rendering()
        rows += _feed_of_500(functions)
        rows += _review_job(functions)
    return rows


if __name__ == "__main__":
    import conftest  # noqa: F401 - table names from template.yaml, as the tests have them

    for row in run():
        print(f"{row['name']:<72} {row['value']!s:>10} {row['unit']:<6} {row['target']:<12} {row['note']}")
