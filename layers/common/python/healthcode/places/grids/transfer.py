"""The grid admin's change (网格管理员变更, guide 四(三)(1)6): the admin names the successor by name and ID number and
gets an identity code / link to share; the successor, logged in as that person, accepts and becomes the admin.

As with venues (healthcode.places.venues.places): the offer is stored under the token's hash with a 3-day TTL, names the
successor by keyed hashes only (their document and name), and is answered alike whether or not anyone holds that
name and number - nobody is looked up when offering. One pending offer per grid: a new one voids the last.
Accepting re-points every marker, the grid and its roster in one transaction, so exactly one admin holds it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist

from healthcode.core import clock, pii, ratelimit
from healthcode.core.errors import AlreadyGridAdmin, Conflict, Forbidden, NotFound, ValidationFailed
from healthcode.core.tx import Cancelled, Tx
from healthcode.identity.idnumbers import IdType, parse_document
from healthcode.identity.people import clean_name
from healthcode.models import AuthItem, Person, Place
from healthcode.places.admin import admin_marker, place_admin_marker
from healthcode.places.grids import GRID, roster
from healthcode.places.grids.grids import get_grid, grid_of_admin, no_such_grid, view

TRANSFER_TTL = timedelta(days=3)


def _offer_key(token: str) -> str:
    return f"grid-transfer#{hashlib.sha256(token.encode()).hexdigest()}"


def _pending_key(place_id: str) -> str:
    return f"grid-transfer-pending#{place_id}"


def offer(place_id: str, admin_id: str, name: str, id_number: str, page_url: str) -> dict[str, Any]:
    """POST /v1/grids/{id}/admin-transfer {name, id_number}: 202 with the token and the link to share."""
    place = grid_of_admin(place_id, admin_id)
    name = clean_name(name)
    document = parse_document(IdType.ID_CARD, id_number)  # 400 INVALID_ID_NUMBER
    to_id_hash = pii.lookup_hash("id", document.key)
    if Person.get(admin_id).id_hash == to_id_hash:
        raise ValidationFailed("You are already the admin", "您已是该网格管理员", field="id_number")
    ratelimit.take_per_person(ratelimit.VENUE_ADMIN_OFFER, admin_id)
    token = secrets.token_urlsafe(24)
    now = clock.now()
    expires = now + TRANSFER_TTL
    name_masked = pii.mask_name(name)
    item = AuthItem(key=_offer_key(token), value=place.place_id, expires_at=expires,
                    data={"from": admin_id, "to_id_hash": to_id_hash, "to_name_hash": pii.lookup_hash("name", name),
                          "offered_at": clock.iso(now)})
    try:
        previous = AuthItem.get(_pending_key(place.place_id), consistent_read=True)
    except DoesNotExist:
        previous = None
    pointer = AuthItem(key=_pending_key(place.place_id), value=item.key, expires_at=expires,
                       data={"to_name_masked": name_masked, "offered_at": clock.iso(now),
                             "expires_at": clock.iso(expires)})
    tx = Tx()
    if previous is not None:
        tx.delete("previous", AuthItem(key=previous.value))
        tx.put("pending", pointer, AuthItem.value == previous.value)
    else:
        tx.put("pending", pointer, AuthItem.key.does_not_exist())
    try:
        tx.put("offer", item, AuthItem.key.does_not_exist()).commit()
    except Cancelled as cancelled:
        if cancelled.failed("pending") or cancelled.conflict:
            raise Conflict("Another admin change was just offered; try again", "管理员变更刚刚发生变化，请重试",
                           field="id") from None
        raise
    link = f"{page_url.rstrip('/')}/grid.html#transfer={token}"
    return {"status": "OFFERED", "token": token, "qr": link, "link": link, "place_id": place.place_id,
            "successor_name_masked": name_masked, "expires_at": clock.iso(expires),
            "accept_path": f"/v1/grids/admin-transfer/{token}/accept",
            "message_zh": "已生成身份认证码。请将其截屏分享给继任网格管理员，由其本人登录后在有效期内确认接任。"}


def _offer_to(token: str, person_id: str) -> AuthItem:
    try:
        item = AuthItem.get(_offer_key(token), consistent_read=True) if 0 < len(token) <= 64 else None
    except DoesNotExist:
        item = None
    if item is None or item.expires_at is None or item.expires_at <= clock.now():
        raise NotFound("No such admin change, or it has expired", "管理员变更邀请不存在或已过期", field="token")
    data = item.data or {}
    person = Person.get(person_id)
    if person.id_hash != data.get("to_id_hash") or pii.lookup_hash("name", pii.decrypt(person.name_enc)) != data.get(
            "to_name_hash"):
        raise Forbidden("This admin change names another person", "该邀请不是发给您的", field="token")
    return item


def offered(token: str, person_id: str) -> dict[str, Any]:
    """GET /v1/grids/admin-transfer/{token}: the grid offered to me (the named successor), before I accept."""
    item = _offer_to(token, person_id)
    return {"grid": view(get_grid(item.value), for_admin=False), "offered_at": item.data.get("offered_at"),
            "expires_at": clock.iso(item.expires_at)}


def accept(token: str, person_id: str) -> Place:
    """POST /v1/grids/admin-transfer/{token}/accept: markers, grid and roster re-pointed in one transaction."""
    item = _offer_to(token, person_id)
    place = get_grid(item.value, consistent=True)
    old_admin = item.data["from"]
    if place.status == "DISSOLVING":
        raise no_such_grid("token")
    if place.admin_id != old_admin:
        raise Conflict("The grid's admin has changed since the offer", "网格管理员已变更，邀请失效", field="token")
    successor = Person.get(person_id)
    details = dict(place.details or {}) | {"admin_name_masked": successor.name_masked,
                                           "admin_phone_masked": successor.phone_masked}
    tx = (Tx()
          .delete("offer", item, AuthItem.key.exists())
          .delete("pending", AuthItem(key=_pending_key(place.place_id)))
          .delete("old_admin", AuthItem(key=admin_marker(GRID, old_admin)), AuthItem.value == place.place_id)
          .put("new_admin", AuthItem(key=admin_marker(GRID, person_id), value=place.place_id),
               AuthItem.key.does_not_exist())
          .update("place_admin", AuthItem(key=place_admin_marker(place.place_id)), [AuthItem.value.set(person_id)],
                  AuthItem.value == old_admin)
          .update("place", place, [Place.admin_id.set(person_id), Place.details.set(details)],
                  Place.admin_id == old_admin)
          .update("roster", roster.item(place.place_id), [roster.GridRoster.admin.set(person_id)]))
    try:
        tx.commit()
    except Cancelled as cancelled:
        if cancelled.failed("new_admin"):
            raise AlreadyGridAdmin("You already administer a grid", "您已是其他网格的管理员", field="token") from None
        if cancelled.failed("offer"):
            raise NotFound("No such admin change, or it has expired", "管理员变更邀请不存在或已过期",
                           field="token") from None
        raise Conflict("The grid changed while accepting; try again", "网格信息已变更，请重试", field="token") from None
    place.admin_id = person_id
    place.details = details
    return place
