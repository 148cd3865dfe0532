"""Dissolving a grid (guide 四(三)(1)5: 历史产生网格数据将清空且不可恢复): typed name, purge of everything, resumable."""

from __future__ import annotations

import pytest
from grids_support import (
    api,
    approved_grid,
    bound_worker,
    collect,
    dissolve,
    drain,
    identity_of,
    items_mentioning,
    join,
    key_persons,
    make_red,
    new_person,
    offer_transfer,
    stats,
)
from venues_support import code_of

# What stays when a grid is gone, and why: audit entries record who read whose data (not grid data); the
# idempotency records of collections hold their first answers for retries and expire (TTL 24 h).
KEPT = {"audit_table", "idempotency_table"}


def busy_grid(lambdas) -> dict:
    """An approved grid with an authorized and an unauthorized worker, an unbound one, collections (a red person
    among them), drained statistics and key persons, and a pending admin change."""
    grid = approved_grid(lambdas, name="石牌村解散网格")
    place = grid["place_id"]
    authorized, plain = bound_worker(lambdas, grid, "网格员甲", True), bound_worker(lambdas, grid, "网格员乙")
    unbound = bound_worker(lambdas, grid, "网格员丙")
    assert api(lambdas, "DELETE", f"/v1/grids/{place}/workers/{unbound}", "/v1/grids/{id}/workers/{person_id}",
               grid["admin"], params={"id": place, "person_id": unbound})[0] == 204
    red = new_person(lambdas, "陈红红")
    make_red(red)
    people = [red] + [new_person(lambdas) for _ in range(4)]
    for i, person in enumerate(people):
        assert collect(lambdas, place, (authorized, plain)[i % 2], {"qr": code_of(lambdas, person)})[0] == 201
    drain(lambdas, place)
    assert len(key_persons(lambdas, place, grid["admin"])[1]["items"]) == 1
    assert offer_transfer(lambdas, grid["admin"], place, *identity_of(new_person(lambdas, "黄接任")))[0] == 202
    return grid | {"workers": [authorized, plain, unbound], "people": people}


@pytest.mark.parametrize("confirm", [None, "", "石牌村", "石牌村解散网格 2", "另一个网格"])
def test_a_wrong_confirmation_is_400_and_nothing_is_deleted(lambdas, confirm):
    grid = approved_grid(lambdas, name="石牌村解散网格")
    worker = bound_worker(lambdas, grid)
    assert collect(lambdas, grid["place_id"], worker, {"qr": code_of(lambdas, new_person(lambdas))})[0] == 201
    before = items_mentioning(grid["place_id"])
    status, body = dissolve(lambdas, grid["admin"], grid["place_id"], confirm)
    assert (status, body["error"]["code"], body["error"]["field"]) == (400, "CONFIRMATION_MISMATCH", "confirm")
    assert items_mentioning(grid["place_id"]) == before
    assert api(lambdas, "GET", "/v1/grids/mine", "/v1/grids/mine", grid["admin"])[1]["status"] == "ACTIVE"


def test_only_the_admin_dissolves(lambdas):
    grid = approved_grid(lambdas, name="网格甲")
    worker = bound_worker(lambdas, grid, authorized=True)
    for person in (worker, new_person(lambdas, "路人")):
        assert dissolve(lambdas, person, grid["place_id"], "网格甲")[0] == 403
    assert stats(lambdas, grid["place_id"], grid["admin"])[0] == 200


def test_dissolving_purges_every_table_for_good(lambdas):
    grid = busy_grid(lambdas)
    place = grid["place_id"]
    status, body = dissolve(lambdas, grid["admin"], place, "  石牌村解散网格 ")
    assert (status, body["status"], body["done"]) == (200, "DISSOLVED", True), body
    assert body["deleted"]["collections"] == 5

    # THEN no table but the audit trail and the idempotency records holds anything of the grid
    left = items_mentioning(place, grid["join_code"])
    assert set(left) <= KEPT, {k: v for k, v in left.items() if k not in KEPT}
    # nor of the workers' bindings (the person items themselves stay: they are people, not grid data)
    for worker in grid["workers"]:
        assert [i for i in items_mentioning(worker, tables=("relations_table",)).get("relations_table", [])
                if "GRID" in i["sk"]["S"]] == []
    # every read is 404, a second dissolve too; the code admits nobody; the admin may create another grid
    admin = grid["admin"]
    assert api(lambdas, "GET", "/v1/grids/mine", "/v1/grids/mine", admin)[0] == 404
    assert dissolve(lambdas, admin, place, "石牌村解散网格")[0] == 404
    assert stats(lambdas, place, admin)[0] == 404
    assert key_persons(lambdas, place, admin)[0] == 404
    assert join(lambdas, new_person(lambdas), grid["join_code"])[0] == 404
    assert api(lambdas, "GET", "/v1/me/grids", "/v1/me/grids", grid["workers"][0])[1]["items"] == []
    assert collect(lambdas, place, grid["workers"][0], {"qr": code_of(lambdas, new_person(lambdas))})[0] == 403
    assert api(lambdas, "POST", "/v1/grids", "/v1/grids", admin, {"region_code": "440106001", "name": "新网格"})[0] == 201


def test_an_interrupted_purge_resumes_where_it_was(lambdas, monkeypatch):
    from healthcode.places.grids import purge

    grid = busy_grid(lambdas)
    place = grid["place_id"]
    real, calls = purge._delete_batch, []

    def failing(items):
        calls.append(items[0].Meta.table_name)
        if len(calls) == 3:
            raise RuntimeError("the function timed out")
        return real(items)

    monkeypatch.setattr(purge, "_delete_batch", failing)
    with pytest.raises(RuntimeError, match="timed out"):  # the invocation fails, as a Lambda timeout would
        dissolve(lambdas, grid["admin"], place, "石牌村解散网格")
    # meanwhile the grid is dissolving: reads are 404, nobody collects; its admin sees it dissolving (no join code)
    assert stats(lambdas, place, grid["admin"])[0] == 404
    status, mine = api(lambdas, "GET", "/v1/grids/mine", "/v1/grids/mine", grid["admin"])
    assert (status, mine["status"], mine["status_label"]) == (200, "DISSOLVING", "解散中") and "join_code" not in mine
    assert mine["purge"]["step"] in purge.STEPS[:-1], mine  # where the failed call stopped
    assert collect(lambdas, place, grid["workers"][0], {"qr": code_of(lambdas, new_person(lambdas))})[0] in (403, 409)
    # WHEN the admin calls again (with little time per call) THEN it goes on, and in the end everything is gone
    monkeypatch.setattr(purge, "_delete_batch", real)
    monkeypatch.setattr(purge, "BUDGET_SECONDS", 0.0)
    answers = []
    for _ in range(50):
        answers.append(dissolve(lambdas, grid["admin"], place, "石牌村解散网格"))
        if answers[-1][0] != 202:
            break
    assert len(answers) >= 2 and answers[-1][0] == 200 and all(s == 202 for s, _ in answers[:-1]), answers
    assert set(items_mentioning(place, grid["join_code"])) <= KEPT


def _scheduled_purge(lambdas) -> dict:
    import json

    from infra.template import ROOT

    return lambdas["GridPurgeFunction"].invoke(json.loads((ROOT / "events" / "grid-purge-schedule.json").read_text()))


def test_an_interrupted_purge_is_finished_by_the_schedule_without_its_admin(lambdas, monkeypatch):
    from healthcode.places.grids import purge

    grid = busy_grid(lambdas)
    place = grid["place_id"]
    real, calls = purge._delete_batch, []

    def failing(items):
        calls.append(items)
        if len(calls) == 2:
            raise RuntimeError("the function timed out")
        return real(items)

    monkeypatch.setattr(purge, "_delete_batch", failing)
    with pytest.raises(RuntimeError, match="timed out"):
        dissolve(lambdas, grid["admin"], place, "石牌村解散网格")
    monkeypatch.setattr(purge, "_delete_batch", real)
    # WHEN the scheduled function runs (the admin never comes back)
    counts = _scheduled_purge(lambdas)
    # THEN it finishes the purge: nothing of the grid is left, its admin may create a grid again
    assert counts["grids"] >= 1 and counts["dissolved"] >= 1 and counts["deleted"] > 0, counts
    assert set(items_mentioning(place, grid["join_code"])) <= KEPT
    assert api(lambdas, "GET", "/v1/grids/mine", "/v1/grids/mine", grid["admin"])[0] == 404
    # and a second run has nothing of this grid to do
    assert place not in {line.sk for line in purge.Relation.query(purge.DISSOLVING_PARTITION)}


def test_the_schedule_drops_a_line_whose_grid_is_not_being_dissolved_and_touches_nothing_else(lambdas):
    from healthcode.models import Place
    from healthcode.places.grids import purge

    grid = approved_grid(lambdas, name="未解散网格")
    place = Place.get(grid["place_id"])
    purge.dissolving_line(place).save()  # a line left behind (say, by a purge finished some other way)
    before = items_mentioning(grid["place_id"])

    _scheduled_purge(lambdas)

    assert place.place_id not in {line.sk for line in purge.Relation.query(purge.DISSOLVING_PARTITION)}
    assert Place.get(place.place_id).status == "ACTIVE"
    after = items_mentioning(grid["place_id"])
    assert {k: len(v) for k, v in after.items()} == {k: len(v) - (k == "relations_table") for k, v in before.items()}


def test_two_purges_of_one_grid_at_once_neither_fails_and_the_grid_goes(lambdas):
    """The admin's page and the scheduled grid_purge may purge the same grid at once: the one whose progress is stale
    stops (202 DISSOLVING, or a quiet scheduled run), never a 500, and calling again finishes the purge."""
    from healthcode.models import Place
    from healthcode.places.grids import purge

    grid = busy_grid(lambdas)
    place = grid["place_id"]
    assert purge.dissolve(place, grid["admin"], "石牌村解散网格", budget_seconds=0.0)["done"] is False
    stale = Place.get(place, consistent_read=True)  # what one container read
    purge.Purge(Place.get(place, consistent_read=True), 0.0).run()  # the other moves on and saves its progress

    assert purge.Purge(stale, 0.0).run() is False  # the stale one stops quietly

    answers = []
    for _ in range(50):
        answers.append(dissolve(lambdas, grid["admin"], place, "石牌村解散网格"))
        if answers[-1][0] != 202:
            break
    assert answers[-1][0] == 200 and all(s in (200, 202) for s, _ in answers), answers
    assert set(items_mentioning(place, grid["join_code"])) <= KEPT
