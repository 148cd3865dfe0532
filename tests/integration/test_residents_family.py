"""Family members through the family handler: add after verification, list, remove, and member= on the code."""

from __future__ import annotations

import random

import pytest

from infra.local.demo import id_number
from tests.integration.conftest import log_in


def new_id_number(year: int | None = None) -> str:
    year = year or random.randint(1950, 2018)
    return id_number(f"440100{year}{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}")


def add_body(**changes):
    body = {"relation": "CHILD", "name": "陈小明", "id_type": "ID_CARD", "id_number": new_id_number(2015),
            "verification": {"method": "FACE", "proof": "dev-pass"}}
    body.update(changes)
    return body


@pytest.fixture
def family(lambdas, event, invoke):
    """add(guardian_id, **body) -> (status, body); list(guardian_id); remove(guardian_id, person_id); code(...)."""

    class Family:
        def add(self, guardian_id, **changes):
            return invoke(lambdas["FamilyFunction"], event("family-add.json", person_id=guardian_id,
                                                           body=add_body(**changes)))

        def list(self, guardian_id, **query):
            return invoke(lambdas["FamilyFunction"], event("family-list.json", person_id=guardian_id, query=query))

        def remove(self, guardian_id, member_id, roles=("resident",)):
            return invoke(lambdas["FamilyFunction"], event(
                "family-remove.json", person_id=guardian_id, roles=list(roles),
                path=(f"/v1/me/family/{member_id}", "/v1/me/family/{person_id}", {"person_id": member_id})))

        def code(self, caller_id, member_id=None):
            query = {"member": member_id} if member_id else {}
            return invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=caller_id, query=query))

    return Family()


def test_guardian_adds_a_child_and_shows_the_childs_code(family, resident):
    # GIVEN a logged-in guardian WHEN they add a child whose identity the provider verifies
    status, added = family.add(resident["person_id"], name="陈小明", relation="CHILD")

    # THEN the child is linked, shown masked, with a green code the guardian can show with member=
    assert status == 201, added
    assert added | {"relation": "CHILD", "relation_label": "子女", "name_masked": "陈*明", "color": "GREEN"} == added
    status, code = family.code(resident["person_id"], added["person_id"])
    assert status == 200 and code["person_id"] == added["person_id"] and code["name_masked"] == "陈*明"


def test_a_resident_who_already_logged_in_is_reused_not_duplicated(family, resident, lambdas, event, invoke):
    # GIVEN a parent who logged in themselves
    number = new_id_number(1955)
    parent_id = log_in(lambdas, number, "陈老伯")["person_id"]

    # WHEN their child adds them as a family member
    status, added = family.add(resident["person_id"], relation="PARENT", name="陈老伯", id_number=number)

    # THEN the member is that same person
    assert status == 201 and added["person_id"] == parent_id


def test_the_member_logging_in_themselves_sees_their_own_code(family, resident, lambdas, event, invoke):
    # GIVEN a member added by a guardian
    number = new_id_number(1960)
    status, added = family.add(resident["person_id"], relation="PARENT", name="陈老伯", id_number=number)

    # WHEN the member logs in with their own identity
    member_id = log_in(lambdas, number, "陈老伯")["person_id"]

    # THEN it is their own session: same person, their own code
    status, code = family.code(member_id)
    assert member_id == added["person_id"] and status == 200 and code["person_id"] == member_id


def test_members_are_listed_with_masked_names_relation_and_colour(family, resident):
    # GIVEN a child and a parent
    _, child = family.add(resident["person_id"], relation="CHILD", name="陈小明")
    _, parent = family.add(resident["person_id"], relation="PARENT", name="陈大伯", id_number=new_id_number(1950))

    # WHEN the guardian lists the family
    status, listed = family.list(resident["person_id"])

    # THEN both appear, masked, with their relation and code colour
    assert status == 200
    by_id = {item["person_id"]: item for item in listed["items"]}
    assert set(by_id) == {child["person_id"], parent["person_id"]}
    assert by_id[parent["person_id"]] | {"relation_label": "父母", "name_masked": "陈*伯", "color": "GREEN"} \
        == by_id[parent["person_id"]]
    assert "陈大伯" not in str(listed) and listed["next_cursor"] is None
    assert {"code": "CHILD", "label": "子女"} in listed["relations"]


def test_listing_reads_the_members_in_one_batch(family, resident):
    from infra.local.embedded import count_aws_calls

    # GIVEN three members
    for year in (1950, 1980, 2015):
        family.add(resident["person_id"], id_number=new_id_number(year))

    # WHEN the list is read
    with count_aws_calls() as calls:
        status, listed = family.list(resident["person_id"])

    # THEN one Query and one BatchGetItem answer it, never a GetItem per member
    assert status == 200 and len(listed["items"]) == 3
    assert calls["dynamodb.Query"] == 1 and calls["dynamodb.BatchGetItem"] == 1 and calls["dynamodb.GetItem"] == 0


def test_there_is_no_cap_on_the_number_of_members(family, resident):
    # GIVEN a guardian WHEN they add twelve members (FAQ 8: no upper limit)
    for _ in range(12):
        status, body = family.add(resident["person_id"], id_number=new_id_number(), relation="OTHER")
        assert status == 201, body

    # THEN all twelve are listed, page by page
    status, first = family.list(resident["person_id"], limit="10")
    status, second = family.list(resident["person_id"], limit="10", cursor=first["next_cursor"])
    assert len(first["items"]) == 10 and len(second["items"]) == 2 and second["next_cursor"] is None


def test_a_minor_may_be_verified_by_id_match(family, resident):
    status, added = family.add(resident["person_id"], id_number=new_id_number(2012),
                               verification={"method": "ID_MATCH", "proof": "dev-pass"})
    assert status == 201, added


def test_adding_the_same_member_twice_is_a_conflict(family, resident):
    number = new_id_number(2012)
    family.add(resident["person_id"], id_number=number)
    status, body = family.add(resident["person_id"], id_number=number)
    assert status == 409 and body["error"]["code"] == "MEMBER_EXISTS"


def test_a_guardian_cannot_add_themselves(family, resident):
    status, body = family.add(resident["person_id"], id_number=resident["id_number"], name="陈大文")
    assert status == 400 and body["error"]["field"] == "id_number"


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"id_number": "440305201503071233"}, "id_number", "INVALID_ID_NUMBER"),
    ({"id_number": "440305209913011234"}, "id_number", "INVALID_ID_NUMBER"),
    ({"verification": {"method": "FACE", "proof": "wrong"}}, "verification", "MEMBER_NOT_VERIFIED"),
    ({"verification": {"method": "WECHAT_PAY", "proof": "dev-pass"}}, "verification.method", "VALIDATION_ERROR"),
    ({"verification": {"method": "FACE"}}, "verification.proof", "VALIDATION_ERROR"),
    ({"id_number": new_id_number(1960), "verification": {"method": "ID_MATCH", "proof": "dev-pass"}},
     "verification.method", "VALIDATION_ERROR"),
    ({"relation": "NEIGHBOUR"}, "relation", "VALIDATION_ERROR"),
    ({"relation": None}, "relation", "VALIDATION_ERROR"),
    ({"id_type": "PASSPORT"}, "id_type", "VALIDATION_ERROR"),
    ({"name": ""}, "name", "VALIDATION_ERROR"),
    ({"name": "陈1明"}, "name", "VALIDATION_ERROR"),
    ({"id_type": "HK_MACAU_PERMIT", "id_number": "H12345678"}, "issue_count", "INVALID_ID_NUMBER"),
    ({"nickname": "小明"}, "nickname", "VALIDATION_ERROR"),
])
def test_bad_input_names_the_field_and_writes_nothing(family, resident, changes, field, code):
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import find_by_document

    # GIVEN a guardian with no members WHEN a bad member is submitted
    body = add_body(**changes)
    status, answer = family.add(resident["person_id"], **changes)

    # THEN 400 names the field, and neither a link nor a person was written
    assert status == 400, answer
    assert answer["error"]["code"] == code and answer["error"]["field"] == field
    assert family.list(resident["person_id"])[1]["items"] == []
    try:
        document = parse_document(body["id_type"] or "ID_CARD", body["id_number"], body.get("issue_count"))
    except Exception:
        return
    assert find_by_document(document) is None


def test_removing_a_member_ends_the_guardians_access(family, resident):
    # GIVEN a member
    _, added = family.add(resident["person_id"])

    # WHEN the guardian removes them
    status, _ = family.remove(resident["person_id"], added["person_id"])

    # THEN they are gone from the list and member= is refused
    assert status == 204
    assert family.list(resident["person_id"])[1]["items"] == []
    assert family.code(resident["person_id"], added["person_id"])[0] == 404


def test_a_stranger_sees_and_removes_nothing_of_the_family(family, resident, lambdas, event, invoke):
    # GIVEN a guardian's child, and another resident
    _, child = family.add(resident["person_id"])
    stranger = log_in(lambdas, new_id_number(1988), "王路人")["person_id"]

    # THEN the stranger cannot show, list or remove the child
    assert family.code(stranger, child["person_id"])[0] == 404
    assert family.list(stranger)[1]["items"] == []
    status, body = family.remove(stranger, child["person_id"])
    assert status == 404 and body["error"]["field"] == "person_id"
    assert family.code(resident["person_id"], child["person_id"])[0] == 200


def test_removing_with_a_malformed_id_is_refused(family, resident):
    status, body = family.remove(resident["person_id"], "not-a-person")
    assert status == 400 and body["error"]["field"] == "person_id"


def test_inbound_travellers_have_companions_not_family(lambdas, event, invoke, resident):
    status, body = invoke(lambdas["FamilyFunction"], event("family-list.json", person_id=resident["person_id"],
                                                          roles=["inbound"]))
    assert status == 403


def test_adding_and_removing_a_member_is_audited(family, resident):
    from healthcode.models import AuditEntry

    _, added = family.add(resident["person_id"])
    family.remove(resident["person_id"], added["person_id"])
    actions = [entry.action for entry in AuditEntry.query(added["person_id"])]
    assert actions == ["FAMILY_MEMBER_ADDED", "FAMILY_MEMBER_REMOVED"]
