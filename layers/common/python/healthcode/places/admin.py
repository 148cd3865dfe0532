"""What every kind of place (venue, organization, grid) shares: one admin, a fixed join code, weekly edits, the
admin role handed over to a successor who confirms it (`AdminTransfers`).

One admin per place and one place per admin (of each kind) are kept by marker items in the auth table, written
in the same transaction as the place: `admin#<kind>#<person_id>` -> place_id and `place-admin#<place_id>` ->
person_id (conditional puts, so of any number of racing requests exactly one wins). `join-code#<code>` -> place_id
keeps join codes unique across every kind and finds a place by its code with one consistent GetItem.
A place's details change at most once per natural week (Asia/Shanghai): `Place.last_edited_week` holds the Monday
of the last edit and the update is conditioned on it, so two racing edits cannot both pass.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from healthcode.core import clock, pii, ratelimit
from healthcode.core.errors import Conflict, EditLimit, Forbidden, NotFound, ValidationFailed
from healthcode.core.tx import Cancelled, Tx
from healthcode.identity.idnumbers import IdType, parse_document
from healthcode.models import AuthItem, Person, Place

JOIN_CODE_DIGITS = 12  # 10^12 codes: guessing one of a million places takes ~10^6 tries per hit
JOIN_CODE_DRAWS = 5


def admin_marker(kind: str, person_id: str) -> str:
    return f"admin#{kind}#{person_id}"


def place_admin_marker(place_id: str) -> str:
    return f"place-admin#{place_id}"


def join_code_marker(code: str) -> str:
    return f"join-code#{code}"


def new_join_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(JOIN_CODE_DIGITS))


def cleaned_join_code(code: str) -> str | None:
    """The 12 digits of a join code as people type or paste it (spaces and dashes allowed), or None."""
    cleaned = "".join(ch for ch in (code or "") if ch not in " -")
    if len(cleaned) != JOIN_CODE_DIGITS or not cleaned.isdigit():
        return None
    return cleaned


def place_by_join_code(code: str, kind: str) -> Place | None:
    """The active place of this kind holding the code (consistent reads of its marker and the place), or None."""
    cleaned = cleaned_join_code(code)
    if cleaned is None:
        return None
    try:
        marker = AuthItem.get(join_code_marker(cleaned), consistent_read=True)
        place = Place.get(marker.value, consistent_read=True)
    except DoesNotExist:
        return None
    if place.kind != kind or place.status != "ACTIVE" or place.join_code != cleaned:
        return None
    return place


def clean_text(value: str, field: str, zh: str, limit: int) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationFailed(f"{field} must not be blank", f"请填写{zh}", field=field)
    if len(text) > limit:
        raise ValidationFailed(f"{field} is longer than {limit} characters", f"{zh}过长", field=field)
    return text


def administered_place_id(kind: str, person_id: str) -> str | None:
    """The place of this kind the person administers, read consistently through the marker."""
    try:
        return AuthItem.get(admin_marker(kind, person_id), consistent_read=True).value
    except DoesNotExist:
        return None


def create_with_admin(kind: str, admin_id: str, draw: Callable[[str], Place],
                      already_admin: type[Conflict], also: Callable[[Tx, Place], Any] | None = None) -> Place:
    """One transaction: the place `draw(join_code)` builds, both admin markers and the join-code marker (and
    whatever `also(tx, place)` adds to it, e.g. a venue's empty roster).

    Of racing requests by one admin exactly one wins; the others get `already_admin`. A join-code (or id)
    collision draws again.
    """
    if administered_place_id(kind, admin_id) is not None:  # a cheap early answer; the transaction guarantees it
        raise already_admin(field="admin")
    for _ in range(JOIN_CODE_DRAWS):
        place = draw(new_join_code())
        tx = (Tx()
              .put("place", place, Place.place_id.does_not_exist())
              .put("admin", AuthItem(key=admin_marker(kind, admin_id), value=place.place_id),
                   AuthItem.key.does_not_exist())
              .put("place_admin", AuthItem(key=place_admin_marker(place.place_id), value=admin_id),
                   AuthItem.key.does_not_exist())
              .put("join_code", AuthItem(key=join_code_marker(place.join_code), value=place.place_id),
                   AuthItem.key.does_not_exist()))
        if also is not None:
            also(tx, place)
        try:
            tx.commit()
            return place
        except Cancelled as cancelled:
            if cancelled.failed("admin"):
                raise already_admin(field="admin") from None
            if cancelled.failed("join_code") or cancelled.failed("place"):
                continue
            if cancelled.conflict:  # another request of this admin is mid-way: one of the two will win
                raise already_admin(field="admin") from None
            raise
    raise Conflict("Could not draw a free join code, try again", "生成申报码失败，请重试")


def next_edit_date(place: Place, today: date) -> date | None:
    """The Monday from which the next edit is allowed, or None when an edit is allowed now."""
    this_week = clock.week_start(today)
    if place.last_edited_week == this_week.isoformat():
        return this_week + timedelta(days=7)
    return None


def edit_once_a_week(place: Place, actions: list[Any], limit_reached: Callable[[date], EditLimit]) -> Place:
    """Apply the actions if the place was not edited this natural week; else `limit_reached(next Monday)`."""
    today = clock.local_date(clock.now())
    week = clock.week_start(today).isoformat()
    following = next_edit_date(place, today)
    if following is not None:
        raise limit_reached(following)
    try:
        place.update(actions=[*actions, Place.last_edited_week.set(week)],
                     condition=Place.last_edited_week.does_not_exist() | (Place.last_edited_week != week))
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise limit_reached(clock.week_start(today) + timedelta(days=7)) from None
        raise
    return place


def registered_phone(phone: str, admin_id: str) -> dict[str, str]:
    """A place's admin phone (E.164) as stored: encrypted, masked, its keyed hash (the console login finds the place
    by it, GSI `by_phone_hash`) and who registered it."""
    return {"phone_enc": pii.encrypt(phone), "phone_masked": pii.mask_phone(phone),
            "phone_hash": pii.lookup_hash("phone", phone), "phone_admin_id": admin_id}


def phone_actions(phone: str, admin_id: str) -> list[Any]:
    """The update actions that register `phone` (E.164) as the place's admin phone."""
    return [getattr(Place, name).set(value) for name, value in registered_phone(phone, admin_id).items()]


def admin_fields(place: Place) -> dict[str, Any]:
    """What only the place's admin sees: the join code, the phone in full, and when the next edit is allowed."""
    today = clock.local_date(clock.now())
    following = next_edit_date(place, today)
    return {
        "join_code": place.join_code,
        "phone": pii.decrypt(place.phone_enc) if place.phone_enc else None,
        "admin_id": place.admin_id,
        "editable": following is None,
        "next_edit_date": (following or today).isoformat(),
    }


# ---------------------------------------------------------------- admin transfer (更换绑定 / 更换管理员)

TRANSFER_TTL = timedelta(days=3)

# Who may administer a place: the WeChat version's holders (guide 一: 内地居民身份证, 港澳居民来往内地通行证); a passport
# or a Taiwan permit holds the inbound travellers' code, which only shows the code (FAQ (二) 1).
ADMIN_DOCUMENTS = (IdType.ID_CARD, IdType.HK_MACAU_PERMIT)


@dataclass(frozen=True)
class AdminTransfers:
    """How one kind of place hands its admin role to a successor, who must confirm it (venues, organizations, grids).

    The admin names the successor by name and document number; the offer is recorded whether or not anyone holds
    them, and answered alike (202, the typed name masked, a link with a token that lives TRANSFER_TTL): nobody is
    looked up, so the route tells nobody who is registered. Whether the person accepting is the one named is
    checked at acceptance, against their own verified document and name (stored in the offer as keyed hashes only).
    One pending offer per place (`<prefix>-transfer-pending#<place_id>` points at it): a new offer voids the previous
    one, the admin may read (masked) and withdraw it. Accepting re-points both admin markers and the place in one
    transaction, so of racing successors exactly one wins; someone who already administers a place of this kind
    is refused (`already_admin`). Offers count per admin (`offer_limit`, ratelimit).
    """

    kind: str  # Place.kind, and the kind of the admin markers
    prefix: str  # of the offer's and the pointer's keys in the auth table: "venue", "org"
    route: str  # the API's collection: "venues", "orgs"
    thing: str  # "venue", "organization"
    a_thing: str  # "a venue", "an organization"
    noun_zh: str  # 场所, 组织机构
    get: Callable[[str], Place]  # the place of this kind, else its 404
    of_admin: Callable[[str, str], Place]  # the place if this person is its admin, else 403
    already_admin: type[Conflict]
    offer_limit: str
    #: whatever else the accepting transaction re-points with the admin (a grid's roster), given the place and the
    #: successor; None for places whose admin lives only in the markers and the place
    also: Callable[[Tx, Place, str], Any] | None = None

    def transfer_key(self, token: str) -> str:
        return f"{self.prefix}-transfer#{hashlib.sha256(token.encode()).hexdigest()}"

    def pending_key(self, place_id: str) -> str:
        """The place's one pending offer: value = the offer's key (the token stays hashed), data = who and when."""
        return f"{self.prefix}-transfer-pending#{place_id}"

    def _read_pending(self, place_id: str) -> AuthItem | None:
        """The place's pending offer pointer, if it has not expired (DynamoDB's TTL deletes lazily)."""
        try:
            pending = AuthItem.get(self.pending_key(place_id), consistent_read=True)
        except DoesNotExist:
            return None
        if pending.expires_at is None or pending.expires_at <= clock.now():
            return None
        return pending

    def pending(self, place_id: str, admin_id: str) -> dict[str, Any]:
        """GET .../{id}/admin-transfer: the offer awaiting the successor (masked name, until when), or null.
        The token is not shown again (it is stored hashed): an admin who lost the link withdraws and offers anew."""
        place = self.of_admin(place_id, admin_id)
        pending = self._read_pending(place.place_id)
        shown = None
        if pending is not None:
            shown = {"successor_name_masked": pending.data.get("to_name_masked", ""),
                     "offered_at": pending.data.get("offered_at"),
                     "expires_at": pending.data.get("expires_at") or clock.iso(pending.expires_at)}
        return {"place_id": place.place_id, "pending": shown}

    def cancel(self, place_id: str, admin_id: str) -> None:
        """DELETE .../{id}/admin-transfer: withdraw the pending offer; its token no longer accepts. 404 when none."""
        place = self.of_admin(place_id, admin_id)
        pending = self._read_pending(place.place_id)
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

    def offer(self, place_id: str, admin_id: str, name: str, id_type: str, id_number: str) -> dict[str, Any]:
        """POST .../{id}/admin-transfer: record the offer to the person named (see the class) and answer its link."""
        place = self.of_admin(place_id, admin_id)
        kind = IdType(id_type)
        if kind not in ADMIN_DOCUMENTS:
            raise ValidationFailed(f"An inbound traveller's code cannot administer {self.a_thing}",
                                   f"入境人员粤康码目前暂时只有亮码功能，不能担任{self.noun_zh}管理员", field="id_type")
        # The lookup key ignores a permit's issue count, which the offer form does not ask for.
        document = parse_document(kind, id_number, "01" if kind is IdType.HK_MACAU_PERMIT else None)
        name = " ".join(name.split())
        if not name:
            raise ValidationFailed("Give the successor's name", "请填写接任人员姓名", field="name")
        to_id_hash = pii.lookup_hash("id", document.key)
        if Person.get(admin_id).id_hash == to_id_hash:
            raise ValidationFailed("You are already the admin", f"您已是该{self.noun_zh}管理员", field="id_number")
        ratelimit.take_per_person(self.offer_limit, admin_id)
        token = secrets.token_urlsafe(24)
        offered_at = clock.now()
        expires = offered_at + TRANSFER_TTL
        name_masked = pii.mask_name(name)  # of the name the admin typed, never of a stored one
        offer = AuthItem(key=self.transfer_key(token), value=place.place_id, expires_at=expires,
                         data={"from": admin_id, "to_id_hash": to_id_hash,
                               "to_name_hash": pii.lookup_hash("name", name), "offered_at": clock.iso(offered_at)})
        # One pending offer per place: a new offer replaces (and voids) the previous one, so only the last person
        # named can take the place over; the pointer lets the admin see and withdraw it.
        try:
            previous = AuthItem.get(self.pending_key(place.place_id), consistent_read=True)
        except DoesNotExist:
            previous = None
        pointer = AuthItem(key=self.pending_key(place.place_id), value=offer.key, expires_at=expires,
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
        return {"status": "OFFERED", "token": token, "place_id": place.place_id,
                "successor_name_masked": name_masked, "expires_at": clock.iso(expires),
                "accept_path": f"/v1/{self.route}/admin-transfer/{token}/accept",
                "message": "Offer recorded. If this person holds a Yuekang Code, they accept it with the link, "
                           "logged in as themselves, before it expires.",
                "message_zh": "已记录更换管理员邀请。如对方已使用粤康码，请将链接发给对方，由其本人登录后在有效期内确认接任。"}

    @staticmethod
    def _named_in(offer: AuthItem, person_id: str) -> bool:
        """Whether the person accepting is the one the offer names: their own document and verified name."""
        data = offer.data or {}
        if "to" in data:  # offers made before successors were named by hashes only
            return data["to"] == person_id
        person = Person.get(person_id)
        return (person.id_hash == data.get("to_id_hash")
                and pii.lookup_hash("name", pii.decrypt(person.name_enc)) == data.get("to_name_hash"))

    def _offer_to(self, token: str, person_id: str) -> AuthItem:
        """The live offer behind the token, if it names this person: 404 unknown or expired, 403 someone else's."""
        try:
            offer = AuthItem.get(self.transfer_key(token), consistent_read=True) if len(token) <= 64 else None
        except DoesNotExist:
            offer = None
        if offer is None or offer.expires_at is None or offer.expires_at <= clock.now():
            raise NotFound("No such transfer, or it has expired", "更换管理员的邀请不存在或已过期", field="token")
        if not self._named_in(offer, person_id):
            raise Forbidden("This transfer names another person", "该邀请不是发给您的", field="token")
        return offer

    def offered(self, token: str, person_id: str, view: Callable[..., dict[str, Any]]) -> dict[str, Any]:
        """GET .../admin-transfer/{token}: what the named successor is asked to take over, before accepting — the
        place as anyone bound to it sees it (`view`: no join code, phone masked), keyed by its prefix ("venue",
        "org", "grid"), and until when the offer holds."""
        offer = self._offer_to(token, person_id)
        return {self.prefix: view(self.get(offer.value), for_admin=False),
                "offered_at": (offer.data or {}).get("offered_at"), "expires_at": clock.iso(offer.expires_at)}

    def accept(self, token: str, person_id: str) -> Place:
        """The successor accepts: markers and the place are re-pointed in one transaction, the token used up."""
        offer = self._offer_to(token, person_id)
        place = self.get(offer.value)
        old_admin = offer.data["from"]
        if place.admin_id != old_admin:
            raise Conflict(f"The {self.thing}'s admin has changed since the offer",
                           f"{self.noun_zh}管理员已变更，邀请失效", field="token")
        tx = (Tx()
              .delete("offer", offer, AuthItem.key.exists())
              .delete("pending", AuthItem(key=self.pending_key(place.place_id)))
              .delete("old_admin", AuthItem(key=admin_marker(self.kind, old_admin)), AuthItem.value == place.place_id)
              .put("new_admin", AuthItem(key=admin_marker(self.kind, person_id), value=place.place_id),
                   AuthItem.key.does_not_exist())
              .update("place_admin", AuthItem(key=place_admin_marker(place.place_id)),
                      [AuthItem.value.set(person_id)], AuthItem.value == old_admin)
              .update("place", place, [Place.admin_id.set(person_id)], Place.admin_id == old_admin))
        if self.also is not None:
            self.also(tx, place, person_id)
        try:
            tx.commit()
        except Cancelled as cancelled:
            if cancelled.failed("new_admin"):
                raise self.already_admin(f"You already administer {self.a_thing}",
                                         f"您已是其他{self.noun_zh}的管理员", field="token") from None
            if cancelled.failed("offer"):
                raise NotFound("No such transfer, or it has expired", "更换管理员的邀请不存在或已过期",
                               field="token") from None
            raise Conflict(f"The {self.thing} changed while accepting; try again",
                           f"{self.noun_zh}信息已变更，请重试", field="token") from None
        place.admin_id = person_id
        return place
