"""GET /v1/me/records?kind= through the records handler: every kind, newest first, paged, masked, audited."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

import pytest


def ago(**delta) -> str:
    from healthcode.core import clock

    return clock.iso(clock.now() - timedelta(**delta))


def fed(feed_records, lambdas, event, invoke):
    status, body = invoke(lambdas["FeedsFunction"], event("feeds-health-events.json", body=feed_records))
    assert status == 200, body
    return body


def person_ref(resident):
    return {"id_type": "ID_CARD", "id_number": resident["id_number"], "name": "陈大文"}


@pytest.fixture
def records(lambdas, event, invoke):
    def read(person_id, kind, **query):
        return invoke(lambdas["RecordsFunction"], event("records-list.json", person_id=person_id,
                                                        query={"kind": kind} | query))

    return read


def test_nucleic_acid_tests_with_result_institution_and_time_newest_first(lambdas, event, invoke, records,
                                                                            resident):
    fed([{"event_id": f"r-{uuid.uuid4().hex}", "person": person_ref(resident), "kind": "NUCLEIC_ACID",
          "occurred_at": ago(days=days), "result": result, "details": {"institution": institution}}
         for days, result, institution in [(3, "NEGATIVE", "金域检验"), (1, "POSITIVE", "第八人民医院")]],
        lambdas, event, invoke)
    status, body = records(resident["person_id"], "nucleic_acid")
    assert status == 200 and body["kind"] == "nucleic_acid" and body["next_cursor"] is None
    assert [(i["result"], i["institution"]) for i in body["items"]] == [
        ("POSITIVE", "第八人民医院"), ("NEGATIVE", "金域检验")]
    assert body["items"][0]["at"] > body["items"][1]["at"]


def test_each_kind_lists_only_its_own_facts(lambdas, event, invoke, records, resident):
    fed([{"event_id": f"r-{uuid.uuid4().hex}", "person": person_ref(resident), "kind": "ANTIBODY",
          "occurred_at": ago(days=2), "result": "NEGATIVE", "details": {"institution": "金域检验"}},
         {"event_id": f"r-{uuid.uuid4().hex}", "person": person_ref(resident), "kind": "HEALTH_CERTIFICATE",
          "occurred_at": ago(days=1), "result": "HIGH_RISK"},
         {"event_id": f"r-{uuid.uuid4().hex}", "person": person_ref(resident), "kind": "ENTRY_REGISTRATION",
          "occurred_at": ago(hours=5), "details": {"from_city": "武汉", "arrival_date": "2026-11-26"}}],
        lambdas, event, invoke)
    assert [i["result"] for i in records(resident["person_id"], "antibody")[1]["items"]] == ["NEGATIVE"]
    certificate = records(resident["person_id"], "health_certificate")[1]["items"]
    assert [c["status"] for c in certificate] == ["HIGH_RISK"]
    entries = records(resident["person_id"], "entry_registration")[1]["items"]
    assert entries[0]["details"] == {"from_city": "武汉", "arrival_date": "2026-11-26"}
    assert records(resident["person_id"], "nucleic_acid")[1]["items"] == []


def test_a_high_risk_certificate_is_shown_but_the_code_stays_green(lambdas, event, invoke, records, resident):
    from healthcode.colour.recompute import recompute_person

    fed([{"event_id": f"r-{uuid.uuid4().hex}", "person": person_ref(resident), "kind": "HEALTH_CERTIFICATE",
          "occurred_at": ago(days=1), "result": "HIGH_RISK"}], lambdas, event, invoke)
    assert recompute_person(resident["person_id"]).color == "GREEN"


def test_inbound_entries_show_country_masked_document_date_port_and_vehicle(lambdas, event, invoke, records):
    passport = f"E{random.randint(10000000, 99999999)}"
    body = fed([{"event_id": f"r-{uuid.uuid4().hex}", "kind": "INBOUND_ENTRY", "occurred_at": ago(days=2),
                 "person": {"id_type": "PASSPORT", "id_number": passport, "name": "MARY LEE"},
                 "details": {"country": "新加坡", "entry_date": "2026-11-25", "port": "白云机场", "vehicle": "SQ850"}}],
               lambdas, event, invoke)
    assert body["people_created"] == 1
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import find_by_document

    traveller = find_by_document(parse_document("PASSPORT", passport))
    status, answer = records(traveller.person_id, "inbound_entry")
    item = answer["items"][0]
    assert item | {"country": "新加坡", "entry_date": "2026-11-25", "port": "白云机场", "vehicle": "SQ850",
                   "doc_type": "PASSPORT"} == item
    assert item["doc_number"] != passport and item["doc_number"].endswith(passport[-4:]) and "*" in item["doc_number"]
    assert passport not in str(answer)


def test_declarations_are_listed_newest_first(records, resident):
    from healthcode.models import Declaration

    for hours, temperature in ((5, 36.6), (1, 36.9)):
        at = ago(hours=hours)
        Declaration(person_id=resident["person_id"], sk=f"{at}#{uuid.uuid4().hex}", declaration_id="d",
                    type="EMPLOYEE", place_id="org-1", temperature_c=temperature, symptoms=[],
                    declared_by=resident["person_id"], created_at=at).save()
    items = records(resident["person_id"], "declaration")[1]["items"]
    assert [(i["type"], i["temperature_c"], i["declared_by_guardian"]) for i in items] == [
        ("EMPLOYEE", 36.9, False), ("EMPLOYEE", 36.6, False)]


def test_displays_of_the_last_three_days(lambdas, event, invoke, records, resident):
    invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"]))
    items = records(resident["person_id"], "display")[1]["items"]
    assert [(i["kind"], i["color"], i["code_type"], i["result"]) for i in items] == [
        ("display", "GREEN", "R", "SUCCESS")]


def test_temperature_checks_from_venues(records, resident):
    from healthcode.core import clock
    from healthcode.models import Check, Place

    place_id = f"venue-{uuid.uuid4().hex[:8]}"
    Place(place_id=place_id, kind="VENUE", name="天河城", join_code=uuid.uuid4().hex[:8],
          created_at=clock.iso(clock.now())).save()
    for minutes, temperature in ((30, "NORMAL"), (10, "FEVER")):
        at = ago(minutes=minutes)
        Check(place_date=f"{place_id}#{clock.local_date(clock.now())}", sk=f"{at}#{uuid.uuid4().hex}", check_id="c",
              place_id=place_id, person_id=resident["person_id"], temperature=temperature, color="GREEN",
              code_type="R", checked_at=at).save()
    items = records(resident["person_id"], "temperature")[1]["items"]
    assert [(i["temperature"], i["place_name"]) for i in items] == [("FEVER", "天河城"), ("NORMAL", "天河城")]


def test_records_page_with_a_cursor(lambdas, event, invoke, records, resident):
    fed([{"event_id": f"r-{uuid.uuid4().hex}", "person": person_ref(resident), "kind": "NUCLEIC_ACID",
          "occurred_at": ago(days=d), "result": "NEGATIVE", "details": {"institution": "x"}} for d in (1, 2, 3)]
        + [{"event_id": f"r-{uuid.uuid4().hex}", "person": person_ref(resident), "kind": "ANTIBODY",
            "occurred_at": ago(hours=36), "result": "NEGATIVE", "details": {"institution": "x"}}],
        lambdas, event, invoke)
    first = records(resident["person_id"], "nucleic_acid", limit="2")[1]
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = records(resident["person_id"], "nucleic_acid", limit="2", cursor=first["next_cursor"])[1]
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    times = [i["at"] for i in first["items"] + second["items"]]
    assert times == sorted(times, reverse=True)


def test_a_cursor_of_another_person_is_refused(lambdas, event, invoke, records, resident):
    from healthcode.core import api

    cursor = api.encode_cursor({"person_id": {"S": "01JSOMEBODYELSE00000000000"}, "sk": {"S": "x"}})
    status, body = records(resident["person_id"], "nucleic_acid", cursor=cursor)
    assert status == 400 and body["error"]["field"] == "cursor"


def test_a_guardian_reads_a_members_records_and_it_is_audited(records, resident):
    from healthcode.core import clock
    from healthcode.models import AuditEntry, Relation

    guardian = str(uuid.uuid4())
    Relation.make(guardian, "MEMBER", resident["person_id"], clock.iso(clock.now()), relation="PARENT").save()
    status, _ = records(guardian, "nucleic_acid", member=resident["person_id"])
    assert status == 200
    assert [(e.actor, e.purpose) for e in AuditEntry.query(resident["person_id"]) if e.action == "RECORDS_READ"] == [
        (guardian, "nucleic_acid")]


def test_someone_elses_records_are_not_found(records, resident):
    status, body = records(str(uuid.uuid4()), "nucleic_acid", member=resident["person_id"])
    assert status == 404 and body["error"]["field"] == "member"


@pytest.mark.parametrize("query,field", [({"kind": "vaccine"}, "kind"), ({"kind": "display", "limit": "0"}, "limit"),
                                         ({"kind": "display", "cursor": "%%%"}, "cursor")])
def test_bad_queries_name_the_field(lambdas, event, invoke, resident, query, field):
    status, body = invoke(lambdas["RecordsFunction"], event("records-list.json", person_id=resident["person_id"],
                                                            query=query))
    assert status == 400 and body["error"]["field"] == field


def test_kind_is_required(lambdas, event, invoke, resident):
    sample = event("records-list.json", person_id=resident["person_id"])
    sample["queryStringParameters"] = sample["multiValueQueryStringParameters"] = None
    status, body = invoke(lambdas["RecordsFunction"], sample)
    assert status == 400 and body["error"]["field"] == "kind"
