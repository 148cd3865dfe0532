"""The grids' sample events (events/grids-*.json, for `sam local invoke -e`) are ones their handlers accept."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from infra.template import ROOT

ADMIN, WORKER = "01JDEMO0000000000000000000", "01JDEMOWORKER0000000000000"
MEMBER, RESIDENT = "01JMEMBER00000000000000001", "01JDEMORESIDENT00000000000"
GRID_ID, JOIN_CODE, TOKEN = "01JDEMOGRID000000000000000", "123456789012", "sample-transfer-token-from-the-offer"


def sample(name):
    return json.loads((ROOT / "events" / name).read_text())


def _with_token(event, token):
    event = copy.deepcopy(event)
    event["pathParameters"]["token"] = token
    event["path"] = event["path"].replace(TOKEN, token)
    event["requestContext"]["path"] = event["requestContext"]["path"].replace(TOKEN, token)
    return event


def _as(event, person_id):
    event = copy.deepcopy(event)
    event["requestContext"]["authorizer"] |= {"person_id": person_id, "principalId": person_id}
    return event


@pytest.fixture
def sample_people(lambdas, monkeypatch):
    from healthcode.places.grids import grids
    from test_places_venues_sample_events import _forget, _person_with_id

    markers = [_person_with_id(ADMIN, "样例管理", "44010619900101001"),
               _person_with_id(MEMBER, "样例成员", "44010619910101002"),
               _person_with_id(WORKER, "样例网格", "44010619920101003"),
               _person_with_id(RESIDENT, "李阿婆", "44010619500101123")]  # the collection sample's document
    monkeypatch.setattr(grids, "ULID", lambda: GRID_ID)
    monkeypatch.setattr("healthcode.places.admin.new_join_code", lambda: JOIN_CODE)
    yield
    _forget(*[("people_table", {"person_id": p}) for p in (ADMIN, MEMBER, WORKER, RESIDENT)],
            *[("auth_table", {"key": key}) for key in (f"admin#GRID#{ADMIN}", f"admin#GRID#{MEMBER}",
                                                        f"place-admin#{GRID_ID}", f"join-code#{JOIN_CODE}", *markers)])


def test_every_grid_route_has_a_sample_event():
    from infra.template import load_template, routes

    samples = {(e["resource"], e["httpMethod"]) for e in map(sample, (p.name for p in
               Path(ROOT / "events").glob("grids-*.json"))) if "resource" in e}
    grid_routes = {(r.path, r.method.upper()) for r in routes(load_template()) if r.function == "GridsFunction"}
    assert grid_routes - samples == set()


def test_http_samples_are_answered_by_their_routes_in_the_order_a_user_takes(lambdas, sample_people):
    from healthcode.places.grids import workers

    statuses = []

    def run(name, event=None):
        answer = lambdas["GridsFunction"].invoke(event or sample(name))
        statuses.append((name, answer["statusCode"]))
        return json.loads(answer["body"]) if answer.get("body") else None

    run("grids-create.json")
    run("grids-mine.json")
    run("grids-join.json")  # pending: 409 GRID_NOT_ACTIVE
    run("grids-admin-list.json")
    run("grids-admin-approve.json")
    run("grids-admin-reject.json")  # approved already: 409
    run("grids-join.json")  # the admin binds as a worker of their grid
    workers.join(WORKER, JOIN_CODE)
    run("grids-my-grids.json")
    run("grids-current.json")
    run("grids-workers.json")
    run("grids-authorize.json")
    run("grids-withdraw-authorization.json")
    workers.set_authorized(GRID_ID, ADMIN, ADMIN, True)
    run("grids-collect.json")
    run("grids-collect.json")  # a retry under the same Idempotency-Key: the first answer again
    run("grids-person.json")
    run("grids-stats.json")
    run("grids-key-persons.json")
    run("grids-my-stats.json")
    run("grids-region-admins-grant.json")
    run("grids-region-admins-list.json")
    run("grids-region-admins-revoke.json")
    run("grids-unbind-worker.json")
    run("grids-admin-transfer.json")
    run("grids-admin-transfer-pending.json")
    run("grids-admin-transfer-cancel.json")
    offer = run("grids-admin-transfer.json")
    run("grids-admin-transfer-offer.json", _as(_with_token(sample("grids-admin-transfer-offer.json"),
                                                           offer["token"]), MEMBER))
    run("grids-admin-transfer-accept.json", _as(_with_token(sample("grids-admin-transfer-accept.json"),
                                                            offer["token"]), MEMBER))
    run("grids-leave.json")
    run("grids-dissolve.json", _as(sample("grids-dissolve.json"), MEMBER))
    assert statuses == [
        ("grids-create.json", 201), ("grids-mine.json", 200), ("grids-join.json", 409),
        ("grids-admin-list.json", 200), ("grids-admin-approve.json", 200), ("grids-admin-reject.json", 409),
        ("grids-join.json", 201), ("grids-my-grids.json", 200), ("grids-current.json", 200),
        ("grids-workers.json", 200), ("grids-authorize.json", 200),
        ("grids-withdraw-authorization.json", 200), ("grids-collect.json", 201),
        ("grids-collect.json", 200), ("grids-person.json", 200), ("grids-stats.json", 200),
        ("grids-key-persons.json", 200), ("grids-my-stats.json", 200), ("grids-region-admins-grant.json", 201),
        ("grids-region-admins-list.json", 200), ("grids-region-admins-revoke.json", 204),
        ("grids-unbind-worker.json", 204), ("grids-admin-transfer.json", 202),
        ("grids-admin-transfer-pending.json", 200), ("grids-admin-transfer-cancel.json", 204),
        ("grids-admin-transfer.json", 202), ("grids-admin-transfer-offer.json", 200), ("grids-admin-transfer-accept.json", 200),
        ("grids-leave.json", 204), ("grids-dissolve.json", 200),
    ]


def test_the_key_person_stream_sample_is_accepted(lambdas):
    assert lambdas["GridKeyPersonsFunction"].invoke(sample("grids-key-persons-stream.json")) == {
        "batchItemFailures": []}
