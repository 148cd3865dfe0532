"""Grid admins, superiors and workers' bindings (guide 四(三)(1)1-4, (2)1-2): create, approve, reject, bind."""

from __future__ import annotations

import pytest
from grids_support import (
    GRIDS,
    SYSTEM_ADMIN_ROLES,
    api,
    approve,
    approved_grid,
    authorize,
    bound_worker,
    create_grid,
    join,
    new_person,
    new_region_admin,
    region,
    reject,
)
from places_support import racing_creations


def test_a_new_grid_is_pending_with_a_join_code_and_admits_nobody(lambdas):
    # GIVEN an admin who creates a grid
    admin = new_person(lambdas, "网格管理")
    status, grid = create_grid(lambdas, admin, "石牌村第一网格")

    # THEN it is PENDING, with a 12-digit join code, and GET mine shows it
    assert status == 201, grid
    assert (grid["status"], len(grid["join_code"]), grid["name"]) == ("PENDING", 12, "石牌村第一网格")
    status, mine = api(lambdas, "GET", "/v1/grids/mine", "/v1/grids/mine", admin)
    assert (status, mine["place_id"], mine["join_code"]) == (200, grid["place_id"], grid["join_code"])

    # WHEN a worker binds with its code THEN 409 GRID_NOT_ACTIVE and nothing is bound
    worker = new_person(lambdas, "网格员甲")
    status, body = join(lambdas, worker, grid["join_code"])
    assert (status, body["error"]["code"]) == (409, "GRID_NOT_ACTIVE")
    status, mine = api(lambdas, "GET", "/v1/me/grids", "/v1/me/grids", worker)
    assert mine["items"] == []


def test_one_grid_per_admin(lambdas):
    admin = new_person(lambdas, "网格管理")
    assert create_grid(lambdas, admin)[0] == 201
    status, body = create_grid(lambdas, admin, "另一个网格")
    assert (status, body["error"]["code"]) == (409, "ALREADY_GRID_ADMIN")


def test_twenty_racing_requests_of_one_admin_create_one_grid(lambdas):
    # GIVEN one admin WHEN 20 requests to create a grid race THEN exactly one is created, the others 409
    admin = new_person(lambdas, "网格管理")
    created = racing_creations(lambdas, GRIDS, admin, [{"region_code": region(), "name": f"竞争网格{i}"}
                                                       for i in range(20)])
    status, mine = GRIDS.mine(lambdas, admin)
    assert mine["place_id"] == created["place_id"]


@pytest.mark.parametrize(("body", "field"), [
    ({"region_code": "44010600", "name": "网格"}, "region_code"),
    ({"region_code": "110105001", "name": "网格"}, "region_code"),
    ({"region_code": "440106000", "name": "网格"}, "region_code"),
    ({"region_code": "440106001", "name": "   "}, "name"),
    ({"region_code": "440106001"}, "name"),
    ({"region_code": "440106001", "name": "网格", "extra": 1}, "extra"),
])
def test_a_bad_grid_is_refused_naming_the_field_and_nothing_is_created(lambdas, body, field):
    admin = new_person(lambdas, "网格管理")
    status, answer = api(lambdas, "POST", "/v1/grids", "/v1/grids", admin, body)
    assert (status, answer["error"]["field"]) == (400, field), answer
    assert api(lambdas, "GET", "/v1/grids/mine", "/v1/grids/mine", admin)[0] == 404


def test_the_system_admin_approves_then_workers_bind_list_and_set_current(lambdas):
    grid = approved_grid(lambdas)
    other = approved_grid(lambdas)
    worker = new_person(lambdas, "网格员甲")

    # WHEN the worker binds two grids THEN the first is current, both are listed, unauthorized
    first = join(lambdas, worker, grid["join_code"])
    assert first[0] == 201 and first[1]["is_current"] is True and first[1]["authorized"] is False
    second = join(lambdas, worker, other["join_code"].replace("", " ").strip())  # spaces as people type them
    assert second[0] == 201 and second[1]["is_current"] is False
    status, mine = api(lambdas, "GET", "/v1/me/grids", "/v1/me/grids", worker)
    assert {g["place_id"]: g["is_current"] for g in mine["items"]} == {grid["place_id"]: True,
                                                                      other["place_id"]: False}
    assert "join_code" not in mine["items"][0]

    # WHEN they set the other as current THEN it is
    status, body = api(lambdas, "PUT", "/v1/me/grids/current", "/v1/me/grids/current", worker,
                       {"place_id": other["place_id"]})
    assert (status, body["current_place_id"]) == (200, other["place_id"])
    status, mine = api(lambdas, "GET", "/v1/me/grids", "/v1/me/grids", worker)
    assert mine["current_place_id"] == other["place_id"]

    # binding twice: 409
    status, body = join(lambdas, worker, grid["join_code"])
    assert (status, body["error"]["code"]) == (409, "ALREADY_GRID_WORKER")

    # WHEN they unbind the current one THEN it is gone and no grid is current
    status, _ = api(lambdas, "DELETE", f"/v1/me/grids/{other['place_id']}", "/v1/me/grids/{id}", worker,
                    params={"id": other["place_id"]})
    assert status == 204
    status, mine = api(lambdas, "GET", "/v1/me/grids", "/v1/me/grids", worker)
    assert [g["place_id"] for g in mine["items"]] == [grid["place_id"]] and mine["current_place_id"] is None


def test_current_grid_must_be_one_i_am_bound_to(lambdas):
    grid = approved_grid(lambdas)
    stranger = new_person(lambdas, "路人")
    status, body = api(lambdas, "PUT", "/v1/me/grids/current", "/v1/me/grids/current", stranger,
                       {"place_id": grid["place_id"]})
    assert (status, body["error"]["code"]) == (403, "NOT_GRID_WORKER")


def test_unknown_join_code_is_404(lambdas):
    worker = new_person(lambdas, "网格员甲")
    for code in ("000000000000", "12345", "abc"):
        status, body = join(lambdas, worker, code)
        assert (status, body["error"]["field"]) == (404, "join_code")


def test_the_admin_lists_authorizes_withdraws_and_unbinds_workers(lambdas):
    grid = approved_grid(lambdas)
    place, admin = grid["place_id"], grid["admin"]
    worker = bound_worker(lambdas, grid)
    status, listed = api(lambdas, "GET", f"/v1/grids/{place}/workers", "/v1/grids/{id}/workers", admin,
                         params={"id": place})
    assert status == 200 and [(w["person_id"], w["authorized"]) for w in listed["items"]] == [(worker, False)]
    assert "*" in listed["items"][0]["name_masked"]

    assert authorize(lambdas, admin, place, worker)[1]["authorized"] is True
    status, mine = api(lambdas, "GET", "/v1/me/grids", "/v1/me/grids", worker)
    assert mine["items"][0]["authorized"] is True
    assert authorize(lambdas, admin, place, worker, on=False)[1]["authorized"] is False

    status, _ = api(lambdas, "DELETE", f"/v1/grids/{place}/workers/{worker}", "/v1/grids/{id}/workers/{person_id}",
                    admin, params={"id": place, "person_id": worker})
    assert status == 204
    status, body = join(lambdas, worker, grid["join_code"])
    assert (status, body["error"]["code"]) == (409, "GRID_JOIN_REVOKED")


def test_anyone_but_the_admin_is_refused_on_admin_routes_and_nothing_changes(lambdas):
    grid = approved_grid(lambdas)
    place = grid["place_id"]
    worker = bound_worker(lambdas, grid)
    for person in (worker, new_person(lambdas, "路人")):
        assert api(lambdas, "GET", f"/v1/grids/{place}/workers", "/v1/grids/{id}/workers", person,
                   params={"id": place})[0] == 403
        assert authorize(lambdas, person, place, worker)[0] == 403
        assert api(lambdas, "DELETE", f"/v1/grids/{place}/workers/{worker}", "/v1/grids/{id}/workers/{person_id}",
                   person, params={"id": place, "person_id": worker})[0] == 403
    status, mine = api(lambdas, "GET", "/v1/me/grids", "/v1/me/grids", worker)
    assert mine["items"][0]["authorized"] is False


def test_a_rejected_grid_shows_the_reason_and_admits_nobody(lambdas):
    admin = new_person(lambdas, "网格管理")
    grid = create_grid(lambdas, admin)[1]
    status, body = reject(lambdas, new_person(lambdas, "系统管理"), grid["place_id"], "名称与所在社区不符")
    assert (status, body["status"]) == (200, "REJECTED")
    status, mine = api(lambdas, "GET", "/v1/grids/mine", "/v1/grids/mine", admin)
    assert (mine["status"], mine["reject_reason"]) == ("REJECTED", "名称与所在社区不符")
    assert join(lambdas, new_person(lambdas, "网格员"), grid["join_code"])[1]["error"]["code"] == "GRID_NOT_ACTIVE"
    # approving it now: 409, it is no longer pending
    assert approve(lambdas, new_person(lambdas, "系统管理"), grid["place_id"])[1]["error"]["code"] == "GRID_NOT_PENDING"


def test_a_region_admin_sees_and_approves_only_grids_of_their_area(lambdas):
    # GIVEN a region admin of county 440106 and one of township 440104xxx
    county_admin = new_region_admin(lambdas, "440106")
    inside = create_grid(lambdas, new_person(lambdas, "网格管理"), region_code="440106005")[1]
    outside = create_grid(lambdas, new_person(lambdas, "网格管理"), region_code="440104003")[1]

    # WHEN they list pending grids THEN only their area's are listed
    status, listed = api(lambdas, "GET", "/v1/admin/grids", "/v1/admin/grids", county_admin,
                         query={"status": "PENDING"})
    assert status == 200, listed
    ids = {g["place_id"] for g in listed["items"]}
    assert inside["place_id"] in ids and outside["place_id"] not in ids
    assert all(g["region_code"].startswith("440106") for g in listed["items"])

    # the grid outside: 403, still pending
    status, body = approve(lambdas, county_admin, outside["place_id"], roles=["resident"])
    assert status == 403
    # the grid inside: approved
    status, body = approve(lambdas, county_admin, inside["place_id"], roles=["resident"])
    assert (status, body["status"]) == (200, "ACTIVE")
    status, listed = api(lambdas, "GET", "/v1/admin/grids", "/v1/admin/grids", county_admin,
                         query={"status": "ACTIVE", "region_code": "440106005"})
    assert inside["place_id"] in {g["place_id"] for g in listed["items"]}


def test_a_township_region_admin_does_not_reach_the_next_township(lambdas):
    township_admin = new_region_admin(lambdas, "440106007")
    mine = create_grid(lambdas, new_person(lambdas, "网格管理"), region_code="440106007")[1]
    next_door = create_grid(lambdas, new_person(lambdas, "网格管理"), region_code="440106008")[1]
    assert approve(lambdas, township_admin, next_door["place_id"], roles=["resident"])[0] == 403
    assert reject(lambdas, township_admin, mine["place_id"], roles=["resident"])[0] == 200


def test_anyone_else_is_refused_on_superior_routes(lambdas):
    grid = create_grid(lambdas, new_person(lambdas, "网格管理"))[1]
    nobody = new_person(lambdas, "路人")
    assert api(lambdas, "GET", "/v1/admin/grids", "/v1/admin/grids", nobody)[0] == 403
    assert approve(lambdas, nobody, grid["place_id"], roles=["resident"])[0] == 403
    assert api(lambdas, "GET", "/v1/admin/region-admins", "/v1/admin/region-admins", nobody)[0] == 403
    status, body = api(lambdas, "POST", "/v1/admin/region-admins", "/v1/admin/region-admins", nobody,
                       {"name": "周区管", "id_number": "440106198703031236", "region_code": "440106"})
    assert status == 403
    status, mine = api(lambdas, "GET", "/v1/grids/mine", "/v1/grids/mine", grid["admin_id"])
    assert mine["status"] == "PENDING"


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"name": "周区管", "id_number": "440106198703031235", "region_code": "440106"}, 400, "id_number"),
    ({"name": "周区管", "id_number": "440106198703031236", "region_code": "4401"}, 400, "region_code"),
    ({"name": "周区管", "id_number": "440106198703031236", "region_code": "110105"}, 400, "region_code"),
    ({"name": "周1管", "id_number": "440106198703031236", "region_code": "440106"}, 400, "name"),
])
def test_bad_region_admin_grants_are_refused(lambdas, body, status, field):
    granter = new_person(lambdas, "系统管理")
    answer = api(lambdas, "POST", "/v1/admin/region-admins", "/v1/admin/region-admins", granter, body,
                 roles=SYSTEM_ADMIN_ROLES)
    assert (answer[0], answer[1]["error"]["field"]) == (status, field), answer
    if field == "id_number":
        assert answer[1]["error"]["code"] == "INVALID_ID_NUMBER"


def test_region_admins_are_listed_and_withdrawn(lambdas):
    person = new_region_admin(lambdas, "440106")
    granter = new_person(lambdas, "系统管理")
    status, listed = api(lambdas, "GET", "/v1/admin/region-admins", "/v1/admin/region-admins", granter,
                         query={"limit": "100"}, roles=SYSTEM_ADMIN_ROLES)
    assert status == 200 and listed["system_admin"] is True
    status, own = api(lambdas, "GET", "/v1/admin/region-admins", "/v1/admin/region-admins", person)
    assert status == 200 and [g["region_code"] for g in own["items"]] == ["440106"]
    grant_id = own["items"][0]["grant_id"]
    status, _ = api(lambdas, "DELETE", "/v1/admin/region-admins", "/v1/admin/region-admins", granter,
                    {"grant_id": grant_id}, roles=SYSTEM_ADMIN_ROLES)
    assert status == 204
    assert api(lambdas, "GET", "/v1/admin/grids", "/v1/admin/grids", person)[0] == 403
    status, body = api(lambdas, "DELETE", "/v1/admin/region-admins", "/v1/admin/region-admins", granter,
                       {"grant_id": grant_id}, roles=SYSTEM_ADMIN_ROLES)
    assert status == 404
