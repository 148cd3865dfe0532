"""Health declarations through the declarations handler: append-only, for oneself or a member, org binding."""

from __future__ import annotations

import random

import pytest

from infra.local.demo import id_number


def declaration(**changes):
    body = {"type": "PERSONAL", "temperature_c": 36.5, "symptoms": [],
            "answers": {"contact_with_case": False, "current_city": "广州市"}}
    body.update(changes)
    return body


@pytest.fixture
def declare(lambdas, event, invoke):
    def send(person_id, roles=("resident",), member=None, **changes):
        return invoke(lambdas["DeclarationsFunction"], event(
            "declarations-declare.json", person_id=person_id, roles=list(roles), body=declaration(**changes),
            query={"member": member} if member else {}))

    return send


@pytest.fixture
def declared(lambdas, event, invoke):
    def read(person_id, **query):
        return invoke(lambdas["DeclarationsFunction"], event("declarations-list.json", person_id=person_id,
                                                              query=query))

    return read


@pytest.fixture
def child_of(lambdas, event, invoke):
    def add(guardian_id):
        number = id_number(f"4401002015{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}")
        status, body = invoke(lambdas["FamilyFunction"], event("family-add.json", person_id=guardian_id, body={
            "relation": "CHILD", "name": "陈小明", "id_type": "ID_CARD", "id_number": number,
            "verification": {"method": "ID_MATCH", "proof": "dev-pass"}}))
        assert status == 201, body
        return body["person_id"]

    return add


def test_a_resident_declares_and_reads_it_back(declare, declared, resident):
    # GIVEN a resident WHEN they declare a normal temperature and no symptoms
    status, body = declare(resident["person_id"], temperature_c=36.6)

    # THEN the declaration is stored, labelled in Chinese, and listed
    assert status == 201, body
    assert body | {"type": "PERSONAL", "type_label": "个人健康申报", "temperature_c": 36.6, "symptoms": [],
                   "fever": False, "declared_by_guardian": False} == body
    assert body["answer_labels"]["contact_with_case"].startswith("14天内")
    status, listed = declared(resident["person_id"])
    assert status == 200 and [item["declaration_id"] for item in listed["items"]] == [body["declaration_id"]]


def test_a_correction_is_a_new_declaration_and_the_latest_is_what_scanners_see(declare, declared, resident):
    from healthcode.models.declarations import latest_summary

    # GIVEN a declaration WHEN the resident corrects it by declaring again (FAQ 9)
    declare(resident["person_id"], temperature_c=36.5)
    declare(resident["person_id"], temperature_c=37.8, symptoms=["fever", "cough"])

    # THEN both are kept, newest first, and the newest is the scan summary
    items = declared(resident["person_id"])[1]["items"]
    assert [item["temperature_c"] for item in items] == [37.8, 36.5]
    assert items[0]["symptom_labels"] == ["发热", "咳嗽"] and items[0]["fever"] is True
    summary = latest_summary(resident["person_id"])
    assert summary["temperature_c"] == 37.8 and summary["healthy"] is False


def test_there_is_no_route_to_edit_or_delete_a_declaration():
    from infra.template import load_template, routes

    methods = {r.method.upper() for r in routes(load_template()) if r.path.startswith("/v1/me/declarations")}
    assert methods == {"GET", "POST"}


def test_a_guardian_declares_for_a_child(declare, declared, resident, child_of):
    from healthcode.models import AuditEntry

    # GIVEN a guardian and their child WHEN the guardian declares for the child
    child = child_of(resident["person_id"])
    status, body = declare(resident["person_id"], member=child, type="STUDENT")

    # THEN it is the child's declaration, marked as made by the guardian, and the guardian's read is audited
    assert status == 201 and body["person_id"] == child and body["declared_by_guardian"] is True
    assert declared(resident["person_id"])[1]["items"] == []
    items = declared(resident["person_id"], member=child)[1]["items"]
    assert [item["type_label"] for item in items] == ["学生健康申报"]
    assert [e.action for e in AuditEntry.query(child) if e.actor == resident["person_id"]][-1] == "DECLARATIONS_READ"


def test_nobody_declares_for_or_reads_someone_elses_member(declare, declared, resident, child_of, lambdas, event,
                                                           invoke):
    child = child_of(resident["person_id"])
    status, answer = invoke(lambdas["AuthFunction"], event("auth-login.json", body={
        "id_type": "ID_CARD", "id_number": id_number("44010019770707123"), "name": "王路人", "method": "FACE",
        "proof": "dev-pass"}))
    stranger = answer["person_id"]
    assert declare(stranger, member=child)[0] == 404
    assert declared(stranger, member=child)[0] == 404
    assert declared(resident["person_id"], member=child)[1]["items"] == []


def test_inbound_travellers_cannot_declare(declare, declared, resident):
    # FAQ (二) 1: the inbound travellers' code only shows the code
    status, body = declare(resident["person_id"], roles=("inbound",))
    assert status == 403 and body["error"]["code"] == "INBOUND_NO_DECLARATION"
    assert declared(resident["person_id"])[1]["items"] == []


def test_an_org_member_declaration_needs_the_organization(declare, resident):
    status, body = declare(resident["person_id"], type="ORG_MEMBER")
    assert status == 400 and body["error"]["field"] == "place_id"


@pytest.mark.parametrize("kind", ["ORG_MEMBER", "EMPLOYEE"])
def test_declaring_to_an_organization_one_is_not_bound_to_is_forbidden(declare, declared, resident, kind):
    status, body = declare(resident["person_id"], type=kind, place_id="01JORGNOTMINE0000000000000")
    assert status == 403 and body["error"] | {"code": "NOT_ORG_MEMBER", "field": "place_id"} == body["error"]
    assert declared(resident["person_id"])[1]["items"] == []


def test_a_bound_member_declares_to_the_organization_and_it_lands_in_its_day(declare, resident):
    from healthcode.core import clock
    from healthcode.models import Declaration, Relation

    # GIVEN the resident is bound to an organization
    place_id = f"01JORG{random.randint(10**19, 10**20 - 1)}"
    Relation.make(resident["person_id"], "ORG", place_id, clock.iso(clock.now())).save()

    # WHEN they declare as its member
    status, body = declare(resident["person_id"], type="ORG_MEMBER", place_id=place_id)

    # THEN the organization's declarations of today hold it
    assert status == 201 and body["place_id"] == place_id
    today = f"{place_id}#{clock.local_date(clock.now()).isoformat()}"
    assert [d.declaration_id for d in Declaration.by_place_date.query(today)] == [body["declaration_id"]]


@pytest.mark.parametrize(("changes", "field"), [
    ({"type": "VISITOR"}, "type"),
    ({"type": None}, "type"),
    ({"temperature_c": 34.9}, "temperature_c"),
    ({"temperature_c": 42.1}, "temperature_c"),
    ({"temperature_c": 36.55}, "temperature_c"),
    ({"temperature_c": "36.6"}, "temperature_c"),
    ({"temperature_c": True}, "temperature_c"),
    ({"symptoms": ["headache"]}, "symptoms.0"),
    ({"symptoms": ["cough", "sneezing"]}, "symptoms.1"),
    ({"symptoms": "cough"}, "symptoms"),
    ({"answers": {f"q{i}": True for i in range(21)}}, "answers"),
    ({"answers": {"Bad Key": True}}, "answers.Bad Key"),
    ({"answers": {"count": 3}}, "answers.count"),
    ({"answers": {"remarks": "很长" * 101}}, "answers.remarks"),
    ({"answers": ["yes"]}, "answers"),
    ({"place_id": "bad id!"}, "place_id"),
    ({"mood": "good"}, "mood"),
])
def test_bad_input_names_the_field_and_writes_nothing(declare, declared, resident, changes, field):
    status, body = declare(resident["person_id"], **changes)
    assert status == 400, body
    assert body["error"]["field"] == field
    assert declared(resident["person_id"])[1]["items"] == []


def test_declarations_page_with_a_cursor(declare, declared, resident):
    for reading in (36.1, 36.2, 36.3):
        declare(resident["person_id"], temperature_c=reading)
    status, first = declared(resident["person_id"], limit="2")
    status, second = declared(resident["person_id"], limit="2", cursor=first["next_cursor"])
    assert [i["temperature_c"] for i in first["items"] + second["items"]] == [36.3, 36.2, 36.1]
    assert second["next_cursor"] is None
