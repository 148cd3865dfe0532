"""Organization admins: create, read, weekly edits (FAQ (四) 2); one admin <-> one place under races, as venues,
in test_places_admin.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from orgs_support import ORG, api, create_org, new_person
from places_support import PlaceRoutes, refused_creation
from places_support import auth_item_exists as _exists
from venues_support import create_venue, race

ORGS = PlaceRoutes(api, "orgs")
_mine, _patch = ORGS.mine, ORGS.patch


def _last_week(place_id):
    """Pretend the last edit was a week ago (the week is Asia/Shanghai's natural week)."""
    from healthcode.models import Place

    place = Place.get(place_id)
    place.update(actions=[Place.last_edited_week.set(
        (date.fromisoformat(place.created_at[:10]) - timedelta(days=7)).isoformat())])


def test_an_admin_creates_an_organization_with_a_fixed_join_code(lambdas):
    # GIVEN a resident WHEN they register an organization
    admin = new_person(lambdas)
    created = create_org(lambdas, admin)

    # THEN it has a 12-digit join code, its level is labelled, and it is theirs
    assert len(created["join_code"]) == 12 and created["join_code"].isdigit()
    assert created | {"name": "粤康科技有限公司", "level": "COUNTY", "level_label": "区县级", "admin_id": admin,
                      "editable": True} == created
    status, mine = _mine(lambdas, admin)
    assert status == 200 and mine == created


def test_the_admin_phone_is_the_account_phone_unless_given(lambdas):
    admin, other = new_person(lambdas), new_person(lambdas)
    assert create_org(lambdas, admin)["phone"] == "+8613912345678"  # the phone bound at login
    given = create_org(lambdas, other, phone="138 0013 8000")
    assert given["phone"] == "+8613800138000" and given["phone_masked"] == "138****8000"


def test_a_venue_admin_may_also_administer_an_organization(lambdas):
    # One admin per place of each kind: a venue and an organization are different places.
    admin = new_person(lambdas)
    create_venue(lambdas, admin)
    assert create_org(lambdas, admin)["admin_id"] == admin


@pytest.mark.parametrize("change, field", [
    ({"level": "NATIONAL"}, "level"),
    ({"level": None}, "level"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"address": ""}, "address"),
    ({"address": " \t "}, "address"),
    ({"phone": "12345"}, "phone"),
    ({"parent_id": "01JORG00000000000000000000"}, "parent_id"),  # 不支持多层次架构
    ({"extra": 1}, "extra"),
])
def test_bad_organization_input_is_400_naming_the_field_and_writes_nothing(lambdas, change, field):
    assert refused_creation(lambdas, ORGS, "ORG", ORG | change)["field"] == field


@pytest.mark.parametrize("missing", ["name", "address", "level"])
def test_a_missing_field_is_400(lambdas, missing):
    body = {k: v for k, v in ORG.items() if k != missing}
    status, answer = api(lambdas, "POST", "/v1/orgs", "/v1/orgs", new_person(lambdas), body)
    assert status == 400 and answer["error"]["field"] == missing


def test_an_inbound_traveller_cannot_administer_an_organization(lambdas):
    traveller = new_person(lambdas)
    status, body = api(lambdas, "POST", "/v1/orgs", "/v1/orgs", traveller, ORG, roles=["inbound"])
    assert status == 403
    assert not _exists(f"admin#ORG#{traveller}")


def test_without_an_organization_mine_is_404(lambdas):
    status, body = _mine(lambdas, new_person(lambdas))
    assert status == 404


# ---------------------------------------------------------------- weekly edits (FAQ (四) 2)


def test_level_name_and_phone_change_once_per_natural_week(lambdas):
    from healthcode.core import clock

    # GIVEN an organization WHEN its admin edits level, name and phone
    admin = new_person(lambdas)
    org = create_org(lambdas, admin)
    status, edited = _patch(lambdas, admin, org["place_id"], {"level": "CITY", "name": "粤康科技（广州）有限公司",
                                                              "phone": "13800138000"})

    # THEN the edit applies, and a second one in the same natural week is 409 EDIT_LIMIT with next Monday
    assert status == 200, edited
    assert edited | {"level": "CITY", "level_label": "地市级", "name": "粤康科技（广州）有限公司",
                     "phone": "+8613800138000", "phone_masked": "138****8000", "editable": False} == edited
    monday = clock.week_start(clock.local_date(clock.now())) + timedelta(days=7)
    assert edited["next_edit_date"] == monday.isoformat()
    status, body = _patch(lambdas, admin, org["place_id"], {"name": "再改一次"})
    assert status == 409 and body["error"]["code"] == "EDIT_LIMIT"
    assert body["error"]["details"]["next_allowed_date"] == monday.isoformat()
    assert monday.isoformat() in body["error"]["message_zh"]
    assert _mine(lambdas, admin)[1]["name"] == "粤康科技（广州）有限公司"


def test_an_edit_in_a_later_week_is_allowed(lambdas):
    admin = new_person(lambdas)
    org = create_org(lambdas, admin)
    assert _patch(lambdas, admin, org["place_id"], {"name": "第一周"})[0] == 200
    _last_week(org["place_id"])
    status, edited = _patch(lambdas, admin, org["place_id"], {"level": "VILLAGE"})
    assert status == 200, edited
    assert edited["level_label"] == "村（社区）级" and edited["name"] == "第一周"


def test_racing_edits_in_one_week_apply_once(lambdas):
    admin = new_person(lambdas)
    org = create_org(lambdas, admin)
    answers = race(lambda i: _patch(lambdas, admin, org["place_id"], {"name": f"名称{i}"}), list(range(8)))
    assert sorted(status for status, _ in answers) == [200] + [409] * 7


@pytest.mark.parametrize("body, field", [
    ({}, "body"),
    ({"address": "新地址"}, "address"),  # FAQ (四) 2: level, name and phone only
    ({"level": "NATIONAL"}, "level"),
    ({"name": None}, "name"),
    ({"name": "  "}, "name"),
    ({"phone": "abc"}, "phone"),
    ({"parent_id": "01JORG00000000000000000000"}, "parent_id"),
])
def test_a_bad_edit_is_400_and_does_not_use_up_the_week(lambdas, body, field):
    admin = new_person(lambdas)
    org = create_org(lambdas, admin)
    status, answer = _patch(lambdas, admin, org["place_id"], body)
    assert status == 400 and answer["error"]["field"] == field
    assert _patch(lambdas, admin, org["place_id"], {"name": "新名字"})[0] == 200


@pytest.mark.parametrize("place_id", ["01JNOSUCHORG00000000000000", "x" * 300, "bad id!"])
def test_editing_an_unknown_organization_is_404(lambdas, place_id):
    status, body = _patch(lambdas, new_person(lambdas), place_id, {"name": "无此组织"})
    assert status == 404 and body["error"]["field"] == "id"


def test_a_venue_is_not_an_organization(lambdas):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    status, _ = _patch(lambdas, admin, venue["place_id"], {"name": "场所改组织"})
    assert status == 404
