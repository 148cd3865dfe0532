"""POST /v1/feeds/health-events through the feeds handler: validation, idempotency, persons, batch writes."""

from __future__ import annotations

import json
import random
import uuid
from datetime import timedelta

import pytest

from infra.local.demo import id_number


def new_id_card() -> str:
    return id_number(f"440106{random.randint(1986, 2010)}0{random.randint(1, 9)}{random.randint(10, 28)}"
                     f"{random.randint(100, 999)}")


def ago(**delta) -> str:
    from healthcode.core import clock

    return clock.iso(clock.now() - timedelta(**delta))


def record(number=None, **overrides):
    base = {"event_id": f"t-{uuid.uuid4().hex}", "person": {"id_type": "ID_CARD", "id_number": number or new_id_card(),
                                                            "name": "林测试"},
            "kind": "NUCLEIC_ACID", "occurred_at": ago(hours=2), "result": "POSITIVE",
            "details": {"institution": "广州市第八人民医院"}}
    return base | overrides


def facts_of(document_number, id_type="ID_CARD"):
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import find_by_document
    from healthcode.models import HealthEvent

    person = find_by_document(parse_document(id_type, document_number, "01" if id_type.endswith("PERMIT") else None))
    return person, ([] if person is None else list(HealthEvent.query(person.person_id)))


@pytest.fixture
def feed(lambdas, event, invoke):
    def send(body, **changes):
        return invoke(lambdas["FeedsFunction"], event("feeds-health-events.json", body=body, **changes))

    return send


def test_a_record_is_stored_as_a_fact_of_a_new_person(feed):
    sent = record()
    status, body = feed([sent])
    assert status == 200, body
    assert body == {"accepted": 1, "stored": 1, "replayed": 0, "people_created": 1, "conflicts": []}
    person, facts = facts_of(sent["person"]["id_number"])
    assert person.kind == "RESIDENT" and person.name_masked == "林*试"
    assert [(f.kind, f.result, f.event_id, f.source) for f in facts] == [
        ("NUCLEIC_ACID", "POSITIVE", sent["event_id"], "feed:local-partner")]
    assert facts[0].sk == f"{facts[0].occurred_at}#{sent['event_id']}" and facts[0].occurred_at.endswith("+08:00")


def test_a_known_person_is_matched_by_document(feed, resident):
    status, body = feed([record(resident["id_number"])])
    assert status == 200 and body["people_created"] == 0
    person, facts = facts_of(resident["id_number"])
    assert person.person_id == resident["person_id"] and len(facts) == 1


def test_a_replayed_record_is_accepted_and_stored_once(feed):
    sent = record()
    feed([sent])
    status, body = feed([sent])
    assert status == 200 and body["stored"] == 0 and body["replayed"] == 1 and body["conflicts"] == []
    assert len(facts_of(sent["person"]["id_number"])[1]) == 1


def test_a_replay_written_with_another_time_zone_is_still_a_replay(feed):
    from healthcode.core import clock

    sent = record()
    feed([sent])
    utc = clock.parse(sent["occurred_at"]).astimezone(tz=None).isoformat()
    status, body = feed([sent | {"occurred_at": utc}])
    assert body["replayed"] == 1 and body["stored"] == 0


def test_the_same_record_twice_in_one_batch_is_stored_once(feed):
    sent = record()
    status, body = feed([sent, sent])
    assert status == 200 and body["stored"] == 1 and body["replayed"] == 1
    assert len(facts_of(sent["person"]["id_number"])[1]) == 1


def test_the_same_event_id_with_other_content_refuses_the_batch_naming_index_and_field(feed):
    sent = record()
    feed([sent])
    status, body = feed([record(), sent | {"result": "NEGATIVE"}])
    assert status == 409 and body["error"]["code"] == "EVENT_CONFLICT"
    assert body["error"]["field"] == "records[1].event_id"
    assert body["error"]["details"]["records"] == [
        {"index": 1, "field": "event_id", "code": "EVENT_CONFLICT", "event_id": sent["event_id"],
         "problem": "an event with this event_id and other content is already stored"}]


def test_a_conflicting_batch_stores_nothing_and_creates_nobody(feed):
    sent = record()
    feed([sent])
    fresh = record()
    feed([fresh, sent | {"result": "NEGATIVE"}])
    assert facts_of(fresh["person"]["id_number"]) == (None, [])
    assert [f.result for f in facts_of(sent["person"]["id_number"])[1]] == ["POSITIVE"]


def test_the_same_event_id_with_other_content_in_one_batch_is_refused(feed):
    sent = record()
    status, body = feed([sent, sent | {"result": "NEGATIVE"}])
    assert status == 400
    assert body["error"]["details"]["records"][0] | {"index": 1, "field": "event_id"} == \
        body["error"]["details"]["records"][0]


def test_a_fact_lost_after_its_marker_was_written_is_stored_by_the_replay(feed):
    from healthcode.models import HealthEvent

    sent = record()
    feed([sent])
    person, facts = facts_of(sent["person"]["id_number"])
    facts[0].delete()
    status, body = feed([sent])
    assert body["stored"] == 1 and body["replayed"] == 0
    assert len(list(HealthEvent.query(person.person_id))) == 1


def test_an_inbound_entry_creates_an_inbound_traveller_with_the_country(feed):
    passport = f"E{random.randint(10000000, 99999999)}"
    sent = record(kind="INBOUND_ENTRY", result=None, person={"id_type": "PASSPORT", "id_number": passport,
                                                             "name": "JOHN SMITH"},
                  details={"country": "英国", "entry_date": "2026-11-20", "port": "深圳湾口岸", "vehicle": "CX123"})
    status, body = feed([sent])
    assert status == 200, body
    person, facts = facts_of(passport, "PASSPORT")
    assert person.kind == "INBOUND" and person.country == "英国" and person.name_masked == "J*** S****"


def test_an_inbound_entry_of_a_known_traveller_records_the_country(feed):
    passport = f"G{random.randint(10000000, 99999999)}"
    feed([record(person={"id_type": "PASSPORT", "id_number": passport, "name": "ANA LIMA"})])
    feed([record(kind="INBOUND_ENTRY", result=None, person={"id_type": "PASSPORT", "id_number": passport,
                                                            "name": "ANA LIMA"},
                 details={"country": "巴西", "entry_date": "2026-11-21", "port": "白云机场", "vehicle": "CZ300"})])
    assert facts_of(passport, "PASSPORT")[0].country == "巴西"


def test_a_permit_without_issue_count_is_matched_by_its_number(feed):
    permit = f"H{random.randint(10000000, 99999999)}"
    status, body = feed([record(person={"id_type": "HK_MACAU_PERMIT", "id_number": permit, "name": "陈港澳"})])
    assert status == 200, body
    assert facts_of(permit, "HK_MACAU_PERMIT")[0] is not None


BAD_RECORDS = [
    ("bad ID check digit", lambda r: r | {"person": r["person"] | {"id_number": "440106199001011230"}},
     "person.id_number", "INVALID_ID_NUMBER"),
    ("unknown kind", lambda r: r | {"kind": "VACCINE"}, "kind", "VALIDATION_ERROR"),
    ("missing event_id", lambda r: {k: v for k, v in r.items() if k != "event_id"}, "event_id", "VALIDATION_ERROR"),
    ("event_id with a hash", lambda r: r | {"event_id": "a#b"}, "event_id", "VALIDATION_ERROR"),
    ("period ends before it starts",
     lambda r: r | {"kind": "HOME_QUARANTINE", "result": None, "details": {}, "valid_from": ago(hours=1),
                    "valid_until": ago(hours=5)}, "valid_until", "VALIDATION_ERROR"),
    ("contact ends before it was recorded",
     lambda r: r | {"kind": "CLOSE_CONTACT", "result": None, "details": {}, "valid_until": ago(hours=5)},
     "valid_until", "VALIDATION_ERROR"),
    ("quarantine without its start", lambda r: r | {"kind": "CENTRAL_QUARANTINE", "result": None, "details": {},
                                                    "valid_until": ago(hours=-5)}, "valid_from", "VALIDATION_ERROR"),
    ("result on a kind without one", lambda r: r | {"kind": "CONFIRMED", "details": {}}, "result", "VALIDATION_ERROR"),
    ("missing test result", lambda r: {k: v for k, v in r.items() if k != "result"}, "result", "VALIDATION_ERROR"),
    ("unknown result", lambda r: r | {"result": "MAYBE"}, "result", "VALIDATION_ERROR"),
    ("missing institution", lambda r: r | {"details": {}}, "details.institution", "VALIDATION_ERROR"),
    ("period on a test", lambda r: r | {"valid_until": ago(hours=-5)}, "valid_until", "VALIDATION_ERROR"),
    ("inbound entry on an ID card",
     lambda r: r | {"kind": "INBOUND_ENTRY", "result": None,
                    "details": {"country": "英国", "entry_date": "2026-11-20", "port": "深圳湾", "vehicle": "CX1"}},
     "person.id_type", "VALIDATION_ERROR"),
    ("entry date not a date",
     lambda r: r | {"kind": "INBOUND_ENTRY", "result": None, "person": {"id_type": "PASSPORT", "id_number": "E1234567",
                                                                       "name": "A B"},
                    "details": {"country": "英国", "entry_date": "yesterday", "port": "深圳湾", "vehicle": "CX1"}},
     "details.entry_date", "VALIDATION_ERROR"),
    ("itinerary without phone",
     lambda r: r | {"kind": "ITINERARY", "result": None, "details": {"city": "深圳", "date": "2026-11-20"}},
     "person.phone", "VALIDATION_ERROR"),
    ("occurred in the future", lambda r: r | {"occurred_at": ago(hours=-3)}, "occurred_at", "VALIDATION_ERROR"),
    ("occurred_at not a time", lambda r: r | {"occurred_at": "27/11/2026 10:00"}, "occurred_at", "VALIDATION_ERROR"),
    ("unknown field", lambda r: r | {"colour": "RED"}, "colour", "VALIDATION_ERROR"),
    ("name with digits", lambda r: r | {"person": r["person"] | {"name": "R2D2"}}, "person.name", "VALIDATION_ERROR"),
    ("bad phone", lambda r: r | {"person": r["person"] | {"phone": "12345"}}, "person.phone", "VALIDATION_ERROR"),
    ("nested details", lambda r: r | {"details": {"institution": {"name": "x"}}}, "details.institution",
     "VALIDATION_ERROR"),
    ("not an object", lambda r: "NUCLEIC_ACID", "record", "VALIDATION_ERROR"),
]


@pytest.mark.parametrize("change,field,code", [b[1:] for b in BAD_RECORDS], ids=[b[0] for b in BAD_RECORDS])
def test_a_bad_record_is_named_by_index_and_field_and_nothing_is_stored(feed, change, field, code):
    good = record()
    bad = change(record())
    status, body = feed([good, bad])
    assert status == 400, body
    problems = body["error"]["details"]["records"]
    assert {(p["index"], p["field"], p["code"]) for p in problems} >= {(1, field, code)}
    assert all(p["index"] == 1 for p in problems)
    assert facts_of(good["person"]["id_number"]) == (None, [])


def test_every_bad_record_of_a_batch_is_named(feed):
    batch = [record(kind="VACCINE"), record(), record(result="MAYBE"), record(), record(details={})]
    status, body = feed(batch)
    assert status == 400
    assert [(p["index"], p["field"]) for p in body["error"]["details"]["records"]] == [
        (0, "kind"), (2, "result"), (4, "details.institution")]
    assert body["error"]["code"] == "VALIDATION_ERROR" and body["error"]["field"] == "records[0].kind"


@pytest.mark.parametrize("body,problem", [({"records": []}, "list"), ([], "no records"), ("[", "JSON"), (None, "body")])
def test_a_body_that_is_not_a_batch_is_refused(feed, body, problem):
    status, answer = feed(body)
    assert status == 400 and answer["error"]["field"] == "body" and problem in answer["error"]["message"]


def test_more_than_500_records_are_refused(feed):
    status, body = feed([record() for _ in range(501)])
    assert status == 400 and body["error"]["field"] == "body" and "500" in body["error"]["message"]


def test_a_session_cannot_send_feeds(feed, resident):
    status, body = feed([record()], person_id=resident["person_id"])
    assert status == 403 and body["error"]["code"] == "FORBIDDEN"


def test_without_the_authorizers_context_the_feed_is_401(lambdas, event, invoke):
    sample = event("feeds-health-events.json", body=[record()])
    sample["requestContext"].pop("authorizer")
    assert invoke(lambdas["FeedsFunction"], sample)[0] == 401


def test_500_records_are_stored_with_batch_writes(feed):
    from infra.local.embedded import count_aws_calls

    people = [new_id_card() for _ in range(25)]
    batch = [record(people[i % 25], occurred_at=ago(minutes=i + 1)) for i in range(500)]
    with count_aws_calls() as calls:
        status, body = feed(batch)
    assert status == 200 and body["stored"] == 500 and body["people_created"] == 25
    assert calls["dynamodb.PutItem"] == 0
    assert calls["dynamodb.BatchWriteItem"] == 40  # 500 facts + 500 markers, 25 a call


def test_500_records_at_their_size_limits_are_accepted_in_one_request(feed, event):
    # GIVEN 500 records whose details are near their 2 kB limit: a body over the other routes' 1 MiB
    from healthcode.colour.feeds import MAX_DETAILS_BYTES

    details = {"institution": "广州市第八人民医院"} | {f"note{n}": "x" * 190 for n in range(9)}
    assert len(json.dumps(details, ensure_ascii=False).encode()) <= MAX_DETAILS_BYTES
    people = [new_id_card() for _ in range(10)]
    batch = [record(people[i % 10], occurred_at=ago(minutes=i + 1), details=details) for i in range(500)]
    sample = event("feeds-health-events.json", body=batch)
    assert len(sample["body"]) > 1_048_576
    # WHEN they are sent at once
    status, body = feed(batch)
    # THEN all are stored, and the proxy event stays within Lambda's 6 MB payload limit
    assert status == 200 and body["stored"] == 500, body
    assert len(json.dumps(sample).encode()) < 6 * 1024 * 1024


def test_a_body_over_the_feed_limit_is_refused_naming_the_body(feed):
    from healthcode.colour.feeds import MAX_BODY_BYTES

    status, body = feed("[" + " " * MAX_BODY_BYTES + "]")
    assert status == 400 and body["error"]["field"] == "body" and body["error"]["code"] == "BODY_TOO_LARGE"
