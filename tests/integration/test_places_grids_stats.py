"""Grid statistics and key persons (guide 四(三)(1)7, (2)3-4): pre-computed by the streams, exactly once, one read."""

from __future__ import annotations

from collections import Counter

from grids_support import (
    api,
    approved_grid,
    authorize,
    bound_worker,
    collect,
    collection_records,
    deliver,
    deliver_people,
    drain,
    key_persons,
    make_green,
    make_red,
    new_person,
    stats,
)
from venues_support import code_of, race


def test_two_workers_collecting_concurrently_are_counted_exactly(lambdas):
    # GIVEN an approved grid with two workers (one authorized) and six residents
    grid = approved_grid(lambdas)
    place = grid["place_id"]
    first, second = bound_worker(lambdas, grid, "网格员甲", authorized=True), bound_worker(lambdas, grid, "网格员乙")
    residents = [new_person(lambdas, f"居民{i}") for i in range(6)]
    codes = {r: code_of(lambdas, r) for r in residents}
    make_red(residents[0])
    codes[residents[0]] = code_of(lambdas, residents[0])
    # WHEN both collect at once: the first everyone (one with fever), the second the first three again
    jobs = [(first, r, "FEVER" if r == residents[1] else "NORMAL") for r in residents] + [
        (second, r, "NORMAL") for r in residents[:3]]
    answers = race(lambda job: collect(lambdas, place, job[0], {"qr": codes[job[1]], "temperature": job[2]}), jobs)
    assert [status for status, _ in answers] == [201] * 9, answers
    drain(lambdas, place)

    # THEN the statistics are exact
    status, body = stats(lambdas, place, grid["admin"])
    assert status == 200, body
    assert (body["collections_today"], body["collections_total"], body["people_today"], body["fever_today"],
            body["red_today"]) == (9, 9, 6, 1, 2)
    assert (body["workers_bound"], body["workers_authorized"]) == (2, 1)
    rows = {row["person_id"]: (row["today"], row["total"], row["authorized"]) for row in body["workers"]}
    assert rows == {first: (6, 6, True), second: (3, 3, False)}
    assert len(body["daily"]) == 14 and body["daily"][-1] == {"date": body["date"], "collections": 9, "people": 6,
                                                              "fever": 1, "red": 2}
    assert all(day["collections"] == 0 for day in body["daily"][:-1])
    # the authorized worker reads them too; the unauthorized one and a stranger do not
    assert stats(lambdas, place, first)[0] == 200
    assert stats(lambdas, place, second)[1]["error"]["code"] == "GRID_WORKER_NOT_AUTHORIZED"
    assert stats(lambdas, place, new_person(lambdas, "路人"))[0] == 403
    # and each worker sees their own counts
    status, mine = api(lambdas, "GET", "/v1/me/grid-stats", "/v1/me/grid-stats", second)
    assert (status, mine["today"], mine["total"], mine["grids"][0]["place_id"]) == (200, 3, 3, place)


def test_a_replayed_batch_is_counted_once(lambdas):
    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid)
    for _ in range(3):
        assert collect(lambdas, grid["place_id"], worker, {"qr": code_of(lambdas, new_person(lambdas))})[0] == 201
    records = collection_records(grid["place_id"])
    assert deliver(lambdas, records) == {"batchItemFailures": []}
    assert deliver(lambdas, records) == {"batchItemFailures": []}  # the same batch again
    assert deliver(lambdas, records[1:]) == {"batchItemFailures": []}  # and a part of it
    body = stats(lambdas, grid["place_id"], grid["admin"])[1]
    assert (body["collections_today"], body["people_today"], body["workers"][0]["today"]) == (3, 3, 3)


def test_a_batch_of_100_collections_writes_each_grid_bucket_at_most_once(lambdas):
    from test_colour_least_privilege import recorded

    grid = approved_grid(lambdas)
    workers = [bound_worker(lambdas, grid, f"网格员{i}") for i in range(3)]
    people = [new_person(lambdas) for _ in range(25)]
    codes = [code_of(lambdas, p) for p in people]
    for i in range(100):
        assert collect(lambdas, grid["place_id"], workers[i % 3], {"qr": codes[i % 25]})[0] == 201
    records = collection_records(grid["place_id"])
    assert len(records) == 100
    with recorded() as calls:
        assert deliver(lambdas, records) == {"batchItemFailures": []}
    writes = Counter()
    for _service, operation, params in calls:
        if operation == "TransactWriteItems":
            for item in params["TransactItems"]:
                for kind, body in item.items():
                    if kind != "ConditionCheck" and body["Key"]["scope"]["S"] == f"grid#{grid['place_id']}":
                        writes[body["Key"]["bucket"]["S"]] += 1
        assert operation not in ("UpdateItem", "PutItem", "BatchWriteItem"), operation
    assert writes and max(writes.values()) == 1, writes
    body = stats(lambdas, grid["place_id"], grid["admin"])[1]
    assert (body["collections_today"], body["people_today"]) == (100, 25)


def test_the_statistics_and_the_key_persons_are_one_read_each(lambdas):
    from test_colour_least_privilege import recorded

    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid)
    collect(lambdas, grid["place_id"], worker, {"qr": code_of(lambdas, new_person(lambdas))})
    drain(lambdas, grid["place_id"])
    for read in (stats, key_persons):
        with recorded() as calls:
            status, _ = read(lambdas, grid["place_id"], grid["admin"])
        assert status == 200
        assert len([c for c in calls if c[0] == "dynamodb"]) == 1, [c[1] for c in calls]


def test_key_persons_follow_the_colour_and_full_names_go_to_authorized_workers_only(lambdas):
    from healthcode.models import AuditEntry

    grid = approved_grid(lambdas)
    place, admin = grid["place_id"], grid["admin"]
    authorized = bound_worker(lambdas, grid, "网格员甲", authorized=True)
    plain = bound_worker(lambdas, grid, "网格员乙")
    red, later, green = new_person(lambdas, "陈红红"), new_person(lambdas, "林后红"), new_person(lambdas, "黄绿绿")
    make_red(red)
    for person in (red, later, green):
        assert collect(lambdas, place, plain, {"qr": code_of(lambdas, person)})[0] == 201
    drain(lambdas, place)

    # THEN the red person collected is a key person: masked for the admin
    status, body = key_persons(lambdas, place, admin)
    assert status == 200, body
    assert [(k["person_id"], "name" in k) for k in body["items"]] == [(red, False)]
    assert body["items"][0]["reasons"][0]["code"] == "POSITIVE_TEST"
    # full name for the authorized worker, audited; 403 for the unauthorized one
    status, body = key_persons(lambdas, place, authorized)
    assert [k["name"] for k in body["items"]] == ["陈红红"]
    assert [e.actor for e in AuditEntry.query(red) if e.action == "GRID_KEY_PERSON_READ"] == [authorized]
    assert key_persons(lambdas, place, plain)[1]["error"]["code"] == "GRID_WORKER_NOT_AUTHORIZED"

    # WHEN another collected person turns red THEN the people stream adds them
    make_red(later, "CLOSE_CONTACT")
    assert deliver_people(lambdas, later) == {"batchItemFailures": []}
    assert {k["person_id"] for k in key_persons(lambdas, place, admin)[1]["items"]} == {red, later}
    # WHEN the first is released (turns green) THEN they leave the list; a replay of the older records does not
    # bring them back
    make_green(red)
    assert deliver_people(lambdas, red) == {"batchItemFailures": []}
    assert deliver_people(lambdas, red) == {"batchItemFailures": []}
    drain(lambdas, place)
    assert {k["person_id"] for k in key_persons(lambdas, place, admin)[1]["items"]} == {later}


def test_a_worker_collecting_in_another_grid_does_not_make_key_persons_here(lambdas):
    grid, other = approved_grid(lambdas), approved_grid(lambdas)
    worker = bound_worker(lambdas, other)
    person = new_person(lambdas, "陈红红")
    make_red(person)
    assert collect(lambdas, other["place_id"], worker, {"qr": code_of(lambdas, person)})[0] == 201
    drain(lambdas, other["place_id"])
    assert key_persons(lambdas, grid["place_id"], grid["admin"])[1]["items"] == []
    assert [k["person_id"] for k in key_persons(lambdas, other["place_id"], other["admin"])[1]["items"]] == [person]
    assert authorize(lambdas, grid["admin"], grid["place_id"], worker)[0] == 404
