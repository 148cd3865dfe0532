"""The rules of healthcode.places.admin that venues and organizations share, each tested on both kinds of place:
one admin, one place of a kind (under races too); only the admin edits; the admin transfer (更换管理员): an offer is
answered alike whoever holds the name and number, only the named holder accepts, a new offer voids the previous one,
offers expire. What differs between the kinds stays in test_places_venues_admin.py and test_places_orgs_admin*.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, NamedTuple

import pytest
from orgs_support import ORG, create_org
from orgs_support import api as org_api
from orgs_support import join as join_org
from places_support import PlaceRoutes, id_number_of, racing_creations
from venues_support import VENUE, create_venue, new_person
from venues_support import api as venue_api
from venues_support import join as join_venue

OFFER_FIELDS = {"status", "token", "place_id", "successor_name_masked", "expires_at", "accept_path", "message",
                "message_zh"}


class Kind(NamedTuple):
    routes: PlaceRoutes
    create: Callable[..., dict[str, Any]]  # create(lambdas, admin, **changes) -> the new place, as its admin sees it
    body: dict[str, Any]  # a valid creation
    marker: str  # the kind in the one-admin marker admin#<marker>#<person> and in ALREADY_<marker>_ADMIN
    join: Callable[..., tuple[int, Any]]  # join(lambdas, person, join_code): an inspector or a member binds


KINDS = {"venues": Kind(PlaceRoutes(venue_api, "venues"), create_venue, VENUE, "VENUE", join_venue),
         "orgs": Kind(PlaceRoutes(org_api, "orgs"), create_org, ORG, "ORG", join_org)}


@pytest.fixture(params=list(KINDS))
def kind(request) -> Kind:
    return KINDS[request.param]


@pytest.fixture
def place(lambdas, kind) -> tuple[PlaceRoutes, str, str]:
    """A new venue or organization: (the kind's routes, its admin, its place_id)."""
    admin = new_person(lambdas)
    return kind.routes, admin, kind.create(lambdas, admin)["place_id"]


# ---------------------------------------------------------------- one admin, one place of a kind


def test_a_second_place_for_the_same_admin_is_409(lambdas, kind):
    admin = new_person(lambdas)
    kind.create(lambdas, admin)
    status, body = kind.routes.create(lambdas, admin, kind.body | {"name": "第二个地方"})
    assert status == 409 and body["error"]["code"] == f"ALREADY_{kind.marker}_ADMIN"


def test_twenty_racing_creations_by_one_admin_yield_exactly_one_place(lambdas, kind):
    from healthcode.models import AuthItem, Place

    # GIVEN one person WHEN twenty creations of theirs race
    admin = new_person(lambdas)
    winner = racing_creations(lambdas, kind.routes, admin, [kind.body | {"name": f"地方{i}"} for i in range(20)])

    # THEN exactly one place exists (the other nineteen are 409), and the markers name it and them
    assert AuthItem.get(f"admin#{kind.marker}#{admin}").value == winner["place_id"]
    assert AuthItem.get(f"place-admin#{winner['place_id']}").value == admin
    assert AuthItem.get(f"join-code#{winner['join_code']}").value == winner["place_id"]
    assert [p.place_id for p in Place.by_admin.query(admin)] == [winner["place_id"]]


# ---------------------------------------------------------------- weekly edits


def test_only_the_admin_may_edit(lambdas, kind):
    """GIVEN a place and someone bound to it WHEN they edit it THEN 403, and the admin's week is not used up."""
    admin, other = new_person(lambdas), new_person(lambdas)
    place = kind.create(lambdas, admin)
    kind.join(lambdas, other, place["join_code"])
    status, body = kind.routes.patch(lambdas, other, place["place_id"], {"name": "抢注"})
    assert status == 403
    assert kind.routes.mine(lambdas, admin)[1]["editable"] is True


# ---------------------------------------------------------------- the admin transfer


@pytest.mark.parametrize("case", ["registered", "unknown person", "wrong name"])
def test_an_offer_is_answered_alike_whoever_holds_the_name_and_number(lambdas, place, case):
    """GIVEN an admin naming a successor WHEN the name and ID number belong to a registered user, to nobody, or the
    name is not that user's THEN the answer is the same 202 with the same fields (the typed name masked), so the
    route tells nobody whether a (name, ID number) pair is registered."""
    from infra.local.demo import id_number

    routes, admin, place_id = place
    successor = new_person(lambdas, name="黄接任")
    number = id_number("44010619880505999") if case == "unknown person" else id_number_of(successor)
    status, body = routes.offer(lambdas, admin, place_id, "黄别人" if case == "wrong name" else "黄接任", number)
    assert status == 202, body
    assert set(body) == OFFER_FIELDS and body["status"] == "OFFERED"
    assert body["successor_name_masked"] == ("黄*人" if case == "wrong name" else "黄*任")


def test_an_offer_with_a_name_not_the_holders_cannot_be_accepted_by_the_holder(lambdas, place):
    routes, admin, place_id = place
    successor = new_person(lambdas, name="黄接任")
    _, offer = routes.offer(lambdas, admin, place_id, "黄别人", id_number_of(successor))
    status, body = routes.accept(lambdas, successor, offer["token"])
    assert status == 403 and body["error"]["field"] == "token"
    assert routes.mine(lambdas, admin)[1]["admin_id"] == admin


def test_a_new_offer_voids_the_previous_one(lambdas, place):
    """GIVEN an offer to one person WHEN the admin offers the role to another THEN only the latest is pending,
    the first person's token is refused and the second one's works."""
    routes, admin, place_id = place
    first, second = new_person(lambdas, name="黄第一"), new_person(lambdas, name="黄第二")
    _, first_offer = routes.offer(lambdas, admin, place_id, "黄第一", id_number_of(first))
    _, second_offer = routes.offer(lambdas, admin, place_id, "黄第二", id_number_of(second))
    assert routes.pending(lambdas, admin, place_id)[1]["pending"]["successor_name_masked"] == "黄*二"
    assert routes.accept(lambdas, first, first_offer["token"])[0] == 404
    assert routes.accept(lambdas, second, second_offer["token"])[0] == 200
    assert routes.pending(lambdas, second, place_id)[1]["pending"] is None  # accepted: nothing left pending


def test_an_expired_offer_is_neither_pending_nor_accepted(lambdas, place, monkeypatch):
    """GIVEN an offer made more than three days ago WHEN the admin reads or withdraws it, or the successor accepts it
    THEN nothing is pending, and there is nothing to withdraw or accept (404)."""
    from healthcode.core import clock

    routes, admin, place_id = place
    successor = new_person(lambdas, name="黄过期")
    _, offer = routes.offer(lambdas, admin, place_id, "黄过期", id_number_of(successor))
    later = clock.now() + timedelta(days=3, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert routes.pending(lambdas, admin, place_id)[1]["pending"] is None
    assert routes.withdraw(lambdas, admin, place_id)[0] == 404
    assert routes.accept(lambdas, successor, offer["token"])[0] == 404
