"""The venue's roster (healthcode.places.venues.roster): written in the binding transactions, read in the statistics' one call."""

from __future__ import annotations

import pytest
from venues_support import api, check, code_of, create_venue, drain, join, new_person, race, stats


def _roster(place_id):
    """The roster item as stored (DynamoDB JSON), or None."""
    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    return client("dynamodb").get_item(TableName=get_config().stats_table, ConsistentRead=True, Key={
        "scope": {"S": f"venue#{place_id}"}, "bucket": {"S": "roster"}}).get("Item")


def _listed(place_id):
    return {name[2:]: value["S"] for name, value in (_roster(place_id) or {}).items() if name.startswith("b#")}


def _forget_roster(place_id):
    """Make the venue look as venues created before rosters existed look."""
    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    client("dynamodb").delete_item(TableName=get_config().stats_table, Key={
        "scope": {"S": f"venue#{place_id}"}, "bucket": {"S": "roster"}})


def _unbind(lambdas, venue, admin, person):
    return api(lambdas, "DELETE", f"/v1/venues/{venue['place_id']}/inspectors/{person}",
               "/v1/venues/{id}/inspectors/{person_id}", admin, params={"id": venue["place_id"], "person_id": person})


def _leave(lambdas, venue, person):
    return api(lambdas, "DELETE", f"/v1/inspector/venues/{venue['place_id']}", "/v1/inspector/venues/{id}", person,
               params={"id": venue["place_id"]})


@pytest.fixture
def venue(lambdas):
    admin = new_person(lambdas, name="场所管理")
    return create_venue(lambdas, admin) | {"admin": admin}


def _checked_by(lambdas, venue, inspector):
    """One check by this inspector, folded into the statistics."""
    visitor = new_person(lambdas, name="来访人")
    status, answer = check(lambdas, venue["place_id"], inspector, code_of(lambdas, visitor))
    assert status == 201, answer
    drain(lambdas, venue["place_id"])


def test_a_new_venue_has_an_empty_complete_roster(venue):
    """GIVEN a venue just created WHEN its roster is read THEN it exists, dated with the venue, listing nobody."""
    item = _roster(venue["place_id"])
    assert item["created_at"] == {"S": venue["created_at"]}
    assert not [name for name in item if name.startswith("b#")]


def test_a_join_lists_the_inspector_in_the_roster(lambdas, venue):
    """GIVEN a venue WHEN a person binds with its join code THEN the roster lists them with their masked name."""
    inspector = new_person(lambdas, name="检测员乙")
    assert join(lambdas, inspector, venue["join_code"])[0] == 201
    assert _listed(venue["place_id"]) == {inspector: "检**乙"}


def test_the_admin_binding_as_inspector_is_listed_in_the_roster(lambdas, venue):
    """GIVEN a venue WHEN its admin binds as its inspector (FAQ (三) 11) THEN the roster lists the admin."""
    assert join(lambdas, venue["admin"], venue["join_code"])[0] == 201
    assert _listed(venue["place_id"]) == {venue["admin"]: "场**理"}


def test_statistics_of_a_new_venue_take_one_call_and_list_a_joined_inspector_with_zeros(lambdas, venue):
    """GIVEN a new venue with an inspector bound and no checks WHEN the admin reads the statistics
    THEN one call answers, and the inspector is listed with zero counts."""
    from infra.local.embedded import count_aws_calls

    inspector = new_person(lambdas, name="检测员乙")
    join(lambdas, inspector, venue["join_code"])
    with count_aws_calls() as calls:
        status, shown = stats(lambdas, venue["place_id"], venue["admin"])
    assert status == 200 and calls == {"dynamodb.BatchGetItem": 1}
    assert shown["inspectors"] == [{"person_id": inspector, "name_masked": "检**乙", "bound": True, "is_admin": False,
                                    "today": 0, "total": 0, "fever_today": 0, "fever_total": 0}]


@pytest.mark.parametrize("how", ["leave", "unbind"])
def test_an_inspector_who_leaves_or_is_unbound_is_off_the_roster_with_their_counts_kept(lambdas, venue, how):
    """GIVEN an inspector who checked one person WHEN they leave, or the admin unbinds them
    THEN the roster no longer lists them, and the statistics keep their count, marked bound: false."""
    inspector = new_person(lambdas, name="检测员乙")
    join(lambdas, inspector, venue["join_code"])
    _checked_by(lambdas, venue, inspector)
    status, _ = _leave(lambdas, venue, inspector) if how == "leave" else _unbind(lambdas, venue, venue["admin"],
                                                                                inspector)
    assert status == 204
    assert _listed(venue["place_id"]) == {}
    _, shown = stats(lambdas, venue["place_id"], venue["admin"])
    assert [(r["person_id"], r["bound"], r["total"]) for r in shown["inspectors"]] == [(inspector, False, 1)]


def test_leaving_a_venue_one_is_not_bound_to_writes_nothing_to_the_roster(lambdas, venue):
    """GIVEN a venue and a person not bound to it WHEN the person leaves it THEN 404, and the roster is unchanged."""
    before = _roster(venue["place_id"])
    status, body = _leave(lambdas, venue, new_person(lambdas))
    assert status == 404, body
    assert _roster(venue["place_id"]) == before


def test_twenty_concurrent_joins_are_all_on_the_roster(lambdas, venue):
    """GIVEN twenty people WHEN they all bind to one venue at once THEN all twenty are on the roster and listed
    by the statistics."""
    people = [new_person(lambdas, name=f"检测员{i}") for i in range(20)]
    answers = race(lambda person: join(lambdas, person, venue["join_code"]), people)
    assert sorted(status for status, _ in answers) == [201] * 20, answers
    assert set(_listed(venue["place_id"])) == set(people)
    _, shown = stats(lambdas, venue["place_id"], venue["admin"])
    assert {row["person_id"] for row in shown["inspectors"] if row["bound"]} == set(people)


@pytest.mark.parametrize("failure", ["revoked", "unknown code", "already bound"])
def test_a_failed_join_writes_nothing_to_the_roster(lambdas, venue, failure):
    """GIVEN a join that is refused (unbound by the admin, a code no venue has, or bound already)
    WHEN the person tries it THEN it fails (409 / 404 / 409) and the roster is exactly as before."""
    person = new_person(lambdas, name="检测员乙")
    code = venue["join_code"]
    if failure == "revoked":
        join(lambdas, person, code)
        _unbind(lambdas, venue, venue["admin"], person)
    elif failure == "unknown code":
        code = "ZZZZZZZZ" if code != "ZZZZZZZZ" else "YYYYYYYY"
    else:
        join(lambdas, person, code)
    before = _roster(venue["place_id"])
    status, body = join(lambdas, person, code)
    assert status == {"revoked": 409, "unknown code": 404, "already bound": 409}[failure], body
    assert _roster(venue["place_id"]) == before


def test_a_venue_from_before_the_roster_still_lists_every_bound_inspector(lambdas, venue):
    """GIVEN a venue created before rosters existed (no roster item), with an inspector bound then, and one who
    joins now (which leaves a partial roster item) WHEN the admin reads the statistics THEN both are listed,
    read from the bindings: the BatchGetItem and one Query."""
    from infra.local.embedded import count_aws_calls

    earlier, later = new_person(lambdas, name="早来甲"), new_person(lambdas, name="后来乙")
    join(lambdas, earlier, venue["join_code"])
    _forget_roster(venue["place_id"])
    join(lambdas, later, venue["join_code"])
    assert _listed(venue["place_id"]) == {later: "后*乙"}  # incomplete: no created_at
    with count_aws_calls() as calls:
        status, shown = stats(lambdas, venue["place_id"], venue["admin"])
    assert status == 200 and calls == {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 1}
    assert sorted((r["name_masked"], r["bound"], r["total"]) for r in shown["inspectors"]) == [
        ("后*乙", True, 0), ("早*甲", True, 0)]


def test_a_join_cancelled_by_a_transaction_conflict_is_retried(lambdas, venue, monkeypatch):
    """GIVEN DynamoDB cancelling the first join transaction for a conflict on the shared roster (concurrent
    binds) WHEN a person joins THEN the transaction is retried: 201, bound and on the roster."""
    from healthcode.core import tx
    from healthcode.models import Relation

    original, cancelled = tx.Tx.commit, []

    def conflict_once(self):
        if not cancelled:
            cancelled.append(True)
            raise tx.Cancelled({"roster": "TransactionConflict"})
        return original(self)

    monkeypatch.setattr(tx.Tx, "commit", conflict_once)
    inspector = new_person(lambdas, name="检测员乙")
    assert join(lambdas, inspector, venue["join_code"])[0] == 201
    assert cancelled and _listed(venue["place_id"]) == {inspector: "检**乙"}
    assert Relation.get(inspector, f"VENUE#{venue['place_id']}").target == venue["place_id"]
