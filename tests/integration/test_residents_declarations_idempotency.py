"""POST /v1/me/declarations with an Idempotency-Key: a retried submit stores once and gets the first answer."""

from __future__ import annotations

import random
import uuid

import pytest
from orgs_support import create_org, drain, member_of, new_person, stats

from infra.local.demo import id_number


def declaration(**changes):
    return {"type": "PERSONAL", "temperature_c": 36.5, "symptoms": [],
            "answers": {"contact_with_case": False, "current_city": "广州市"}} | changes


@pytest.fixture
def declare(lambdas, event, invoke):
    def send(person_id, key=None, member=None, **changes):
        headers = {"Idempotency-Key": key} if key is not None else {}
        return invoke(lambdas["DeclarationsFunction"], event(
            "declarations-declare.json", person_id=person_id, body=declaration(**changes), headers=headers,
            query={"member": member} if member else {}))

    return send


def stored(person_id):
    from healthcode.models import Declaration

    return [item.declaration_id for item in Declaration.query(person_id)]


def new_key():
    return f"h5-{uuid.uuid4()}"


def test_the_same_key_twice_stores_once_and_answers_the_first_answer_again(declare, resident):
    # GIVEN a declaration submitted with a key
    key = new_key()
    first = declare(resident["person_id"], key, temperature_c=36.7)

    # WHEN the page retries it with the same key and body
    again = declare(resident["person_id"], key, temperature_c=36.7)

    # THEN the retry gets the same status and body, and one declaration is stored
    assert first[0] == 201, first
    assert again == first
    assert stored(resident["person_id"]) == [first[1]["declaration_id"]]


@pytest.mark.parametrize("change", [{"temperature_c": 37.9}, {"symptoms": ["cough"]}, {"type": "SELF_CHECK"},
                                    {"answers": {"contact_with_case": True}}])
def test_the_same_key_with_another_body_is_422_naming_the_header_and_stores_nothing(declare, resident, change):
    # GIVEN a declaration stored under a key
    key = new_key()
    status, first = declare(resident["person_id"], key)
    assert status == 201, first

    # WHEN another body comes with the same key
    status, body = declare(resident["person_id"], key, **change)

    # THEN it is refused, naming the header, and nothing more is stored
    assert status == 422 and body["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert body["error"]["field"] == "Idempotency-Key" and body["error"]["message_zh"]
    assert stored(resident["person_id"]) == [first["declaration_id"]]


def test_two_keys_store_two_declarations(declare, resident):
    declare(resident["person_id"], new_key())
    declare(resident["person_id"], new_key())
    assert len(stored(resident["person_id"])) == 2


def test_without_a_key_every_submit_is_a_new_declaration(declare, resident):
    first = declare(resident["person_id"])
    second = declare(resident["person_id"])
    assert first[0] == second[0] == 201
    assert first[1]["declaration_id"] != second[1]["declaration_id"]
    assert len(stored(resident["person_id"])) == 2


@pytest.mark.parametrize("key", ["", "x" * 129, "has space", "中文", "a/b"])
def test_a_malformed_key_is_400_naming_the_header_and_stores_nothing(declare, resident, key):
    status, body = declare(resident["person_id"], key)
    assert status == 400 and body["error"]["field"] == "Idempotency-Key"
    assert stored(resident["person_id"]) == []


def test_the_header_name_is_case_insensitive(lambdas, event, invoke, resident):
    key = new_key()
    answers = [invoke(lambdas["DeclarationsFunction"], event(
        "declarations-declare.json", person_id=resident["person_id"], body=declaration(), headers={name: key}))
        for name in ("Idempotency-Key", "idempotency-key")]
    assert answers[0] == answers[1] and len(stored(resident["person_id"])) == 1


def test_the_same_key_from_another_person_is_their_own_declaration(declare, resident, lambdas):
    # GIVEN two people who happen to send the same key
    other = new_person(lambdas)
    key = new_key()

    # WHEN both declare with it
    mine = declare(resident["person_id"], key)[1]
    theirs = declare(other, key)[1]

    # THEN each has their own declaration
    assert stored(resident["person_id"]) == [mine["declaration_id"]]
    assert stored(other) == [theirs["declaration_id"]]


def test_a_guardian_using_one_key_for_self_and_a_child_declares_for_both(declare, resident, lambdas, event, invoke):
    # GIVEN a guardian with a child
    number = id_number(f"4401002015{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}")
    status, child = invoke(lambdas["FamilyFunction"], event("family-add.json", person_id=resident["person_id"], body={
        "relation": "CHILD", "name": "陈小明", "id_type": "ID_CARD", "id_number": number,
        "verification": {"method": "ID_MATCH", "proof": "dev-pass"}}))
    assert status == 201, child
    key = new_key()

    # WHEN the same key is used for the guardian's own declaration and the child's (the scope includes the subject)
    declare(resident["person_id"], key)
    status, body = declare(resident["person_id"], key, member=child["person_id"])

    # THEN both are stored
    assert status == 201 and body["declared_by_guardian"] is True
    assert len(stored(resident["person_id"])) == 1 and len(stored(child["person_id"])) == 1


def test_a_refused_submit_is_not_remembered_so_its_corrected_retry_is_stored(declare, resident):
    # GIVEN a submit refused (an organization the person is not bound to) under a key
    key = new_key()
    status, body = declare(resident["person_id"], key, type="ORG_MEMBER", place_id="no-such-org")
    assert status == 403, body

    # WHEN the corrected form is sent with the same key
    status, body = declare(resident["person_id"], key)

    # THEN it is stored
    assert status == 201 and stored(resident["person_id"]) == [body["declaration_id"]]


def test_a_retried_org_member_declaration_counts_once_in_the_organizations_statistics(lambdas, declare):
    # GIVEN a member of an organization who declares, and the page retries the submit with the same key
    admin = new_person(lambdas, name="组织管理")
    org = create_org(lambdas, admin)
    member = member_of(lambdas, org)
    key = new_key()
    for _ in range(3):
        status, body = declare(member, key, type="ORG_MEMBER", place_id=org["place_id"])
        assert status == 201, body

    # WHEN the declarations stream is folded into the statistics
    drain(lambdas, {member})

    # THEN one declaration is counted
    status, shown = stats(lambdas, org["place_id"], admin, body["declared_at"][:10])
    assert status == 200 and shown["declarations_total"] == 1 and shown["declared_members_today"] == 1
