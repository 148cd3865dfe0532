"""The venue and its admin: create (one admin <-> one venue), read, weekly edits, members, admin transfer.

One admin per venue and one venue per admin are kept by marker items in the auth table, written in the same
transaction as the change: `admin#VENUE#<person_id>` -> place_id and `place-admin#<place_id>` -> person_id
(conditional puts, so of any number of racing requests exactly one wins), and `join-code#<code>` -> place_id
keeps join codes unique (the code is found through the places GSI `by_join_code`). Creating with the markers, the
once-a-week edit and the admin transfer (`TRANSFERS`) are `healthcode.places.admin`'s, which organizations share.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist
from ulid import ULID

from healthcode.core import audit, clock, ratelimit
from healthcode.core.errors import AlreadyAdmin, EditLimit, Forbidden, NotFound, ValidationFailed
from healthcode.core.paging import start_key
from healthcode.identity.people import masked_names, normalise_phone
from healthcode.models import AuthItem, Person, Place, Relation
from healthcode.places import rosters
from healthcode.places.admin import (
    AdminTransfers,
    admin_fields,
    clean_text,
    cleaned_join_code,
    create_with_admin,
    edit_once_a_week,
    phone_actions,
    registered_phone,
)
from healthcode.places.admin import admin_marker as _admin_marker
from healthcode.places.venues import UNBOUND, VENUE, VENUE_TYPE_LABELS, VENUE_TYPES, roster
from healthcode.places.venues.regions import parse_region


def admin_marker(person_id: str) -> str:
    return _admin_marker(VENUE, person_id)


def normalise_join_code(code: str) -> str:
    cleaned = cleaned_join_code(code)
    if cleaned is None:
        raise NotFound("No venue has this join code", "场所申报码不存在", field="join_code")
    return cleaned


def check_type(value: str) -> str:
    if value not in VENUE_TYPES:
        raise ValidationFailed(f"type must be one of {', '.join(VENUE_TYPES)}", "场所类型有误", field="type")
    return value


def get_venue(place_id: str) -> Place:
    try:
        place = Place.get(place_id)
    except DoesNotExist:
        raise NotFound("No such venue", "场所不存在", field="id") from None
    if place.kind != VENUE:
        raise NotFound("No such venue", "场所不存在", field="id")
    return place


def venue_of_admin(place_id: str, person_id: str) -> Place:
    """The venue, if this person is its admin; 403 otherwise (inspectors included: statistics are the admin's)."""
    place = get_venue(place_id)
    if place.admin_id != person_id:
        raise Forbidden("Only the venue's admin may do this", "仅场所管理员可操作", field="id")
    return place


def view(place: Place, *, for_admin: bool) -> dict[str, Any]:
    """A venue as the API shows it; the admin sees the full contact phone and the join code."""
    region = parse_region(place.region_code) if place.region_code else None
    shown: dict[str, Any] = {
        "place_id": place.place_id,
        "name": place.name,
        "type": place.type,
        "type_label": VENUE_TYPE_LABELS.get(place.type or "", ""),
        "region_code": place.region_code,
        "region_name": region.name if region else None,
        "address": place.address,
        "phone_masked": place.phone_masked,
        "created_at": place.created_at,
    }
    if for_admin:
        shown |= admin_fields(place)
    return shown


def create_venue(admin_id: str, region_code: str, address: str, venue_type: str, name: str, phone: str) -> Place:
    """One transaction: the venue, both admin markers and the join-code marker; exactly one racer wins."""
    region = parse_region(region_code)
    address = clean_text(address, "address", "详细地址", 200)
    name = clean_text(name, "name", "场所名称", 100)
    venue_type = check_type(venue_type)
    phone = normalise_phone(phone)

    def draw(join_code: str) -> Place:
        return Place(
            place_id=str(ULID()), kind=VENUE, name=name, join_code=join_code, admin_id=admin_id,
            region_code=region.code, address=address, type=venue_type, created_at=clock.iso(clock.now()),
            **registered_phone(phone, admin_id),
        )

    # the empty roster in the same transaction: a venue created from now on always has a complete one
    return create_with_admin(VENUE, admin_id, draw, AlreadyAdmin,
                             also=lambda tx, place: tx.put("roster", roster.empty(place.place_id, place.created_at)))


def venue_of(admin_id: str) -> Place:
    """The venue this person administers (GET /v1/venues/mine), read consistently through the marker."""
    try:
        marker = AuthItem.get(admin_marker(admin_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound("You do not administer a venue", "您尚未创建场所") from None
    return get_venue(marker.value)


def edit_venue(place_id: str, admin_id: str, changes: dict[str, Any]) -> Place:
    """Region, address, type, name, phone: once per natural week (Asia/Shanghai), else 409 EDIT_LIMIT."""
    place = venue_of_admin(place_id, admin_id)
    if not changes:
        raise ValidationFailed("Nothing to change", "请填写需要修改的内容", field="body")
    actions = []
    if "region_code" in changes:
        actions.append(Place.region_code.set(parse_region(changes["region_code"]).code))
    if "address" in changes:
        actions.append(Place.address.set(clean_text(changes["address"], "address", "详细地址", 200)))
    if "type" in changes:
        actions.append(Place.type.set(check_type(changes["type"])))
    if "name" in changes:
        actions.append(Place.name.set(clean_text(changes["name"], "name", "场所名称", 100)))
    if "phone" in changes:
        actions += phone_actions(normalise_phone(changes["phone"]), admin_id)
    return edit_once_a_week(place, actions, _edit_limit)


def _edit_limit(following: date) -> EditLimit:
    return EditLimit(
        f"Venue details can be changed once per natural week; next change from {following.isoformat()}",
        f"场所信息每个自然周仅可修改一次，下次可修改日期：{following.isoformat()}",
        details={"next_allowed_date": following.isoformat()},
    )


def members(place_id: str, admin_id: str, limit: int, cursor: dict[str, Any] | None) -> dict[str, Any]:
    """The admin and the venue's inspectors (masked names only), through the relations' inverse index."""
    place = venue_of_admin(place_id, admin_id)
    page = Relation.inverse.query(place.place_id, Relation.inverse_sk.startswith(f"{VENUE}#"), limit=limit,
                                  last_evaluated_key=start_key(cursor, Relation.inverse, place.place_id,
                                                               prefix=f"{VENUE}#"))
    inspectors = [
        {"person_id": binding.owner, "name_masked": (binding.data or {}).get("name_masked", ""),
         "bound_at": binding.created_at, "is_admin": binding.owner == place.admin_id}
        for binding in page
    ]
    admin = Person.get(admin_id)
    return {
        "place_id": place.place_id,
        "admin": {"person_id": admin_id, "name_masked": admin.name_masked},
        "inspectors": inspectors,
        "last_key": page.last_evaluated_key,
    }


def unbind_inspector(place_id: str, admin_id: str, inspector_id: str) -> None:
    """Remove the binding and leave a marker so the (fixed) join code no longer admits this person; the venue's
    roster (healthcode.places.venues.roster) drops them in the same transaction.

    The marker keeps the masked name the binding carried, for the admin's list of unbound people (readmit)."""
    place = venue_of_admin(place_id, admin_id)
    rosters.revoke(f"{VENUE}#{place.place_id}", UNBOUND, place.place_id, inspector_id, admin_id,
                   roster.item(place.place_id), roster.unbind(inspector_id),
                   lambda: NotFound("This person is not an inspector of the venue", "该人员不是本场所检测员",
                                    field="person_id"))


def revocations(place_id: str, admin_id: str, limit: int, cursor: dict[str, Any] | None) -> dict[str, Any]:
    """The people the admin unbound (whom the join code no longer admits), masked, in person order: one Query
    of the relations' inverse index on the venue. Markers left before names rode along are named from the person."""
    place = venue_of_admin(place_id, admin_id)
    page = Relation.inverse.query(place.place_id, Relation.inverse_sk.startswith(f"{UNBOUND}#"), limit=limit,
                                  last_evaluated_key=start_key(cursor, Relation.inverse, place.place_id,
                                                               prefix=f"{UNBOUND}#"))
    markers = list(page)
    unnamed = [m.owner for m in markers if not (m.data or {}).get("name_masked")]
    names = masked_names(unnamed)
    items = [{"person_id": m.owner, "name_masked": (m.data or {}).get("name_masked") or names.get(m.owner, ""),
              "unbound_at": m.created_at} for m in markers]
    return {"place_id": place.place_id, "items": items, "last_key": page.last_evaluated_key}


def readmit(place_id: str, admin_id: str, person_id: str) -> None:
    """Lift an unbinding: the join code admits this person again, and they bind themselves with it as any inspector
    does (the admin does not bind anyone without their consent). 404 on the person_id when nothing is to lift.
    The person's audit trail records who let them back, and where."""
    place = venue_of_admin(place_id, admin_id)
    if not person_id or len(person_id) > 64:
        raise NotFound("This person was not unbound from the venue", "该人员未被解除绑定", field="person_id")
    try:
        Relation(owner=person_id, sk=f"{UNBOUND}#{place.place_id}").delete(condition=Relation.owner.exists())
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise NotFound("This person was not unbound from the venue", "该人员未被解除绑定",
                           field="person_id") from None
        raise
    audit.record(person_id, admin_id, "VENUE_READMIT", purpose="venue admin lifts an unbinding (恢复绑定资格)",
                 place_id=place.place_id)


# ---------------------------------------------------------------- admin transfer (更换绑定)

# The rules are healthcode.places.admin's (organizations hand theirs over the same way); the venue's markers keep their
# `venue-transfer#` keys.
TRANSFERS = AdminTransfers(kind=VENUE, prefix="venue", route="venues", thing="venue", a_thing="a venue",
                           noun_zh="场所", get=get_venue, of_admin=venue_of_admin, already_admin=AlreadyAdmin,
                           offer_limit=ratelimit.VENUE_ADMIN_OFFER)


def offer_transfer(place_id: str, admin_id: str, name: str, id_type: str, id_number: str) -> dict[str, Any]:
    """POST /v1/venues/{id}/admin-transfer: 202 alike whoever holds the name and number (place_admin.AdminTransfers)."""
    return TRANSFERS.offer(place_id, admin_id, name, id_type, id_number)


def accept_transfer(token: str, person_id: str) -> Place:
    """The successor accepts: markers and the venue are re-pointed in one transaction, the token used up."""
    return TRANSFERS.accept(token, person_id)
