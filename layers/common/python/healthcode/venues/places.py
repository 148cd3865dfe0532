"""The venue and its admin: create (one admin <-> one venue), read, weekly edits, members, admin transfer.

One admin per venue and one venue per admin are kept by marker items in the auth table, written in the same
transaction as the change: `admin#VENUE#<person_id>` -> place_id and `place-admin#<place_id>` -> person_id
(conditional puts, so of any number of racing requests exactly one wins), and `join-code#<code>` -> place_id
keeps join codes unique (the code is found through the places GSI `by_join_code`). Creating with the markers and
the once-a-week edit are `healthcode.place_admin`'s, which organizations share.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist
from ulid import ULID

from ..core import audit, clock, pii, ratelimit
from ..core.errors import AlreadyAdmin, Conflict, EditLimit, Forbidden, NotFound, ValidationFailed
from ..core.paging import start_key
from ..idnumbers import IdType, parse_document
from ..models import AuthItem, Person, Place, Relation
from ..people import normalise_phone
from ..place_admin import (
    admin_fields,
    clean_text,
    cleaned_join_code,
    create_with_admin,
    edit_once_a_week,
    phone_actions,
    place_admin_marker,
    registered_phone,
)
from ..place_admin import admin_marker as _admin_marker
from . import UNBOUND, VENUE, VENUE_TYPE_LABELS, VENUE_TYPES, roster
from .regions import parse_region
from .tx import Cancelled, Tx, commit_retrying

TRANSFER_TTL = timedelta(days=3)


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
    roster (healthcode.venues.roster) drops them in the same transaction.

    The marker keeps the masked name the binding carried, for the admin's list of unbound people (readmit)."""
    place = venue_of_admin(place_id, admin_id)
    now = clock.iso(clock.now())
    try:
        name_masked = (Relation.get(inspector_id, f"{VENUE}#{place.place_id}", consistent_read=True).data
                       or {}).get("name_masked", "")
    except DoesNotExist:
        raise NotFound("This person is not an inspector of the venue", "该人员不是本场所检测员",
                       field="person_id") from None
    binding = Relation.make(inspector_id, VENUE, place.place_id, now)
    tombstone = Relation.make(inspector_id, UNBOUND, place.place_id, now,
                              data={"by": admin_id, "name_masked": name_masked})
    try:
        commit_retrying(lambda: Tx().delete("binding", binding, Relation.owner.exists())
                                    .put("tombstone", tombstone)
                                    .update("roster", roster.item(place.place_id), roster.unbind(inspector_id)))
    except Cancelled as cancelled:
        if cancelled.failed("binding"):
            raise NotFound("This person is not an inspector of the venue", "该人员不是本场所检测员",
                           field="person_id") from None
        raise


def revocations(place_id: str, admin_id: str, limit: int, cursor: dict[str, Any] | None) -> dict[str, Any]:
    """The people the admin unbound (whom the join code no longer admits), masked, in person order: one Query
    of the relations' inverse index on the venue. Markers left before names rode along are named from the person."""
    place = venue_of_admin(place_id, admin_id)
    page = Relation.inverse.query(place.place_id, Relation.inverse_sk.startswith(f"{UNBOUND}#"), limit=limit,
                                  last_evaluated_key=start_key(cursor, Relation.inverse, place.place_id,
                                                               prefix=f"{UNBOUND}#"))
    markers = list(page)
    unnamed = [m.owner for m in markers if not (m.data or {}).get("name_masked")]
    names = {p.person_id: p.name_masked for p in Person.batch_get(unnamed, attributes_to_get=["person_id",
                                                                                                "name_masked"])} \
        if unnamed else {}
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


def _transfer_key(token: str) -> str:
    return f"venue-transfer#{hashlib.sha256(token.encode()).hexdigest()}"


def _pending_key(place_id: str) -> str:
    """The venue's one pending offer: value = the offer's key (the token stays hashed), data = who and when."""
    return f"venue-transfer-pending#{place_id}"


def _read_pending(place_id: str) -> AuthItem | None:
    """The venue's pending offer pointer, if it has not expired (DynamoDB's TTL deletes lazily)."""
    try:
        pending = AuthItem.get(_pending_key(place_id), consistent_read=True)
    except DoesNotExist:
        return None
    if pending.expires_at is None or pending.expires_at <= clock.now():
        return None
    return pending


def _pending_view(place_id: str, pending: AuthItem | None) -> dict[str, Any]:
    shown = None
    if pending is not None:
        shown = {"successor_name_masked": pending.data.get("to_name_masked", ""),
                 "offered_at": pending.data.get("offered_at"),
                 "expires_at": pending.data.get("expires_at") or clock.iso(pending.expires_at)}
    return {"place_id": place_id, "pending": shown}


def pending_transfer(place_id: str, admin_id: str) -> dict[str, Any]:
    """GET /v1/venues/{id}/admin-transfer: the offer awaiting the successor (masked name, until when), or null.
    The token is not shown again (it is stored hashed): an admin who lost the link withdraws and offers anew."""
    place = venue_of_admin(place_id, admin_id)
    return _pending_view(place.place_id, _read_pending(place.place_id))


def cancel_transfer(place_id: str, admin_id: str) -> None:
    """DELETE /v1/venues/{id}/admin-transfer: withdraw the pending offer; its token no longer accepts. 404 when none."""
    place = venue_of_admin(place_id, admin_id)
    pending = _read_pending(place.place_id)
    if pending is None:
        raise NotFound("No admin transfer is pending", "没有待确认的更换管理员邀请", field="id")
    try:
        (Tx().delete("offer", AuthItem(key=pending.value))
             .delete("pending", AuthItem(key=pending.key), AuthItem.value == pending.value)
             .commit())
    except Cancelled as cancelled:
        if cancelled.failed("pending"):  # accepted, withdrawn or replaced meanwhile
            raise NotFound("No admin transfer is pending", "没有待确认的更换管理员邀请", field="id") from None
        raise


# Who may administer a venue: the WeChat version's holders (guide 一: 内地居民身份证, 港澳居民来往内地通行证); a passport
# or a Taiwan permit holds the inbound travellers' code, which only shows the code (FAQ (二) 1).
_ADMIN_DOCUMENTS = (IdType.ID_CARD, IdType.HK_MACAU_PERMIT)


def offer_transfer(place_id: str, admin_id: str, name: str, id_type: str, id_number: str) -> dict[str, Any]:
    """The admin names the successor by name and document number; the successor accepts with the token (TTL 3 days).

    The offer is recorded whether or not anyone holds that name and number, and the answer is the same either way
    (202, the typed name masked, the link): nobody is looked up here, so the route tells nobody who is registered.
    Whether the person accepting is the one named is checked at acceptance, against their own verified document
    and name (stored here as keyed hashes only). Offers count per admin (`ratelimit.VENUE_ADMIN_OFFER`).
    """
    place = venue_of_admin(place_id, admin_id)
    kind = IdType(id_type)
    if kind not in _ADMIN_DOCUMENTS:
        raise ValidationFailed("An inbound traveller's code cannot administer a venue",
                               "入境人员粤康码目前暂时只有亮码功能，不能担任场所管理员", field="id_type")
    # The lookup key ignores a permit's issue count, which the offer form does not ask for.
    document = parse_document(kind, id_number, "01" if kind is IdType.HK_MACAU_PERMIT else None)
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed("Give the successor's name", "请填写接任人员姓名", field="name")
    to_id_hash = pii.lookup_hash("id", document.key)
    if Person.get(admin_id).id_hash == to_id_hash:
        raise ValidationFailed("You are already the admin", "您已是该场所管理员", field="id_number")
    ratelimit.take_per_person(ratelimit.VENUE_ADMIN_OFFER, admin_id)
    token = secrets.token_urlsafe(24)
    offered_at = clock.now()
    expires = offered_at + TRANSFER_TTL
    name_masked = pii.mask_name(name)  # of the name the admin typed, never of a stored one
    offer = AuthItem(key=_transfer_key(token), value=place.place_id, expires_at=expires,
                     data={"from": admin_id, "to_id_hash": to_id_hash, "to_name_hash": pii.lookup_hash("name", name),
                           "offered_at": clock.iso(offered_at)})
    # One pending offer per venue: a new offer replaces (and voids) the previous one, so only the last person
    # named can take the venue over; the pointer lets the admin see and withdraw it.
    try:
        previous = AuthItem.get(_pending_key(place.place_id), consistent_read=True)
    except DoesNotExist:
        previous = None
    pointer = AuthItem(key=_pending_key(place.place_id), value=offer.key, expires_at=expires,
                       data={"to_name_masked": name_masked, "offered_at": clock.iso(offered_at),
                             "expires_at": clock.iso(expires)})
    tx = Tx()
    if previous is not None:
        tx.delete("previous", AuthItem(key=previous.value))
        tx.put("pending", pointer, AuthItem.value == previous.value)
    else:
        tx.put("pending", pointer, AuthItem.key.does_not_exist())
    try:
        tx.put("offer", offer, AuthItem.key.does_not_exist()).commit()
    except Cancelled as cancelled:
        if cancelled.failed("pending") or cancelled.conflict:
            raise Conflict("Another admin transfer was just offered or withdrawn; try again",
                           "更换管理员的邀请刚刚发生变化，请重试", field="id") from None
        raise
    return {"status": "OFFERED", "token": token, "place_id": place.place_id, "successor_name_masked": name_masked,
            "expires_at": clock.iso(expires), "accept_path": f"/v1/venues/admin-transfer/{token}/accept",
            "message": "Offer recorded. If this person holds a Yuekang Code, they accept it with the link, "
                       "logged in as themselves, before it expires.",
            "message_zh": "已记录更换管理员邀请。如对方已使用粤康码，请将链接发给对方，由其本人登录后在有效期内确认接任。"}


def _named_in(offer: AuthItem, person_id: str) -> bool:
    """Whether the person accepting is the one the offer names: their own document and verified name."""
    data = offer.data or {}
    if "to" in data:  # offers made before successors were named by hashes only
        return data["to"] == person_id
    person = Person.get(person_id)
    return (person.id_hash == data.get("to_id_hash")
            and pii.lookup_hash("name", pii.decrypt(person.name_enc)) == data.get("to_name_hash"))


def _offer_to(token: str, person_id: str) -> AuthItem:
    """The live offer behind the token, if it names this person: 404 unknown or expired, 403 someone else's."""
    try:
        offer = AuthItem.get(_transfer_key(token), consistent_read=True) if len(token) <= 64 else None
    except DoesNotExist:
        offer = None
    if offer is None or offer.expires_at is None or offer.expires_at <= clock.now():
        raise NotFound("No such transfer, or it has expired", "更换管理员的邀请不存在或已过期", field="token")
    if not _named_in(offer, person_id):
        raise Forbidden("This transfer names another person", "该邀请不是发给您的", field="token")
    return offer


def offer_for_successor(token: str, person_id: str) -> dict[str, Any]:
    """GET /v1/venues/admin-transfer/{token}: what the named successor is asked to take over, before accepting —
    the venue as anyone bound to it sees it (no join code, phone masked) and until when the offer holds."""
    offer = _offer_to(token, person_id)
    place = get_venue(offer.value)
    return {"venue": view(place, for_admin=False), "offered_at": offer.data.get("offered_at"),
            "expires_at": clock.iso(offer.expires_at)}


def accept_transfer(token: str, person_id: str) -> Place:
    """The successor accepts: markers and the venue are re-pointed in one transaction, the token used up."""
    offer = _offer_to(token, person_id)
    place = get_venue(offer.value)
    old_admin = offer.data["from"]
    if place.admin_id != old_admin:
        raise Conflict("The venue's admin has changed since the offer", "场所管理员已变更，邀请失效", field="token")
    tx = (Tx()
          .delete("offer", offer, AuthItem.key.exists())
          .delete("pending", AuthItem(key=_pending_key(place.place_id)))
          .delete("old_admin", AuthItem(key=admin_marker(old_admin)), AuthItem.value == place.place_id)
          .put("new_admin", AuthItem(key=admin_marker(person_id), value=place.place_id), AuthItem.key.does_not_exist())
          .update("place_admin", AuthItem(key=place_admin_marker(place.place_id)), [AuthItem.value.set(person_id)],
                  AuthItem.value == old_admin)
          .update("place", place, [Place.admin_id.set(person_id)], Place.admin_id == old_admin))
    try:
        tx.commit()
    except Cancelled as cancelled:
        if cancelled.failed("new_admin"):
            raise AlreadyAdmin("You already administer a venue", "您已是其他场所的管理员", field="token") from None
        if cancelled.failed("offer"):
            raise NotFound("No such transfer, or it has expired", "更换管理员的邀请不存在或已过期",
                           field="token") from None
        raise Conflict("The venue changed while accepting; try again", "场所信息已变更，请重试", field="token") from None
    place.admin_id = person_id
    return place
