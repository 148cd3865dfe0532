"""status_stream and the scheduled review: the stored colour follows the facts, once per person per batch."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta

import pytest

_sequence = itertools.count(10**20)


def add_fact(person_id, kind, at=None, **fields):
    from healthcode.core import clock
    from healthcode.models import HealthEvent

    at = at or clock.now() - timedelta(hours=1)
    event_id = f"it-{uuid.uuid4().hex[:12]}"
    item = HealthEvent(person_id=person_id, sk=f"{clock.iso(at)}#{event_id}", event_id=event_id, kind=kind,
                       occurred_at=clock.iso(at), source="feed:test", received_at=clock.iso(clock.now()),
                       **{k: (clock.iso(v) if hasattr(v, "isoformat") else v) for k, v in fields.items()})
    item.save()
    return item


def stream_record(item, name="INSERT"):
    """The DynamoDB stream record Lambda delivers for a health_events write (NEW_IMAGE view)."""
    image = item.serialize()
    return {
        "eventID": uuid.uuid4().hex, "eventName": name, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/yk-HealthEventsTable/stream/2026-01-01T00:00:00",
        "dynamodb": {"Keys": {"person_id": image["person_id"], "sk": image["sk"]}, "NewImage": image,
                     "SequenceNumber": str(next(_sequence)), "SizeBytes": 200, "StreamViewType": "NEW_IMAGE"},
    }


def person(person_id):
    from healthcode.models import Person

    return Person.get(person_id, consistent_read=True)


def history(person_id):
    from healthcode.colour.recompute import StatusChange

    return [h for h in StatusChange.query(person_id) if h.action == "STATUS_CHANGED"]


@pytest.fixture
def deliver(lambdas):
    def send(records):
        return lambdas["StatusStreamFunction"].invoke({"Records": records})

    return send


def test_a_positive_test_turns_the_code_red_with_its_reason(deliver, resident):
    fact = add_fact(resident["person_id"], "NUCLEIC_ACID", result="POSITIVE", details={"institution": "x"})
    assert deliver([stream_record(fact)]) == {"batchItemFailures": []}
    stored = person(resident["person_id"])
    assert stored.color == "RED" and [r["code"] for r in stored.reasons] == ["POSITIVE_TEST"]
    assert stored.reasons[0]["since"] == fact.occurred_at and stored.status_updated_at
    assert stored.next_review_at is None and stored.review_shard is None


def test_a_change_writes_one_status_history_entry(deliver, resident):
    fact = add_fact(resident["person_id"], "CONFIRMED")
    deliver([stream_record(fact)])
    entries = history(resident["person_id"])
    assert [(h.previous_color, h.color, h.purpose) for h in entries] == [("GREEN", "RED", "stream")]
    assert entries[0].reasons[0]["code"] == "CONFIRMED" and entries[0].actor == "system:status"


def test_the_code_shows_the_reason_with_label_and_guide(deliver, resident, lambdas, event, invoke):
    deliver([stream_record(add_fact(resident["person_id"], "NUCLEIC_ACID", result="POSITIVE"))])
    status, body = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"]))
    assert body["color"] == "RED"
    assert body["reasons"][0]["code"] == "POSITIVE_TEST" and body["reasons"][0]["label"] == "核酸检测阳性"
    assert "解除" in body["reasons"][0]["guide"]


def test_a_release_notice_turns_it_green_again(deliver, resident):
    from healthcode.core import clock

    first = add_fact(resident["person_id"], "SUSPECTED", at=clock.now() - timedelta(days=1))
    deliver([stream_record(first)])
    deliver([stream_record(add_fact(resident["person_id"], "RELEASE_NOTICE"))])
    stored = person(resident["person_id"])
    assert stored.color == "GREEN" and stored.reasons == []
    assert [h.color for h in history(resident["person_id"])] == ["RED", "GREEN"]


def test_a_fact_that_changes_nothing_writes_nothing(deliver, resident):
    from infra.local.embedded import count_aws_calls

    fact = add_fact(resident["person_id"], "HEALTH_CERTIFICATE", result="HIGH_RISK")  # shown, never a colour
    with count_aws_calls() as calls:
        deliver([stream_record(fact)])
    assert not [op for op in calls if op.split(".")[1] in ("PutItem", "UpdateItem", "TransactWriteItems",
                                                            "BatchWriteItem")]
    assert history(resident["person_id"]) == []


def test_a_hundred_facts_of_one_person_are_one_recompute(deliver, resident):
    from infra.local.embedded import count_aws_calls

    facts = [add_fact(resident["person_id"], "NUCLEIC_ACID", result="POSITIVE" if i == 99 else "NEGATIVE",
                      at=None) for i in range(100)]
    with count_aws_calls() as calls:
        assert deliver([stream_record(f) for f in facts]) == {"batchItemFailures": []}
    assert calls["dynamodb.Query"] == 1 and calls["dynamodb.BatchGetItem"] == 1
    assert calls["dynamodb.TransactWriteItems"] == 1
    assert len(history(resident["person_id"])) == 1


def test_a_replayed_batch_leaves_the_same_state_and_no_second_entry(deliver, resident):
    records = [stream_record(add_fact(resident["person_id"], "CONFIRMED"))]
    deliver(records)
    before = person(resident["person_id"])
    deliver(records)
    after = person(resident["person_id"])
    assert (after.color, after.reasons, after.version) == (before.color, before.reasons, before.version)
    assert len(history(resident["person_id"])) == 1


def test_a_half_failed_batch_reports_the_failed_record_and_its_redelivery_completes(deliver, lambdas, monkeypatch):
    from healthcode.colour import recompute

    ids = [_new_person() for _ in range(3)]
    records = [stream_record(add_fact(pid, "CONFIRMED")) for pid in ids]
    real = recompute.recompute_person

    def flaky(person_id, *args, **kwargs):
        if person_id == ids[1]:
            raise RuntimeError("throttled")
        return real(person_id, *args, **kwargs)

    monkeypatch.setattr(recompute, "recompute_person", flaky)
    answer = deliver(records)
    assert answer == {"batchItemFailures": [{"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]}
    assert [person(pid).color for pid in ids] == ["RED", "GREEN", "RED"]
    monkeypatch.setattr(recompute, "recompute_person", real)
    assert deliver(records[1:]) == {"batchItemFailures": []}  # Lambda resumes at the failed record
    assert [person(pid).color for pid in ids] == ["RED", "RED", "RED"]
    assert [len(history(pid)) for pid in ids] == [1, 1, 1]


def test_later_records_of_a_person_whose_recompute_failed_fail_too(deliver, monkeypatch, resident):
    from healthcode.colour import recompute

    other = _new_person()
    records = [stream_record(add_fact(pid, "CONFIRMED")) for pid in (resident["person_id"], other,
                                                                      resident["person_id"])]
    real = recompute.recompute_person

    def failing_for_resident(person_id, *args, **kwargs):
        if person_id == resident["person_id"]:
            raise RuntimeError("throttled")
        return real(person_id, *args, **kwargs)

    monkeypatch.setattr(recompute, "recompute_person", failing_for_resident)
    answer = deliver(records)
    assert [f["itemIdentifier"] for f in answer["batchItemFailures"]] == [
        records[0]["dynamodb"]["SequenceNumber"], records[2]["dynamodb"]["SequenceNumber"]]


def test_a_batch_that_fails_entirely_fails_the_invocation(deliver, monkeypatch, resident):
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
    from healthcode.colour import recompute

    records = [stream_record(add_fact(resident["person_id"], "CONFIRMED"))]
    monkeypatch.setattr(recompute, "recompute_person", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("x")))
    with pytest.raises(BatchProcessingError):
        deliver(records)


def test_a_version_conflict_is_retried_with_fresh_facts(resident):
    from healthcode.colour.recompute import recompute_person
    from healthcode.models import Person

    stale = Person.get(resident["person_id"], consistent_read=True)
    fresh = Person.get(resident["person_id"], consistent_read=True)
    fresh.update(actions=[Person.country.set("中国")])  # somebody else wrote the person meanwhile
    add_fact(resident["person_id"], "CONFIRMED")
    outcome = recompute_person(resident["person_id"], person=stale)
    assert outcome.changed and outcome.attempts == 2
    stored = person(resident["person_id"])
    assert stored.color == "RED" and stored.country == "中国"


def test_a_running_quarantine_sets_the_review_time_at_its_end(deliver, resident):
    from healthcode.core import clock

    end = clock.now() + timedelta(days=7)
    deliver([stream_record(add_fact(resident["person_id"], "HOME_QUARANTINE", valid_from=clock.now() - timedelta(
        days=1), valid_until=end))])
    stored = person(resident["person_id"])
    assert stored.color == "RED" and stored.reasons[0]["until"] == clock.iso(end)
    assert stored.next_review_at == clock.iso(end) and stored.review_shard == "R"


def test_the_review_turns_an_ended_quarantine_green_and_leaves_the_index(deliver, resident):
    from healthcode.colour.recompute import review_due
    from healthcode.core import clock

    end = clock.now() + timedelta(days=7)
    deliver([stream_record(add_fact(resident["person_id"], "CENTRAL_QUARANTINE",
                                    valid_from=clock.now() - timedelta(days=7), valid_until=end))])
    counts = review_due(now=end)
    assert counts["due"] >= 1 and counts["failed"] == 0
    stored = person(resident["person_id"])
    assert stored.color == "GREEN" and stored.next_review_at is None and stored.review_shard is None
    assert [h.purpose for h in history(resident["person_id"])] == ["stream", "review"]


def test_a_future_quarantine_turns_red_when_it_starts(deliver, resident):
    from healthcode.colour.recompute import review_due
    from healthcode.core import clock

    start = clock.now() + timedelta(days=1)
    deliver([stream_record(add_fact(resident["person_id"], "HOME_QUARANTINE", valid_from=start,
                                    valid_until=start + timedelta(days=14)))])
    assert person(resident["person_id"]).color == "GREEN"
    assert person(resident["person_id"]).next_review_at == clock.iso(start)
    review_due(now=start)
    assert person(resident["person_id"]).color == "RED"


def test_the_scheduled_handler_reviews_whoever_is_due_without_a_scan(lambdas, resident):
    from healthcode.core import clock
    from healthcode.models import Person

    from infra.local.embedded import count_aws_calls

    ended = clock.now() - timedelta(minutes=5)
    add_fact(resident["person_id"], "HOME_QUARANTINE", valid_from=ended - timedelta(days=14), valid_until=ended)
    stale = Person.get(resident["person_id"])
    stale.update(actions=[Person.color.set("RED"), Person.reasons.set([{"code": "HOME_QUARANTINE", "since": "x"}]),
                          Person.next_review_at.set(clock.iso(ended)), Person.review_shard.set("R")])
    with count_aws_calls() as calls:
        lambdas["StatusReviewFunction"].invoke({"detail-type": "Scheduled Event", "detail": {}})
    assert calls["dynamodb.Scan"] == 0 and calls["dynamodb.Query"] >= 1
    assert person(resident["person_id"]).color == "GREEN"


def _new_person():
    import random

    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create

    from infra.local.demo import id_number

    number = id_number(f"440106{random.randint(1986, 2010)}0{random.randint(1, 9)}{random.randint(10, 28)}"
                       f"{random.randint(100, 999)}")
    created, _ = find_or_create(NewPerson(parse_document("ID_CARD", number), "周测试"))
    return created.person_id


def test_the_code_page_shows_the_latest_nucleic_acid_test(deliver, resident, lambdas, event, invoke):
    from healthcode.core import clock

    older = add_fact(resident["person_id"], "NUCLEIC_ACID", at=clock.now() - timedelta(days=3), result="NEGATIVE",
                     details={"institution": "甲医院"})
    latest = add_fact(resident["person_id"], "NUCLEIC_ACID", at=clock.now() - timedelta(days=1), result="NEGATIVE",
                      details={"institution": "广州金域医学检验中心"})
    assert deliver([stream_record(latest), stream_record(older)]) == {"batchItemFailures": []}
    status, body = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"]))
    assert status == 200 and body["color"] == "GREEN"
    assert body["nucleic_acid"] == {"result": "NEGATIVE", "institution": "广州金域医学检验中心",
                                    "tested_at": latest.occurred_at}


def test_a_negative_test_is_stored_for_the_code_page_without_a_history_entry(deliver, resident):
    fact = add_fact(resident["person_id"], "NUCLEIC_ACID", result="NEGATIVE", details={"institution": "乙医院"})
    assert deliver([stream_record(fact)]) == {"batchItemFailures": []}
    assert person(resident["person_id"]).nucleic_acid["result"] == "NEGATIVE"
    assert history(resident["person_id"]) == []


def test_without_a_test_the_code_page_shows_none(resident, lambdas, event, invoke):
    status, body = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"]))
    assert status == 200 and body["nucleic_acid"] is None
