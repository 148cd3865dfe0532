"""Venue admins: create, weekly edits, members, admin transfer (the rules organizations share with venues, one admin
<-> one place under races among them, are tested on both kinds in test_places_admin.py)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from places_support import PlaceRoutes, racing_acceptances, refused_creation
from places_support import auth_item_exists as _exists
from places_support import id_number_of as _id_number
from venues_support import VENUE, api, create_venue, inspector_of, join, new_person, new_traveller

VENUES = PlaceRoutes(api, "venues")
_mine, _patch = VENUES.mine, VENUES.patch
_offer, _offered, _accept = VENUES.offer, VENUES.offered, VENUES.accept
_pending, _withdraw = VENUES.pending, VENUES.withdraw


def test_admin_creates_a_venue_with_a_fixed_join_code(lambdas):
    admin = new_person(lambdas)
    created = create_venue(lambdas, admin)
    assert len(created["join_code"]) == 12 and created["join_code"].isdigit()
    assert created["region_name"] == "广东省广州市天河区" and created["type_label"] == "商场商店"
    status, mine = _mine(lambdas, admin)
    assert status == 200
    assert mine["place_id"] == created["place_id"] and mine["join_code"] == created["join_code"]
    assert mine["phone"] == "+8613800138000" and mine["editable"] is True


def test_twenty_racing_successors_yield_exactly_one_admin(lambdas):
    """Twenty people hold an offer for the same venue and accept at once: one admin, markers consistent.

    A venue has one pending offer since a new offer voids the previous one; twenty valid offers at once remain
    possible for offers stored before that rule, so they are written here as such offers were, and the accept
    transaction alone must still let exactly one through."""
    from healthcode.models import AuthItem
    from healthcode.places.venues.places import TRANSFERS

    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    successors = [new_person(lambdas) for _ in range(20)]
    winner = racing_acceptances(lambdas, VENUES, TRANSFERS, admin, venue["place_id"], successors)
    assert AuthItem.get(f"admin#VENUE#{winner}").value == venue["place_id"]
    with pytest.raises(AuthItem.DoesNotExist):
        AuthItem.get(f"admin#VENUE#{admin}")
    losers_with_marker = [p for p in successors if p != winner and _exists(f"admin#VENUE#{p}")]
    assert losers_with_marker == []


@pytest.mark.parametrize("change, field", [
    ({"region_code": "44010600"}, "region_code"),
    ({"region_code": "440106000"}, "region_code"),
    ({"region_code": "440100001"}, "region_code"),  # 广州市 is a prefecture with districts, not county level
    ({"region_code": "110101001"}, "region_code"),  # outside Guangdong
    ({"region_code": "449999001"}, "region_code"),
    ({"type": "CASINO"}, "type"),
    ({"phone": "12345"}, "phone"),
    ({"name": "   "}, "name"),
    ({"address": ""}, "address"),
    ({"name": "x" * 101}, "name"),
    ({"extra": 1}, "extra"),
])
def test_bad_venue_input_is_400_naming_the_field_and_writes_nothing(lambdas, change, field):
    assert refused_creation(lambdas, VENUES, "VENUE", VENUE | change)["field"] == field


def test_missing_field_is_400(lambdas):
    admin = new_person(lambdas)
    body = dict(VENUE)
    body.pop("phone")
    status, answer = api(lambdas, "POST", "/v1/venues", "/v1/venues", admin, body)
    assert status == 400 and answer["error"]["field"] == "phone"


def test_dongguan_townships_are_valid_regions(lambdas):
    venue = create_venue(lambdas, new_person(lambdas), region_code="441900003")
    assert venue["region_name"] == "广东省东莞市"


def test_without_a_venue_mine_is_404(lambdas):
    status, body = _mine(lambdas, new_person(lambdas))
    assert status == 404


def test_an_inbound_traveller_cannot_create_a_venue(lambdas):
    """GIVEN a traveller logged in with the inbound travellers' code (FAQ (二) 1: it only shows the code)
    WHEN they create a venue THEN 403, and no venue is theirs."""
    traveller = new_traveller(lambdas)
    status, body = api(lambdas, "POST", "/v1/venues", "/v1/venues", traveller, VENUE, roles=["inbound"])
    assert status == 403, body
    assert not _exists(f"admin#VENUE#{traveller}")


def test_an_inbound_traveller_cannot_bind_as_an_inspector(lambdas):
    """GIVEN a venue WHEN a traveller with the inbound travellers' code binds with its code THEN 403, not bound."""
    venue = create_venue(lambdas, new_person(lambdas))
    traveller = new_traveller(lambdas)
    status, body = api(lambdas, "POST", "/v1/venues/join", "/v1/venues/join", traveller,
                       {"join_code": venue["join_code"]}, roles=["inbound"])
    assert status == 403, body
    status, body = api(lambdas, "GET", "/v1/inspector/venues", "/v1/inspector/venues", traveller, roles=["inbound"])
    assert body["items"] == []


# ---------------------------------------------------------------- weekly edits


def test_an_edit_applies_once_per_natural_week(lambdas):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    status, edited = _patch(lambdas, admin, venue["place_id"], {"name": "天河城购物中心", "type": "OTHER"})
    assert status == 200 and edited["name"] == "天河城购物中心" and edited["type"] == "OTHER"
    assert edited["editable"] is False
    status, body = _patch(lambdas, admin, venue["place_id"], {"address": "天河路209号"})
    assert status == 409 and body["error"]["code"] == "EDIT_LIMIT"
    from healthcode.core import clock

    monday = clock.week_start(clock.local_date(clock.now())) + timedelta(days=7)
    assert body["error"]["details"]["next_allowed_date"] == monday.isoformat()
    assert edited["next_edit_date"] == monday.isoformat()


def test_an_edit_in_a_later_week_is_allowed(lambdas):
    from healthcode.models import Place

    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    place = Place.get(venue["place_id"])
    last_week = place.created_at[:10]
    from datetime import date

    place.update(actions=[Place.last_edited_week.set((date.fromisoformat(last_week) - timedelta(days=7)).isoformat())])
    status, edited = _patch(lambdas, admin, venue["place_id"], {"phone": "020-38823388", "region_code": "440305010"})
    assert status == 200, edited
    assert edited["phone"] == "+862038823388" and edited["region_name"] == "广东省深圳市南山区"


@pytest.mark.parametrize("body, field", [({}, "body"), ({"type": "CASINO"}, "type"), ({"name": None}, "name"),
                                         ({"region_code": "123"}, "region_code")])
def test_a_bad_edit_is_400_and_does_not_use_up_the_week(lambdas, body, field):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    status, answer = _patch(lambdas, admin, venue["place_id"], body)
    assert status == 400 and answer["error"]["field"] == field
    status, _ = _patch(lambdas, admin, venue["place_id"], {"name": "新名字"})
    assert status == 200


# ---------------------------------------------------------------- members


def _members(lambdas, person, place_id, query=None):
    return VENUES.call(lambdas, "GET", "/{id}/members", person, query=query, id=place_id)


def _unbind(lambdas, person, place_id, inspector):
    return VENUES.call(lambdas, "DELETE", "/{id}/inspectors/{person_id}", person, id=place_id, person_id=inspector)


def test_members_list_inspectors_with_masked_names_only(lambdas):
    admin = new_person(lambdas, name="欧阳管理")
    inspector = new_person(lambdas, name="司马检测")
    venue = create_venue(lambdas, admin)
    join(lambdas, inspector, venue["join_code"])
    join(lambdas, admin, venue["join_code"])  # the admin may also be an inspector
    status, body = _members(lambdas, admin, venue["place_id"])
    assert status == 200
    assert body["admin"] == {"person_id": admin, "name_masked": "欧**理"}
    shown = {row["person_id"]: row for row in body["inspectors"]}
    assert shown[inspector]["name_masked"] == "司**测" and shown[admin]["is_admin"] is True
    assert "司马检测" not in str(body) and "欧阳管理" not in str(body)


def test_members_page_with_a_cursor(lambdas):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    for _ in range(3):
        join(lambdas, new_person(lambdas), venue["join_code"])
    status, first = _members(lambdas, admin, venue["place_id"], {"limit": "2"})
    assert len(first["inspectors"]) == 2 and first["next_cursor"]
    status, second = _members(lambdas, admin, venue["place_id"], {"limit": "2", "cursor": first["next_cursor"]})
    assert len(second["inspectors"]) == 1


def test_an_inspector_may_not_list_members(lambdas):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    inspector = inspector_of(lambdas, venue)
    status, _ = _members(lambdas, inspector, venue["place_id"])
    assert status == 403


def test_the_admin_unbinds_an_inspector_who_cannot_rejoin_with_the_code(lambdas):
    admin, inspector = new_person(lambdas), new_person(lambdas)
    venue = create_venue(lambdas, admin)
    join(lambdas, inspector, venue["join_code"])
    status, _ = _unbind(lambdas, admin, venue["place_id"], inspector)
    assert status == 204
    _, body = _members(lambdas, admin, venue["place_id"])
    assert inspector not in [row["person_id"] for row in body["inspectors"]]
    status, body = join(lambdas, inspector, venue["join_code"])
    assert status == 409 and body["error"]["code"] == "JOIN_REVOKED"


def test_unbinding_someone_who_is_not_an_inspector_is_404(lambdas):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    status, body = _unbind(lambdas, admin, venue["place_id"], new_person(lambdas))
    assert status == 404 and body["error"]["field"] == "person_id"


def test_only_the_admin_unbinds(lambdas):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    first, second = inspector_of(lambdas, venue), inspector_of(lambdas, venue)
    status, _ = _unbind(lambdas, first, venue["place_id"], second)
    assert status == 403


# ---------------------------------------------------------------- readmitting an unbound person


def _revocations(lambdas, person, place_id, query=None):
    return VENUES.call(lambdas, "GET", "/{id}/revocations", person, query=query, id=place_id)


def _readmit(lambdas, person, place_id, who):
    return VENUES.call(lambdas, "DELETE", "/{id}/revocations/{person_id}", person, id=place_id, person_id=who)


def _unbound(lambdas, name="周解绑"):
    admin = new_person(lambdas, name="欧阳管理")
    venue = create_venue(lambdas, admin)
    inspector = inspector_of(lambdas, venue, name)
    assert _unbind(lambdas, admin, venue["place_id"], inspector)[0] == 204
    return admin, inspector, venue


def test_the_admin_sees_whom_they_unbound_masked(lambdas):
    """GIVEN an inspector the admin unbound WHEN the admin lists the unbound people THEN the inspector is there,
    masked name only, with when they were unbound."""
    admin, inspector, venue = _unbound(lambdas)
    status, body = _revocations(lambdas, admin, venue["place_id"])
    assert status == 200
    assert [(r["person_id"], r["name_masked"]) for r in body["items"]] == [(inspector, "周*绑")]
    assert body["items"][0]["unbound_at"] and body["next_cursor"] is None
    assert "周解绑" not in str(body)


def test_a_readmitted_inspector_binds_again_with_the_join_code(lambdas):
    """GIVEN an inspector the admin unbound (the join code refuses them) WHEN the admin readmits them
    THEN they are off the unbound list and bind again with the join code themselves."""
    admin, inspector, venue = _unbound(lambdas)
    assert join(lambdas, inspector, venue["join_code"])[0] == 409
    status, _ = _readmit(lambdas, admin, venue["place_id"], inspector)
    assert status == 204
    assert _revocations(lambdas, admin, venue["place_id"])[1]["items"] == []
    assert join(lambdas, inspector, venue["join_code"])[0] == 201
    _, members = _members(lambdas, admin, venue["place_id"])
    assert inspector in [row["person_id"] for row in members["inspectors"]]


def test_readmitting_writes_an_audit_entry_on_the_person(lambdas):
    from healthcode.models import AuditEntry

    admin, inspector, venue = _unbound(lambdas)
    _readmit(lambdas, admin, venue["place_id"], inspector)
    entries = [e for e in AuditEntry.query(inspector) if e.action == "VENUE_READMIT"]
    assert [(e.actor, e.place_id) for e in entries] == [(admin, venue["place_id"])]


@pytest.mark.parametrize("who", ["never-unbound", "self-left", "x" * 80])
def test_readmitting_someone_not_unbound_is_404_naming_person_id(lambdas, who):
    """GIVEN a person who was never unbound here (a stranger, an inspector who left on their own, a garbage id)
    WHEN the admin readmits them THEN 404 on person_id."""
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    target = who
    if who == "never-unbound":
        target = new_person(lambdas)
    elif who == "self-left":
        target = new_person(lambdas)
        join(lambdas, target, venue["join_code"])
        api(lambdas, "DELETE", f"/v1/inspector/venues/{venue['place_id']}", "/v1/inspector/venues/{id}", target,
            params={"id": venue["place_id"]})
    status, body = _readmit(lambdas, admin, venue["place_id"], target)
    assert status == 404 and body["error"]["field"] == "person_id"


def test_only_the_admin_readmits_or_lists_the_unbound(lambdas):
    """GIVEN an unbound inspector and another inspector of the venue WHEN the other inspector lists or readmits
    THEN 403 both, and the join code still refuses the unbound one."""
    admin, inspector, venue = _unbound(lambdas)
    colleague = inspector_of(lambdas, venue)
    assert _revocations(lambdas, colleague, venue["place_id"])[0] == 403
    assert _readmit(lambdas, colleague, venue["place_id"], inspector)[0] == 403
    assert join(lambdas, inspector, venue["join_code"])[0] == 409


def test_unbound_list_pages_with_a_cursor(lambdas):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    for _ in range(3):
        person = new_person(lambdas)
        join(lambdas, person, venue["join_code"])
        _unbind(lambdas, admin, venue["place_id"], person)
    _, first = _revocations(lambdas, admin, venue["place_id"], {"limit": "2"})
    assert len(first["items"]) == 2 and first["next_cursor"]
    _, second = _revocations(lambdas, admin, venue["place_id"], {"limit": "2", "cursor": first["next_cursor"]})
    assert len(second["items"]) == 1


@pytest.mark.parametrize("query,field", [({"limit": "0"}, "limit"), ({"limit": "abc"}, "limit"),
                                         ({"cursor": "not-a-cursor"}, "cursor")])
def test_bad_unbound_list_parameters_are_400_naming_the_field(lambdas, query, field):
    admin, _, venue = _unbound(lambdas)
    status, body = _revocations(lambdas, admin, venue["place_id"], query)
    assert status == 400 and body["error"]["field"] == field


# ---------------------------------------------------------------- admin transfer


def test_admin_role_moves_when_the_named_successor_accepts(lambdas):
    admin, successor, stranger = new_person(lambdas), new_person(lambdas, name="黄接任"), new_person(lambdas)
    venue = create_venue(lambdas, admin)
    status, offer = _offer(lambdas, admin, venue["place_id"], "黄接任", _id_number(successor))
    assert status == 202 and offer["successor_name_masked"] == "黄*任"
    status, _ = _accept(lambdas, stranger, offer["token"])
    assert status == 403
    status, accepted = _accept(lambdas, successor, offer["token"])
    assert status == 200 and accepted["admin_id"] == successor
    assert _mine(lambdas, successor)[1]["place_id"] == venue["place_id"]
    assert _mine(lambdas, admin)[0] == 404
    assert _patch(lambdas, admin, venue["place_id"], {"name": "旧管理员改名"})[0] == 403
    assert _accept(lambdas, successor, offer["token"])[0] == 404  # used up
    create_venue(lambdas, admin)  # the former admin is free to create another venue


def test_an_offer_looks_nobody_up_and_reads_no_personal_data(lambdas):
    """GIVEN a registered successor WHEN the admin offers them the role THEN no audit entry is written on them:
    the offer never reads their record (acceptance checks who they are)."""
    from healthcode.models import AuditEntry

    admin, successor = new_person(lambdas), new_person(lambdas, name="黄审计")
    venue = create_venue(lambdas, admin)
    assert _offer(lambdas, admin, venue["place_id"], "黄审计", _id_number(successor))[0] == 202
    assert list(AuditEntry.query(successor)) == []


def test_a_successor_who_logs_in_after_the_offer_accepts_it(lambdas):
    """GIVEN an offer naming someone who has never used the code WHEN they log in for the first time and open the
    link THEN they accept it and administer the venue (the offer was not lost for want of an account)."""
    from healthcode.identity.login import login

    from infra.local.demo import id_number

    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    number = id_number(f"4401061950{random.randint(1, 12):02d}{random.randint(10, 28)}{random.randint(100, 999)}")
    status, offer = _offer(lambdas, admin, venue["place_id"], "黄新人", number)
    assert status == 202
    newcomer = login("ID_CARD", number, None, "黄新人", None, "FACE", "dev-pass").person_id
    status, accepted = _accept(lambdas, newcomer, offer["token"])
    assert status == 200 and accepted["admin_id"] == newcomer


@pytest.mark.parametrize("number", ["440106197001015550", "4401061970010155"])
def test_an_offer_with_a_malformed_id_number_is_400(lambdas, number):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    status, body = _offer(lambdas, admin, venue["place_id"], "黄接任", number)
    assert status == 400 and body["error"]["field"] == "id_number"


def test_an_offer_to_someone_who_already_administers_a_venue_is_refused_when_they_accept(lambdas):
    admin, other_admin = new_person(lambdas), new_person(lambdas, name="何管理")
    venue = create_venue(lambdas, admin)
    create_venue(lambdas, other_admin)
    status, offer = _offer(lambdas, admin, venue["place_id"], "何管理", _id_number(other_admin))
    assert status == 202
    assert _accept(lambdas, other_admin, offer["token"])[0] == 409


def test_offers_are_throttled_per_admin(lambdas, clock):
    """GIVEN an admin offering the role again and again (to enumerate names, or to spam) WHEN the hourly limit is
    used up THEN the next offer is 429 with Retry-After and records nothing."""
    from healthcode.core.ratelimit import LIMITS, VENUE_ADMIN_OFFER

    from infra.local.demo import id_number

    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    limit = LIMITS[VENUE_ADMIN_OFFER].requests
    numbers = [id_number(f"44010619{60 + i:02d}0101{random.randint(100, 999)}") for i in range(limit + 1)]
    answers = [_offer(lambdas, admin, venue["place_id"], "黄接任", number) for number in numbers]
    assert [status for status, _ in answers] == [202] * limit + [429]
    assert _pending(lambdas, admin, venue["place_id"])[1]["pending"]["successor_name_masked"] == "黄*任"


def test_an_offer_to_an_inbound_traveller_is_refused(lambdas):
    """GIVEN an admin WHEN they offer the role to a traveller of the inbound travellers' code THEN 400 naming
    id_type (the document is what rules them out), and no offer exists to accept."""
    admin, traveller = new_person(lambdas), new_traveller(lambdas, name="JANE DOE")
    venue = create_venue(lambdas, admin)
    status, body = _offer(lambdas, admin, venue["place_id"], "JANE DOE", _id_number(traveller), id_type="PASSPORT")
    assert status == 400, body
    assert body["error"]["field"] == "id_type"


def test_an_offer_to_oneself_is_400(lambdas):
    admin = new_person(lambdas, name="自己")
    venue = create_venue(lambdas, admin)
    status, _ = _offer(lambdas, admin, venue["place_id"], "自己", _id_number(admin))
    assert status == 400


def test_only_the_admin_offers_the_role(lambdas):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    inspector = inspector_of(lambdas, venue, "检测甲")
    status, _ = _offer(lambdas, inspector, venue["place_id"], "检测甲", _id_number(inspector))
    assert status == 403


def test_the_admin_sees_the_pending_offer_masked_without_its_token(lambdas):
    """GIVEN an offer to a successor WHEN the admin reads the pending transfer THEN the successor's masked name
    and the expiry are shown, never the token (stored hashed) nor the full name."""
    admin, successor = new_person(lambdas), new_person(lambdas, name="黄接任")
    venue = create_venue(lambdas, admin)
    _, offer = _offer(lambdas, admin, venue["place_id"], "黄接任", _id_number(successor))
    status, body = _pending(lambdas, admin, venue["place_id"])
    assert status == 200
    assert body["pending"]["successor_name_masked"] == "黄*任"
    assert body["pending"]["expires_at"] == offer["expires_at"] and body["pending"]["offered_at"]
    assert offer["token"] not in str(body) and "黄接任" not in str(body)


def test_without_an_offer_nothing_is_pending(lambdas):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    assert _pending(lambdas, admin, venue["place_id"]) == (200, {"place_id": venue["place_id"], "pending": None})


def test_a_withdrawn_offer_can_no_longer_be_accepted(lambdas):
    """GIVEN a pending offer WHEN the admin withdraws it THEN nothing is pending, the successor's token is refused
    and the admin keeps the venue."""
    admin, successor = new_person(lambdas), new_person(lambdas, name="黄撤回")
    venue = create_venue(lambdas, admin)
    _, offer = _offer(lambdas, admin, venue["place_id"], "黄撤回", _id_number(successor))
    assert _withdraw(lambdas, admin, venue["place_id"])[0] == 204
    assert _pending(lambdas, admin, venue["place_id"])[1]["pending"] is None
    status, body = _accept(lambdas, successor, offer["token"])
    assert status == 404 and body["error"]["field"] == "token"
    assert _mine(lambdas, admin)[1]["place_id"] == venue["place_id"]


def test_withdrawing_when_nothing_is_pending_is_404(lambdas):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    status, body = _withdraw(lambdas, admin, venue["place_id"])
    assert status == 404 and body["error"]["field"] == "id"


def test_only_the_admin_sees_or_withdraws_the_offer(lambdas):
    admin, successor = new_person(lambdas), new_person(lambdas, name="黄只读")
    venue = create_venue(lambdas, admin)
    inspector = inspector_of(lambdas, venue)
    _, offer = _offer(lambdas, admin, venue["place_id"], "黄只读", _id_number(successor))
    assert _pending(lambdas, inspector, venue["place_id"])[0] == 403
    assert _pending(lambdas, successor, venue["place_id"])[0] == 403
    assert _withdraw(lambdas, successor, venue["place_id"])[0] == 403
    assert _accept(lambdas, successor, offer["token"])[0] == 200  # still pending: the refused withdrawals did nothing


def test_an_unknown_token_is_404(lambdas):
    status, body = _accept(lambdas, new_person(lambdas), "no-such-token")
    assert status == 404 and body["error"]["field"] == "token"


def test_the_named_successor_sees_which_venue_is_offered_before_accepting(lambdas):
    """GIVEN an offer WHEN the named successor opens it THEN they see the venue's name, type and region (no join
    code) and until when it holds; anyone else is 403 and an unknown token 404; looking changes nothing."""
    admin, successor, stranger = new_person(lambdas), new_person(lambdas, name="黄看看"), new_person(lambdas)
    venue = create_venue(lambdas, admin, name="黄沙水产")
    _, offer = _offer(lambdas, admin, venue["place_id"], "黄看看", _id_number(successor))
    status, body = _offered(lambdas, successor, offer["token"])
    assert status == 200, body
    assert body["venue"]["name"] == "黄沙水产" and body["venue"]["region_name"] == "广东省广州市天河区"
    assert body["venue"]["type_label"] and "join_code" not in body["venue"]
    assert body["expires_at"][:19] == offer["expires_at"][:19]  # the TTL attribute keeps whole seconds
    assert _offered(lambdas, stranger, offer["token"])[0] == 403
    status, body = _offered(lambdas, successor, "no-such-token")
    assert status == 404 and body["error"]["field"] == "token"
    assert _offered(lambdas, successor, "x" * 65)[0] == 404
    assert _accept(lambdas, successor, offer["token"])[0] == 200  # still there to accept
    assert _offered(lambdas, successor, offer["token"])[0] == 404  # used up
