"""The organization and its admin: create (one admin <-> one organization), read, edits once per natural week.

Creation and edits use `healthcode.places.admin`, as venues do: the place, `admin#ORG#<person_id>`,
`place-admin#<place_id>` and `join-code#<code>` in one transaction, so of racing would-be admins of one person
exactly one organization is created. FAQ (四) 2: the admin may change the administrative level (行政归属层级),
the organization's name and the admin's phone, once per natural week. The admin phone is required (the account's
when none is given): it is the console login of the admin (guide 4.(一)1(3)), found by its keyed hash. The admin
hands the role over as a venue's admin does (`TRANSFERS`, `healthcode.places.admin.AdminTransfers`): the successor
named confirms it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pynamodb.exceptions import DoesNotExist
from ulid import ULID

from healthcode.core import clock, ratelimit
from healthcode.core.errors import AlreadyOrgAdmin, EditLimit, Forbidden, NotFound, ValidationFailed
from healthcode.identity.people import get as get_person
from healthcode.identity.people import normalise_phone
from healthcode.models import Place
from healthcode.places.admin import (
    AdminTransfers,
    admin_fields,
    administered_place_id,
    clean_text,
    create_with_admin,
    edit_once_a_week,
    phone_actions,
    registered_phone,
)
from healthcode.places.orgs import ORG, ORG_LEVELS

NAME_LIMIT = 100
ADDRESS_LIMIT = 200
EDITABLE = ("level", "name", "phone")
PLACE_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


def no_such_org() -> NotFound:
    return NotFound("No such organization", "组织机构不存在", field="id")


def check_id(place_id: str) -> str:
    """A well-formed place id (a ULID is 26 characters), else the 404 an unknown one gets."""
    if not PLACE_ID.match(place_id or ""):
        raise no_such_org()
    return place_id


def check_level(value: str) -> str:
    if value not in ORG_LEVELS:
        raise ValidationFailed(f"level must be one of {', '.join(ORG_LEVELS)}", "行政归属层级有误", field="level")
    return value


def get_org(place_id: str, consistent: bool = False) -> Place:
    try:
        place = Place.get(check_id(place_id), consistent_read=consistent)
    except DoesNotExist:
        raise no_such_org() from None
    if place.kind != ORG:
        raise no_such_org()
    return place


def require_admin(place: Place, person_id: str) -> Place:
    """The organization, if this person is its admin; 403 otherwise (members included)."""
    if place.admin_id != person_id:
        raise Forbidden("Only the organization's admin may do this", "仅组织机构管理员可操作", field="id")
    return place


def org_of_admin(place_id: str, person_id: str) -> Place:
    return require_admin(get_org(place_id), person_id)


def view(place: Place, *, for_admin: bool) -> dict[str, Any]:
    """An organization as the API shows it; its admin also sees the join code (组织机构申报码) and the full phone."""
    shown: dict[str, Any] = {
        "place_id": place.place_id,
        "name": place.name,
        "address": place.address,
        "level": place.level,
        "level_label": ORG_LEVELS.get(place.level or "", ""),
        "phone_masked": place.phone_masked,
        "created_at": place.created_at,
    }
    if for_admin:
        shown |= admin_fields(place)
    return shown


def create_org(admin_id: str, name: str, address: str, level: str, phone: str | None = None) -> Place:
    """The organization with its join code. The admin's phone is the one given, else the one bound to their account."""
    name = clean_text(name, "name", "组织机构名称", NAME_LIMIT)
    address = clean_text(address, "address", "组织机构地址", ADDRESS_LIMIT)
    level = check_level(level)
    if phone is not None:
        stored = registered_phone(normalise_phone(phone), admin_id)
    else:
        admin = get_person(admin_id)
        if admin.phone_enc is None or admin.phone_hash is None:  # FAQ (四) 2: the organization has an admin phone
            raise ValidationFailed("Give the admin's phone number: your account has none",
                                   "请填写管理员手机号码", field="phone")
        # the same envelope and keyed hash as the account's: nothing to decrypt
        stored = {"phone_enc": admin.phone_enc, "phone_masked": admin.phone_masked, "phone_hash": admin.phone_hash,
                  "phone_admin_id": admin_id}

    def draw(join_code: str) -> Place:
        return Place(place_id=str(ULID()), kind=ORG, name=name, join_code=join_code, admin_id=admin_id,
                     address=address, level=level, created_at=clock.iso(clock.now()), **stored)

    return create_with_admin(ORG, admin_id, draw, AlreadyOrgAdmin)


def org_of(admin_id: str) -> Place:
    """The organization this person administers (GET /v1/orgs/mine), read consistently through the marker."""
    place_id = administered_place_id(ORG, admin_id)
    if place_id is None:
        raise NotFound("You do not administer an organization", "您尚未绑定组织机构")
    return get_org(place_id, consistent=True)


def _edit_limit(following: date) -> EditLimit:
    return EditLimit(
        f"Organization details can be changed once per natural week; next change from {following.isoformat()}",
        f"组织机构信息每周仅可修改一次（按自然周计算），下次可修改日期：{following.isoformat()}",
        details={"next_allowed_date": following.isoformat()},
    )


def edit_org(place_id: str, admin_id: str, changes: dict[str, Any]) -> Place:
    """Level, name, admin phone (FAQ (四) 2): once per natural week (Asia/Shanghai), else 409 EDIT_LIMIT."""
    place = org_of_admin(place_id, admin_id)
    if not changes:
        raise ValidationFailed("Nothing to change", "请填写需要修改的内容", field="body")
    for field in changes:
        if field not in EDITABLE:
            raise ValidationFailed(f"{field} cannot be changed; only {', '.join(EDITABLE)}",
                                   "仅可修改行政归属层级、组织机构名称、管理员手机号码", field=field)
    actions = []
    if "level" in changes:
        actions.append(Place.level.set(check_level(changes["level"])))
    if "name" in changes:
        actions.append(Place.name.set(clean_text(changes["name"], "name", "组织机构名称", NAME_LIMIT)))
    if "phone" in changes:
        actions += phone_actions(normalise_phone(changes["phone"]), admin_id)
    return edit_once_a_week(place, actions, _edit_limit)


# ---------------------------------------------------------------- admin transfer (更换管理员)

TRANSFERS = AdminTransfers(kind=ORG, prefix="org", route="orgs", thing="organization", a_thing="an organization",
                           noun_zh="组织机构", get=get_org, of_admin=org_of_admin, already_admin=AlreadyOrgAdmin,
                           offer_limit=ratelimit.ORG_ADMIN_OFFER)
