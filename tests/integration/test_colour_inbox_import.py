"""The scheduled feed import: JSON lines in inbox/ stored, bad lines to rejects/, the file moved to processed/."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest

from tests.integration.conftest import new_id_card


def ago(**delta) -> str:
    from healthcode.core import clock

    return clock.iso(clock.now() - timedelta(**delta))


def line(number, **changes):
    return {"event_id": f"in-{uuid.uuid4().hex}", "person": {"id_type": "ID_CARD", "id_number": number,
                                                             "name": "黄导入"},
            "kind": "NUCLEIC_ACID", "occurred_at": ago(hours=3), "result": "NEGATIVE",
            "details": {"institution": "金域检验"}} | changes


def s3():
    from healthcode.core.aws import client

    return client("s3")


def bucket():
    from healthcode.core.config import get_config

    return get_config().code_bucket


def drop(name, lines):
    body = "".join((text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)) + "\n" for text in lines)
    s3().put_object(Bucket=bucket(), Key=f"inbox/{name}", Body=body.encode())


def read(key):
    return s3().get_object(Bucket=bucket(), Key=key)["Body"].read().decode()


def exists(key):
    return s3().list_objects_v2(Bucket=bucket(), Prefix=key).get("KeyCount", 0) > 0


def facts_of(number):
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import find_by_document
    from healthcode.models import HealthEvent

    person = find_by_document(parse_document("ID_CARD", number))
    return [] if person is None else list(HealthEvent.query(person.person_id))


@pytest.fixture
def run_import(lambdas):
    def run():
        return lambdas["FeedImportFunction"].invoke({"detail-type": "Scheduled Event", "source": "aws.events",
                                                     "detail": {}})

    return run


@pytest.fixture
def name():
    return f"gdcdc/{uuid.uuid4().hex[:8]}.jsonl"


def test_good_lines_are_stored_and_the_file_moves_to_processed(run_import, name):
    number = new_id_card()
    drop(name, [line(number), line(number, occurred_at=ago(hours=1))])
    result = run_import()
    mine = next(f for f in result["files"] if f["file"] == name)
    assert mine | {"lines": 2, "stored": 2, "rejected": 0} == mine
    assert len(facts_of(number)) == 2
    assert {f.source for f in facts_of(number)} == {f"inbox:{name}"}
    assert not exists(f"inbox/{name}") and exists(f"processed/{name}")
    assert not exists(f"rejects/{name}.rejects.jsonl")


def test_bad_lines_go_to_the_rejects_file_with_their_reasons(run_import, name):
    good, bad_id = new_id_card(), "440106199001011230"
    drop(name, [line(good), "{not json", "", line(bad_id), line(good, kind="VACCINE"), line(new_id_card()),
                "x" * 20000])
    result = next(f for f in run_import()["files"] if f["file"] == name)
    assert result | {"lines": 6, "stored": 2, "rejected": 4} == result
    rejects = [json.loads(text) for text in read(f"rejects/{name}.rejects.jsonl").splitlines()]
    assert [(r["line"], [p["field"] for p in r["problems"]]) for r in rejects] == [
        (2, ["line"]), (4, ["person.id_number"]), (5, ["kind"]), (7, ["line"])]
    assert rejects[1]["problems"][0]["code"] == "INVALID_ID_NUMBER" and json.loads(rejects[1]["record"])
    assert len(facts_of(good)) == 1


def test_a_file_imported_twice_stores_nothing_twice(run_import, name):
    number = new_id_card()
    lines = [line(number), line(number, occurred_at=ago(hours=2))]
    drop(name, lines)
    run_import()
    drop(name, lines)
    second = next(f for f in run_import()["files"] if f["file"] == name)
    assert second | {"stored": 0, "replayed": 2, "rejected": 0} == second
    assert len(facts_of(number)) == 2


def test_a_line_conflicting_with_a_stored_event_is_rejected(run_import, name):
    number = new_id_card()
    first = line(number)
    drop(name, [first])
    run_import()
    drop(name, [first | {"result": "POSITIVE"}])
    run_import()
    rejects = [json.loads(text) for text in read(f"rejects/{name}.rejects.jsonl").splitlines()]
    assert [(r["line"], r["event_id"], r["problems"][0]["code"]) for r in rejects] == [
        (1, first["event_id"], "EVENT_CONFLICT")]


def test_a_long_file_is_stored_in_chunks(run_import, name, monkeypatch):
    from healthcode.colour import inbox

    monkeypatch.setattr(inbox, "CHUNK", 20)
    number = new_id_card()
    drop(name, [line(number, occurred_at=ago(minutes=m + 1)) for m in range(45)] + ["oops"])
    result = next(f for f in run_import()["files"] if f["file"] == name)
    assert result | {"lines": 46, "stored": 45, "rejected": 1} == result
    assert len(facts_of(number)) == 45


def test_a_run_out_of_time_leaves_the_file_for_the_next_run(name):
    from healthcode.colour.inbox import import_inbox

    number = new_id_card()
    drop(name, [line(number)])
    result = import_inbox(time_left=lambda: 1.0)
    assert result["left_over"] >= 1 and exists(f"inbox/{name}")
    assert facts_of(number) == []
    import_inbox()
    assert len(facts_of(number)) == 1 and not exists(f"inbox/{name}")
