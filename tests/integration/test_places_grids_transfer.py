"""The grid admin's change (网格管理员变更, guide 四(三)(1)6): named by name and ID number, proven by logging in."""

from __future__ import annotations

from grids_support import (
    accept_transfer,
    api,
    approved_grid,
    bound_worker,
    create_grid,
    identity_of,
    new_person,
    offer_transfer,
    stats,
)


def test_the_named_successor_accepts_and_becomes_the_admin(lambdas):
    grid = approved_grid(lambdas)
    place, admin = grid["place_id"], grid["admin"]
    successor = new_person(lambdas, "黄接任")
    name, number = identity_of(successor)
    status, offer = offer_transfer(lambdas, admin, place, name, number)
    assert status == 202, offer
    assert offer["qr"] == offer["link"] and offer["token"] in offer["link"] and "grid.html" in offer["link"]
    assert offer["successor_name_masked"] != name

    # someone else with the link: 403, nothing changes
    status, body = accept_transfer(lambdas, new_person(lambdas, "路人"), offer["token"])
    assert status == 403
    status, seen = api(lambdas, "GET", f"/v1/grids/admin-transfer/{offer['token']}",
                       "/v1/grids/admin-transfer/{token}", successor, params={"token": offer["token"]})
    assert (status, seen["grid"]["place_id"]) == (200, place)

    status, body = accept_transfer(lambdas, successor, offer["token"])
    assert (status, body["admin_id"], body["join_code"]) == (200, successor, grid["join_code"])
    assert api(lambdas, "GET", "/v1/grids/mine", "/v1/grids/mine", successor)[1]["place_id"] == place
    assert api(lambdas, "GET", "/v1/grids/mine", "/v1/grids/mine", admin)[0] == 404
    # the statistics follow the new admin (the roster's admin moved in the same transaction)
    assert stats(lambdas, place, successor)[0] == 200 and stats(lambdas, place, admin)[0] == 403
    # the token is used up; the old admin may create a grid again
    assert accept_transfer(lambdas, successor, offer["token"])[0] == 404
    assert create_grid(lambdas, admin, "新网格")[0] == 201


def test_a_successor_who_administers_a_grid_already_is_refused(lambdas):
    grid, theirs = approved_grid(lambdas), approved_grid(lambdas)
    status, offer = offer_transfer(lambdas, grid["admin"], grid["place_id"], *identity_of(theirs["admin"]))
    status, body = accept_transfer(lambdas, theirs["admin"], offer["token"])
    assert (status, body["error"]["code"]) == (409, "ALREADY_GRID_ADMIN")
    assert api(lambdas, "GET", "/v1/grids/mine", "/v1/grids/mine", grid["admin"])[1]["place_id"] == grid["place_id"]


def test_only_the_admin_offers_and_bad_ids_are_400(lambdas):
    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid)
    name, number = identity_of(new_person(lambdas, "黄接任"))
    assert offer_transfer(lambdas, worker, grid["place_id"], name, number)[0] == 403
    status, body = offer_transfer(lambdas, grid["admin"], grid["place_id"], name, number[:-1] + "X"
                                  if not number.endswith("X") else number[:-1] + "0")
    assert (status, body["error"]["code"], body["error"]["field"]) == (400, "INVALID_ID_NUMBER", "id_number")


def test_a_new_offer_voids_the_last(lambdas):
    grid = approved_grid(lambdas)
    first, second = new_person(lambdas, "黄接任"), new_person(lambdas, "林接任")
    old = offer_transfer(lambdas, grid["admin"], grid["place_id"], *identity_of(first))[1]
    offer_transfer(lambdas, grid["admin"], grid["place_id"], *identity_of(second))
    assert accept_transfer(lambdas, first, old["token"])[0] == 404


def pending(lambdas, person: str, place: str) -> tuple[int, dict]:
    return api(lambdas, "GET", f"/v1/grids/{place}/admin-transfer", "/v1/grids/{id}/admin-transfer", person,
               params={"id": place})


def withdraw(lambdas, person: str, place: str) -> tuple[int, dict]:
    return api(lambdas, "DELETE", f"/v1/grids/{place}/admin-transfer", "/v1/grids/{id}/admin-transfer", person,
               params={"id": place})


def test_the_admin_sees_the_pending_change_masked_and_withdraws_it(lambdas):
    grid = approved_grid(lambdas)
    place, admin = grid["place_id"], grid["admin"]
    successor = new_person(lambdas, "黄接任")
    assert pending(lambdas, admin, place) == (200, {"place_id": place, "pending": None})
    status, offer = offer_transfer(lambdas, admin, place, *identity_of(successor))
    assert status == 202

    status, body = pending(lambdas, admin, place)
    assert status == 200 and body["pending"]["successor_name_masked"] == "黄*任"
    assert body["pending"]["expires_at"] == offer["expires_at"] and "token" not in body["pending"]
    assert pending(lambdas, bound_worker(lambdas, grid), place)[0] == 403  # only the admin

    assert withdraw(lambdas, admin, place)[0] == 204
    assert pending(lambdas, admin, place)[1]["pending"] is None
    assert accept_transfer(lambdas, successor, offer["token"])[0] == 404  # the withdrawn link accepts no more
    status, body = withdraw(lambdas, admin, place)
    assert (status, body["error"]["field"]) == (404, "id")  # nothing left to withdraw
