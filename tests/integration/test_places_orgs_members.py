"""Organization members: bind with the join code, many organizations each, unbind; ORG_MEMBER declarations follow
the binding; the member count stays exact under races."""

from __future__ import annotations

import random

import pytest
from orgs_support import api, create_org, declare, join, leave, member_of, my_orgs, new_person, stats
from venues_support import create_venue, race


def _member_count(lambdas, org, admin):
    status, shown = stats(lambdas, org["place_id"], admin)
    assert status == 200, shown
    return shown["members"]


def test_a_member_binds_with_the_join_code_and_sees_the_organization(lambdas):
    # GIVEN an organization WHEN a resident enters its join code (spaces as they copied it)
    admin, member = new_person(lambdas), new_person(lambdas)
    org = create_org(lambdas, admin)
    code = org["join_code"]
    status, joined = join(lambdas, member, f"{code[:4]} {code[4:8]}-{code[8:]}")

    # THEN they are bound, and the organization is in their list — without its join code or the admin's phone
    assert status == 201, joined
    assert joined | {"place_id": org["place_id"], "name": "粤康科技有限公司", "level_label": "区县级",
                     "is_admin": False} == joined
    status, listed = my_orgs(lambdas, member)
    assert status == 200 and [o["place_id"] for o in listed["items"]] == [org["place_id"]]
    assert "join_code" not in listed["items"][0] and "phone" not in listed["items"][0]
    assert _member_count(lambdas, org, admin) == 1


def test_a_member_may_bind_many_organizations(lambdas):
    member = new_person(lambdas)
    orgs = [create_org(lambdas, new_person(lambdas), name=f"组织{i}") for i in range(3)]
    for org in orgs:
        assert join(lambdas, member, org["join_code"])[0] == 201
    _, listed = my_orgs(lambdas, member)
    assert {o["place_id"] for o in listed["items"]} == {o["place_id"] for o in orgs}


def test_my_organizations_page_with_a_cursor(lambdas):
    member = new_person(lambdas)
    for i in range(3):
        join(lambdas, member, create_org(lambdas, new_person(lambdas), name=f"组织{i}")["join_code"])
    status, first = my_orgs(lambdas, member, {"limit": "2"})
    assert len(first["items"]) == 2 and first["next_cursor"]
    status, second = my_orgs(lambdas, member, {"limit": "2", "cursor": first["next_cursor"]})
    assert len(second["items"]) == 1 and second["next_cursor"] is None


def test_a_cursor_of_someone_else_is_400(lambdas):
    member, other = new_person(lambdas), new_person(lambdas)
    for i in range(2):
        join(lambdas, member, create_org(lambdas, new_person(lambdas), name=f"组织{i}")["join_code"])
    _, first = my_orgs(lambdas, member, {"limit": "1"})
    status, body = my_orgs(lambdas, other, {"cursor": first["next_cursor"]})
    assert status == 400 and body["error"]["field"] == "cursor"


def test_the_admin_may_bind_as_a_member_too(lambdas):
    admin = new_person(lambdas)
    org = create_org(lambdas, admin)
    status, joined = join(lambdas, admin, org["join_code"])
    assert status == 201 and joined["is_admin"] is True


def test_binding_twice_is_409(lambdas):
    admin, member = new_person(lambdas), new_person(lambdas)
    org = create_org(lambdas, admin)
    join(lambdas, member, org["join_code"])
    status, body = join(lambdas, member, org["join_code"])
    assert status == 409 and body["error"]["code"] == "ALREADY_ORG_MEMBER"
    assert _member_count(lambdas, org, admin) == 1


@pytest.mark.parametrize("code", ["000000000000", "12345", "abcdefghijkl", "1234567890123"])
def test_an_unknown_join_code_is_404(lambdas, code):
    status, body = join(lambdas, new_person(lambdas), code)
    assert status == 404 and body["error"]["field"] == "join_code"


def test_a_venue_join_code_does_not_bind_to_an_organization(lambdas):
    venue = create_venue(lambdas, new_person(lambdas))
    status, body = join(lambdas, new_person(lambdas), venue["join_code"])
    assert status == 404 and body["error"]["message_zh"] == "组织机构申报码不存在"


@pytest.mark.parametrize("body, field", [({}, "join_code"), ({"join_code": ""}, "join_code"),
                                         ({"join_code": "1" * 40}, "join_code"),
                                         ({"join_code": "123456789012", "x": 1}, "x")])
def test_bad_join_input_is_400(lambdas, body, field):
    status, answer = api(lambdas, "POST", "/v1/orgs/join", "/v1/orgs/join", new_person(lambdas), body)
    assert status == 400 and answer["error"]["field"] == field


def test_an_inbound_traveller_cannot_bind(lambdas):
    org = create_org(lambdas, new_person(lambdas))
    traveller = new_person(lambdas)
    status, body = api(lambdas, "POST", "/v1/orgs/join", "/v1/orgs/join", traveller, {"join_code": org["join_code"]},
                       roles=["inbound"])
    assert status == 403 and body["error"]["code"] == "INBOUND_NO_DECLARATION"


def test_a_member_unbinds_and_may_bind_again(lambdas):
    # GIVEN a bound member WHEN they unbind
    admin, member = new_person(lambdas), new_person(lambdas)
    org = create_org(lambdas, admin)
    join(lambdas, member, org["join_code"])
    status, body = leave(lambdas, member, org["place_id"])

    # THEN the organization leaves their list and its count; the code binds them again (nobody removed them)
    assert status == 204, body
    assert my_orgs(lambdas, member)[1]["items"] == []
    assert _member_count(lambdas, org, admin) == 0
    assert join(lambdas, member, org["join_code"])[0] == 201
    assert _member_count(lambdas, org, admin) == 1


@pytest.mark.parametrize("place_id", ["01JNOSUCHORG00000000000000", "x" * 300])
def test_unbinding_an_organization_one_is_not_bound_to_is_404(lambdas, place_id):
    status, body = leave(lambdas, new_person(lambdas), place_id)
    assert status == 404 and body["error"]["field"] == "id"


def test_unbinding_twice_is_404_and_the_count_does_not_drop_twice(lambdas):
    admin = new_person(lambdas)
    org = create_org(lambdas, admin)
    member, _other = member_of(lambdas, org), member_of(lambdas, org)
    assert leave(lambdas, member, org["place_id"])[0] == 204
    assert leave(lambdas, member, org["place_id"])[0] == 404
    assert _member_count(lambdas, org, admin) == 1


def test_the_member_count_is_exact_under_racing_binds_and_unbinds(lambdas):
    # GIVEN twelve people WHEN each binds twice at once and half of them unbind twice at once, all interleaved
    admin = new_person(lambdas)
    org = create_org(lambdas, admin)
    people = [new_person(lambdas) for _ in range(12)]
    for person in people[:6]:
        join(lambdas, person, org["join_code"])
    actions = [("join", p) for p in people[6:] for _ in range(2)] + [("leave", p) for p in people[:6] for _ in range(2)]
    random.Random(7).shuffle(actions)

    def run(step):
        action, person = step
        if action == "join":
            return action, join(lambdas, person, org["join_code"])[0]
        return action, leave(lambdas, person, org["place_id"])[0]

    answers = race(run, actions)

    # THEN each person's second attempt was refused, and the count is the number of bindings: six
    assert sorted(s for a, s in answers if a == "join") == [201] * 6 + [409] * 6
    assert sorted(s for a, s in answers if a == "leave") == [204] * 6 + [404] * 6
    assert _member_count(lambdas, org, admin) == 6


# ---------------------------------------------------------------- ORG_MEMBER declarations follow the binding


def test_a_bound_member_declares_to_the_organization_and_after_unbinding_cannot(lambdas):
    # GIVEN a member bound with the code
    org = create_org(lambdas, new_person(lambdas))
    member = member_of(lambdas, org)

    # WHEN they declare as its member THEN it is accepted
    status, body = declare(lambdas, member, org["place_id"])
    assert status == 201, body
    assert body["type_label"] == "组织机构成员健康申报" and body["place_id"] == org["place_id"]

    # WHEN they unbind and declare again THEN it is refused
    leave(lambdas, member, org["place_id"])
    status, body = declare(lambdas, member, org["place_id"])
    assert status == 403 and body["error"] | {"code": "NOT_ORG_MEMBER", "field": "place_id"} == body["error"]


def test_someone_never_bound_cannot_declare_to_the_organization(lambdas):
    org = create_org(lambdas, new_person(lambdas))
    status, body = declare(lambdas, new_person(lambdas), org["place_id"])
    assert status == 403 and body["error"]["code"] == "NOT_ORG_MEMBER"


def test_a_guardian_binds_a_child_and_declares_for_them(lambdas, event, invoke):
    from infra.local.demo import id_number

    guardian = new_person(lambdas)
    number = id_number(f"4401002016{random.randint(1, 12):02d}{random.randint(10, 28)}{random.randint(100, 999)}")
    status, child = invoke(lambdas["FamilyFunction"], event("family-add.json", person_id=guardian, body={
        "relation": "CHILD", "name": "陈小明", "id_type": "ID_CARD", "id_number": number,
        "verification": {"method": "ID_MATCH", "proof": "dev-pass"}}))
    assert status == 201, child
    org = create_org(lambdas, new_person(lambdas), name="天河幼儿园")

    assert join(lambdas, guardian, org["join_code"], member=child["person_id"])[0] == 201
    assert my_orgs(lambdas, guardian)[1]["items"] == []  # the child is bound, not the guardian
    status, body = declare(lambdas, guardian, org["place_id"], member=child["person_id"])
    assert status == 201 and body["person_id"] == child["person_id"] and body["declared_by_guardian"] is True


def test_binding_someone_elses_child_is_404(lambdas):
    org = create_org(lambdas, new_person(lambdas))
    stranger, other = new_person(lambdas), new_person(lambdas)
    status, body = join(lambdas, stranger, org["join_code"], member=other)
    assert status == 404 and body["error"]["field"] == "member"
