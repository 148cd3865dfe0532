"""What every kind of place (venue, organization, grid) shares: one admin, a fixed join code, weekly edits.

One admin per place and one place per admin (of each kind) are kept by marker items in the auth table, written
in the same transaction as the place: `admin#<kind>#<person_id>` -> place_id and `place-admin#<place_id>` ->
person_id (conditional puts, so of any number of racing requests exactly one wins). `join-code#<code>` -> place_id
keeps join codes unique across every kind and finds a place by its code with one consistent GetItem.
A place's details change at most once per natural week (Asia/Shanghai): `Place.last_edited_week` holds the Monday
of the last edit and the update is conditioned on it, so two racing edits cannot both pass.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from .core import clock
from .core.errors import Conflict, EditLimit, ValidationFailed
from .models import AuthItem, Place
from .venues.tx import Cancelled, Tx

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
    from .core import pii

    return {"phone_enc": pii.encrypt(phone), "phone_masked": pii.mask_phone(phone),
            "phone_hash": pii.lookup_hash("phone", phone), "phone_admin_id": admin_id}


def phone_actions(phone: str, admin_id: str) -> list[Any]:
    """The update actions that register `phone` (E.164) as the place's admin phone."""
    return [getattr(Place, name).set(value) for name, value in registered_phone(phone, admin_id).items()]


def admin_fields(place: Place) -> dict[str, Any]:
    """What only the place's admin sees: the join code, the phone in full, and when the next edit is allowed."""
    from .core import pii

    today = clock.local_date(clock.now())
    following = next_edit_date(place, today)
    return {
        "join_code": place.join_code,
        "phone": pii.decrypt(place.phone_enc) if place.phone_enc else None,
        "admin_id": place.admin_id,
        "editable": following is None,
        "next_edit_date": (following or today).isoformat(),
    }
