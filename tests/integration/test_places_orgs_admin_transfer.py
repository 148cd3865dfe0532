"""Organizations' admin transfer (更换管理员, FAQ (四) 2 "管理员手机号码" aside, as venues do): the admin names a
successor by name and ID number, the named successor sees the organization and confirms; the rules are
healthcode.places.admin.AdminTransfers', shared with venues (those tested on both kinds: test_places_admin.py)."""

from __future__ import annotations

import random

import pytest
from orgs_support import api, create_org, declare, join, new_person, stats
from places_support import PlaceRoutes, racing_acceptances
from places_support import id_number_of as _id_number
from venues_support import api as venue_api
from venues_support import create_venue, new_traveller

ORGS, VENUES = PlaceRoutes(api, "orgs"), PlaceRoutes(venue_api, "venues")
_offer, _offered, _accept, _pending, _withdraw = ORGS.offer, ORGS.offered, ORGS.accept, ORGS.pending, ORGS.withdraw
_mine = ORGS.mine


def _auth_keys(prefix):
    """Keys of the auth table starting with prefix (a test may read moto's table whole; no request path does)."""
    from healthcode.models import AuthItem

    return sorted(item.key for item in AuthItem.scan(AuthItem.key.startswith(prefix)))


def test_the_role_moves_when_the_named_successor_accepts(lambdas):
    # GIVEN an organization with a member who declared, and an offer of the admin role to another person
    admin, successor, stranger = new_person(lambdas), new_person(lambdas, name="黄接任"), new_person(lambdas)
    org = create_org(lambdas, admin)
    status, offer = _offer(lambdas, admin, org["place_id"], "黄接任", _id_number(successor))
    assert status == 202 and offer["successor_name_masked"] == "黄*任"
    assert offer["accept_path"] == f"/v1/orgs/admin-transfer/{offer['token']}/accept"

    # WHEN someone else tries the link THEN 403 naming the token
    status, body = _accept(lambdas, stranger, offer["token"])
    assert status == 403 and body["error"]["field"] == "token"

    # WHEN the named successor accepts THEN they are the admin, with the join code; the former admin is not
    status, accepted = _accept(lambdas, successor, offer["token"])
    assert status == 200 and accepted["admin_id"] == successor and accepted["join_code"] == org["join_code"]
    assert _mine(lambdas, successor)[1]["place_id"] == org["place_id"]
    assert _mine(lambdas, admin)[0] == 404
    assert stats(lambdas, org["place_id"], admin)[0] == 403
    assert stats(lambdas, org["place_id"], successor)[0] == 200
    assert ORGS.patch(lambdas, admin, org["place_id"], {"name": "旧管理员改名"})[0] == 403
    assert _accept(lambdas, successor, offer["token"])[0] == 404  # used up
    create_org(lambdas, admin)  # the former admin is free to register another organization


BAD_OFFERS = [
    ({"name": "黄接任", "id_number": "440106197001015550"}, "id_number"),  # wrong check digit
    ({"name": "黄接任", "id_number": "4401061970010155"}, "id_number"),  # too short
    ({"name": "   ", "id_number": "SELF"}, "name"),  # blank once spaces are dropped
    ({"id_number": "SELF"}, "name"),  # missing
    ({"name": "黄接任"}, "id_number"),  # missing
    ({"name": "x" * 65, "id_number": "SELF"}, "name"),  # too long
    ({"name": "黄接任", "id_number": "SELF", "id_type": "PASSPORT"}, "id_type"),  # inbound travellers' code
    ({"name": "黄接任", "id_number": "SELF", "id_type": "DRIVING_LICENCE"}, "id_type"),  # no such document
    ({"name": "黄接任", "id_number": "SELF", "phone": "13800138000"}, "phone"),  # not a field of the offer
    ({"name": "自己", "id_number": "ADMIN"}, "id_number"),  # oneself
]


@pytest.mark.parametrize(("body", "field"), BAD_OFFERS)
def test_a_bad_offer_is_400_naming_the_field_and_writes_nothing(lambdas, body, field):
    admin, successor = new_person(lambdas, name="自己"), new_person(lambdas)
    org = create_org(lambdas, admin)
    number = {"SELF": _id_number(successor), "ADMIN": _id_number(admin)}
    body = {k: number.get(v, v) if k == "id_number" else v for k, v in body.items()}
    before = set(_auth_keys("org-transfer")) | set(_auth_keys(f"rate#org-admin-offer#person#{admin}"))
    status, answer = ORGS.call(lambdas, "POST", "/{id}/admin-transfer", admin, body, id=org["place_id"])
    assert status == 400, answer
    assert answer["error"]["field"] == field, answer
    assert set(_auth_keys("org-transfer")) | set(_auth_keys(f"rate#org-admin-offer#person#{admin}")) == before
    assert _pending(lambdas, admin, org["place_id"])[1]["pending"] is None


def test_an_offer_for_an_unknown_or_foreign_organization_is_refused(lambdas):
    """GIVEN a venue admin and an organization admin WHEN one offers the role of a place that is not theirs, or of a
    venue through the organizations' route, or of nothing THEN 403 / 404 naming the id."""
    org_admin, venue_admin, member = new_person(lambdas), new_person(lambdas), new_person(lambdas, name="黄成员")
    org = create_org(lambdas, org_admin)
    venue = create_venue(lambdas, venue_admin)
    join(lambdas, member, org["join_code"])
    status, body = _offer(lambdas, member, org["place_id"], "黄成员", _id_number(member))
    assert status == 403 and body["error"]["field"] == "id"  # a member is not the admin
    status, body = _offer(lambdas, venue_admin, venue["place_id"], "黄成员", _id_number(member))
    assert status == 404 and body["error"]["field"] == "id"  # a venue is no organization
    status, body = _offer(lambdas, org_admin, "01JNOSUCHORG00000000000000", "黄成员", _id_number(member))
    assert status == 404 and body["error"]["field"] == "id"
    assert _pending(lambdas, org_admin, org["place_id"])[1]["pending"] is None


def test_a_venue_token_does_not_open_an_organization_and_back(lambdas):
    """GIVEN offers of a venue and of an organization to the same person WHEN each token is used on the other
    kind's route THEN 404: the offers of the two kinds are kept apart."""
    venue_admin, org_admin, successor = new_person(lambdas), new_person(lambdas), new_person(lambdas, name="黄双份")
    venue = create_venue(lambdas, venue_admin)
    org = create_org(lambdas, org_admin)
    _, venue_offer = VENUES.offer(lambdas, venue_admin, venue["place_id"], "黄双份", _id_number(successor))
    _, org_offer = _offer(lambdas, org_admin, org["place_id"], "黄双份", _id_number(successor))
    assert _accept(lambdas, successor, venue_offer["token"])[0] == 404
    assert _offered(lambdas, successor, venue_offer["token"])[0] == 404
    assert VENUES.accept(lambdas, successor, org_offer["token"])[0] == 404
    # each on its own route works, and one person may administer a venue and an organization
    assert _accept(lambdas, successor, org_offer["token"])[0] == 200
    assert VENUES.accept(lambdas, successor, venue_offer["token"])[0] == 200


def test_the_named_successor_sees_the_organization_before_accepting(lambdas):
    """GIVEN an offer WHEN the named successor opens it THEN the organization's name, address and level (no join code,
    phone masked) and the expiry; anyone else 403, an unknown or overlong token 404; looking changes nothing."""
    admin, successor, stranger = new_person(lambdas), new_person(lambdas, name="黄看看"), new_person(lambdas)
    org = create_org(lambdas, admin, name="黄沙街道办", level="TOWNSHIP")
    _, offer = _offer(lambdas, admin, org["place_id"], "黄看看", _id_number(successor))
    status, body = _offered(lambdas, successor, offer["token"])
    assert status == 200, body
    assert body["org"]["name"] == "黄沙街道办" and body["org"]["level_label"] == "乡镇（街道）级"
    assert body["org"]["address"] == org["address"] and body["org"]["phone_masked"]
    assert "join_code" not in body["org"] and "phone" not in body["org"]
    assert body["expires_at"][:19] == offer["expires_at"][:19]
    assert _offered(lambdas, stranger, offer["token"])[0] == 403
    for token in ("no-such-token", "x" * 65):
        status, answer = _offered(lambdas, successor, token)
        assert status == 404 and answer["error"]["field"] == "token"
    assert _accept(lambdas, successor, offer["token"])[0] == 200
    assert _offered(lambdas, successor, offer["token"])[0] == 404  # used up


def test_the_admin_sees_the_pending_offer_masked_and_withdraws_it(lambdas):
    admin, successor = new_person(lambdas), new_person(lambdas, name="黄撤回")
    org = create_org(lambdas, admin)
    assert _pending(lambdas, admin, org["place_id"]) == (200, {"place_id": org["place_id"], "pending": None})
    _, offer = _offer(lambdas, admin, org["place_id"], "黄撤回", _id_number(successor))
    status, body = _pending(lambdas, admin, org["place_id"])
    assert status == 200 and body["pending"]["successor_name_masked"] == "黄*回"
    assert body["pending"]["expires_at"] == offer["expires_at"]
    assert offer["token"] not in str(body) and "黄撤回" not in str(body)
    assert _pending(lambdas, successor, org["place_id"])[0] == 403
    assert _withdraw(lambdas, successor, org["place_id"])[0] == 403
    assert _withdraw(lambdas, admin, org["place_id"])[0] == 204
    assert _pending(lambdas, admin, org["place_id"])[1]["pending"] is None
    status, body = _accept(lambdas, successor, offer["token"])
    assert status == 404 and body["error"]["field"] == "token"
    status, body = _withdraw(lambdas, admin, org["place_id"])
    assert status == 404 and body["error"]["field"] == "id"
    assert _mine(lambdas, admin)[1]["admin_id"] == admin


def test_a_successor_who_already_administers_an_organization_is_refused_when_accepting(lambdas):
    admin, other_admin = new_person(lambdas), new_person(lambdas, name="何管理")
    org = create_org(lambdas, admin)
    create_org(lambdas, other_admin)
    _, offer = _offer(lambdas, admin, org["place_id"], "何管理", _id_number(other_admin))
    status, body = _accept(lambdas, other_admin, offer["token"])
    assert status == 409 and body["error"]["code"] == "ALREADY_ORG_ADMIN" and body["error"]["field"] == "token"
    assert _mine(lambdas, admin)[1]["admin_id"] == admin


def test_an_inbound_traveller_cannot_accept(lambdas):
    """GIVEN an offer (to the name and number of someone else) WHEN a session of the inbound travellers' code accepts
    THEN 403: that code only shows the code (FAQ (二) 1)."""
    admin, traveller = new_person(lambdas), new_traveller(lambdas)
    org = create_org(lambdas, admin)
    _, offer = _offer(lambdas, admin, org["place_id"], "黄接任", _id_number(new_person(lambdas, name="黄接任")))
    assert _accept(lambdas, traveller, offer["token"], roles=["inbound"])[0] == 403


def test_offers_are_throttled_per_admin_apart_from_venue_offers(lambdas, clock):
    """GIVEN an admin offering the organization again and again WHEN the hourly limit is used up THEN 429 with
    Retry-After and nothing recorded; the same person's venue offers have a limit of their own."""
    from healthcode.core.ratelimit import LIMITS, ORG_ADMIN_OFFER

    from infra.local.demo import id_number

    admin = new_person(lambdas)
    org = create_org(lambdas, admin)
    limit = LIMITS[ORG_ADMIN_OFFER].requests
    numbers = [id_number(f"44010619{60 + i:02d}0101{random.randint(100, 999)}") for i in range(limit + 1)]
    answers = [_offer(lambdas, admin, org["place_id"], "黄接任" if i < limit else "黄超限", number)
               for i, number in enumerate(numbers)]
    assert [status for status, _ in answers] == [202] * limit + [429]
    assert _pending(lambdas, admin, org["place_id"])[1]["pending"]["successor_name_masked"] == "黄*任"
    venue = create_venue(lambdas, admin)
    assert VENUES.offer(lambdas, admin, venue["place_id"], "黄接任", numbers[0])[0] == 202


def test_racing_successors_yield_exactly_one_admin(lambdas):
    """Ten people hold valid offers for one organization (as stored before a new offer voided the last) and accept at
    once: one admin, markers consistent, no loser holds a marker."""
    from healthcode.places.orgs.admin import TRANSFERS

    admin = new_person(lambdas)
    org = create_org(lambdas, admin)
    successors = [new_person(lambdas) for _ in range(10)]
    winner = racing_acceptances(lambdas, ORGS, TRANSFERS, admin, org["place_id"], successors)
    assert [p for p in successors if _auth_keys(f"admin#ORG#{p}")] == [winner]
    assert _auth_keys(f"admin#ORG#{admin}") == []


def test_the_members_and_their_declarations_stay_with_the_organization(lambdas):
    """GIVEN a member who declared WHEN the admin role moves THEN the new admin reads the same members and day."""
    from orgs_support import drain, member_of

    admin, successor = new_person(lambdas), new_person(lambdas, name="黄统计")
    org = create_org(lambdas, admin)
    member = member_of(lambdas, org)
    assert declare(lambdas, member, org["place_id"])[0] == 201
    drain(lambdas, {member})
    before = stats(lambdas, org["place_id"], admin)[1]
    _, offer = _offer(lambdas, admin, org["place_id"], "黄统计", _id_number(successor))
    assert _accept(lambdas, successor, offer["token"])[0] == 200
    after = stats(lambdas, org["place_id"], successor)[1]
    assert after["members"] == before["members"] == 1 and after["declared_members_today"] == 1
