"""Superiors (guide 四(三)(1)2 授权确认): system admins grant region admins for a county (6 digits) or a township
(9 digits); a region admin lists the grids of their area and approves or rejects them; system admins do so anywhere.

Region admins are named by name and ID number (the person need not have logged in yet) and stored as relations
`region-admin#<id_hash>` / `REGION_ADMIN#<area>` (inverse index: `REGION_ADMINS` / `REGION_ADMIN#<area>#<id_hash>`,
the system admins' list). A caller is a region admin of an area when a grant holds their document's keyed hash and
their verified name's - checked on every request (a GetItem of the person and one Query), so a withdrawn grant
takes effect at once. The grids of an area are one Query of the approval index (`grid-status#<STATUS>`, sort key
`<region_code>#<grid>`, begins_with the area), never a scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from healthcode.core import clock, pii
from healthcode.core.caller import Caller
from healthcode.core.errors import Forbidden, GridNotPending, NotFound, ValidationFailed
from healthcode.core.paging import start_key
from healthcode.idnumbers import IdType, parse_document
from healthcode.models import Person, Place, Relation
from healthcode.people import clean_name, id_hash
from healthcode.roles import SYSTEM_ADMIN
from healthcode.venues.regions import current_counties
from healthcode.venues.tx import Cancelled, Tx

from . import ACTIVE, PENDING, REJECTED, STATUS_LABELS, roster
from .grids import get_grid, region_of, status_line, view

KIND = "REGION_ADMIN"
LIST_OWNER = "REGION_ADMINS"
REASON_LIMIT = 200
LISTED_STATUSES = (PENDING, ACTIVE, REJECTED)


def _owner(hashed: str) -> str:
    return f"region-admin#{hashed}"


def parse_area(code: str, field: str = "region_code") -> tuple[str, str]:
    """A county (6 digits, GB/T 2260, in Guangdong, in use today) or a township (9 digits): (code, its name)."""
    code = (code or "").strip()
    if len(code) == 6 and code.isdigit():
        names = current_counties().get(code)
        if names is None:
            raise ValidationFailed("region_code: not a Guangdong county-level code in use",
                                   "区县级行政区划代码不存在或不在广东省", field=field)
        return code, "".join(names)
    if len(code) == 9:
        region = region_of(code, field)
        return region.code, region.name
    raise ValidationFailed("region_code must be 6 digits (county) or 9 digits (township)",
                           "管辖区域须为6位区县代码或9位乡镇街道代码", field=field)


@dataclass(frozen=True)
class Superior:
    """Who may approve what: everything (system admin) or the grids whose region code starts with an area."""

    person_id: str
    system_admin: bool
    areas: tuple[str, ...]

    def covers(self, region_code: str) -> bool:
        return self.system_admin or any(region_code.startswith(area) for area in self.areas)


def areas_of(person_id: str) -> tuple[str, ...]:
    """The areas granted to this person: their document's and verified name's keyed hashes must both match."""
    person = Person.get(person_id)
    grants = list(Relation.query(_owner(person.id_hash), Relation.sk.startswith(f"{KIND}#")))
    if not grants:
        return ()
    name_hash = pii.lookup_hash("name", pii.decrypt(person.name_enc))
    return tuple(sorted(g.sk.split("#", 1)[1] for g in grants if (g.data or {}).get("name_hash") == name_hash))


def superior(who: Caller) -> Superior:
    """The caller as a superior, or 403 for anyone who is neither a system admin nor a region admin."""
    if who.has(SYSTEM_ADMIN):
        return Superior(who.person_id, True, ())
    areas = areas_of(who.person_id)
    if not areas:
        raise Forbidden("Only system admins and region admins review grids", "仅系统管理员或区域管理员可审核网格")
    return Superior(who.person_id, False, areas)


def require_system_admin(who: Caller) -> None:
    if not who.has(SYSTEM_ADMIN):
        raise Forbidden("Only system admins grant region admins", "仅系统管理员可设置区域管理员")


# ---------------------------------------------------------------- region admins


def _grant_view(grant: Relation) -> dict[str, Any]:
    data = grant.data or {}
    area = grant.sk.split("#", 1)[1]
    return {"grant_id": f"{area}.{grant.owner.split('#', 1)[1]}", "region_code": area,
            "region_name": data.get("area_name", ""), "name_masked": data.get("name_masked", ""),
            "id_masked": data.get("id_masked", ""), "granted_at": grant.created_at,
            "granted_by": data.get("granted_by")}


def grant_region_admin(who: Caller, name: str, id_number: str, region_code: str) -> dict[str, Any]:
    """POST /v1/admin/region-admins: the named person reviews the grids of the area (granting twice is harmless)."""
    require_system_admin(who)
    name = clean_name(name)
    document = parse_document(IdType.ID_CARD, id_number)  # 400 INVALID_ID_NUMBER
    area, area_name = parse_area(region_code)
    hashed = id_hash(document)
    now = clock.iso(clock.now())
    grant = Relation(owner=_owner(hashed), sk=f"{KIND}#{area}", target=LIST_OWNER,
                     inverse_sk=f"{KIND}#{area}#{hashed}", kind=KIND, created_at=now,
                     data={"name_hash": pii.lookup_hash("name", name), "name_masked": pii.mask_name(name),
                           "id_masked": pii.mask_id(document.number), "area_name": area_name,
                           "granted_by": who.person_id})
    grant.save()
    return _grant_view(grant)


def list_region_admins(who: Caller, limit: int, cursor: dict[str, Any] | None) -> dict[str, Any]:
    """GET /v1/admin/region-admins: every grant (system admins), or the caller's own areas (a region admin)."""
    if not who.has(SYSTEM_ADMIN):
        person = Person.get(who.person_id)
        mine = set(areas_of(who.person_id))
        grants = [g for g in Relation.query(_owner(person.id_hash), Relation.sk.startswith(f"{KIND}#"))
                  if g.sk.split("#", 1)[1] in mine]
        if not grants:
            raise Forbidden("Only system admins and region admins", "仅系统管理员或区域管理员可查看")
        return {"items": [_grant_view(g) for g in grants], "next_cursor": None, "system_admin": False}
    page = Relation.inverse.query(LIST_OWNER, Relation.inverse_sk.startswith(f"{KIND}#"), limit=limit,
                                  last_evaluated_key=start_key(cursor, Relation.inverse, LIST_OWNER, prefix=f"{KIND}#"))
    items = [_grant_view(g) for g in page]
    return {"items": items, "last_key": page.last_evaluated_key, "system_admin": True}


def revoke_region_admin(who: Caller, grant_id: str | None, id_number: str | None, region_code: str | None) -> None:
    """DELETE /v1/admin/region-admins: by `grant_id` (from the list) or by `id_number` and `region_code`."""
    require_system_admin(who)
    if grant_id:
        area, _, hashed = grant_id.partition(".")
        if not area.isdigit() or len(hashed) > 128 or not hashed:
            raise NotFound("No such region admin", "该区域管理员不存在", field="grant_id")
    elif id_number and region_code:
        hashed = id_hash(parse_document(IdType.ID_CARD, id_number))
        area = parse_area(region_code)[0]
    else:
        raise ValidationFailed("Give grant_id, or id_number and region_code", "请指定要撤销的区域管理员",
                               field="grant_id")
    from pynamodb.exceptions import DeleteError

    try:
        Relation(owner=_owner(hashed), sk=f"{KIND}#{area}").delete(condition=Relation.owner.exists())
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise NotFound("No such region admin", "该区域管理员不存在", field="grant_id") from None
        raise


# ---------------------------------------------------------------- approvals


def list_grids(who: Caller, status: str, region_code: str | None, limit: int,
               cursor: dict[str, Any] | None) -> dict[str, Any]:
    """GET /v1/admin/grids?status=: one Query of the approval index per area (begins_with the area's code)."""
    boss = superior(who)
    if status not in LISTED_STATUSES:
        raise ValidationFailed(f"status must be one of {', '.join(LISTED_STATUSES)}", "状态有误", field="status")
    if region_code is not None and (not region_code.isdigit() or len(region_code) > 9):
        raise ValidationFailed("region_code must be up to 9 digits", "区域代码有误", field="region_code")
    prefixes: list[str]
    if boss.system_admin:
        prefixes = [region_code or ""]
    else:
        prefixes = []
        for area in boss.areas:
            if region_code is None or region_code.startswith(area):
                prefixes.append(region_code or area)
            elif area.startswith(region_code):
                prefixes.append(area)
        if not prefixes:
            raise Forbidden("This area is outside yours", "该区域不在您的管辖范围内", field="region_code")
    position = int((cursor or {}).get("area", 0))
    if position >= len(prefixes) or position < 0:
        raise ValidationFailed("cursor is not one this API returned", "分页游标无效", field="cursor")
    owner = f"grid-status#{status}"
    items: list[dict[str, Any]] = []
    next_cursor = None
    for index in range(position, len(prefixes)):
        prefix = prefixes[index]
        inner = (cursor or {}).get("key") if index == position else None
        page = Relation.query(owner, Relation.sk.startswith(prefix) if prefix else None,
                              limit=limit - len(items),
                              last_evaluated_key=start_key(inner, Relation, owner, prefix=prefix) if inner else None)
        for line in page:
            data = line.data or {}
            items.append({"place_id": line.target, "name": data.get("name", ""),
                          "region_code": data.get("region_code"), "status": status,
                          "status_label": STATUS_LABELS[status], "created_at": line.created_at,
                          "admin_name_masked": data.get("admin_name_masked", ""),
                          "admin_phone_masked": data.get("admin_phone_masked"), "reject_reason": data.get("reason")})
        if page.last_evaluated_key:
            next_cursor = {"area": index, "key": page.last_evaluated_key}
            break
        if len(items) >= limit and index + 1 < len(prefixes):
            next_cursor = {"area": index + 1}
            break
    return {"items": items, "next_cursor_value": next_cursor, "status": status,
            "areas": list(boss.areas), "system_admin": boss.system_admin}


def _review(who: Caller, place_id: str, to: str, reason: str | None) -> Place:
    boss = superior(who)
    place = get_grid(place_id, consistent=True)
    if not boss.covers(place.region_code or ""):
        raise Forbidden("This grid is outside your area", "该网格不在您的管辖范围内", field="id")
    if place.status != PENDING:
        raise GridNotPending(field="id")
    now = clock.iso(clock.now())
    details = dict(place.details or {}) | {"reviewed_by": who.person_id, "reviewed_at": now}
    if reason is not None:
        details["reject_reason"] = reason
    old_line = status_line(place, PENDING)
    tx = (Tx()
          .delete("old_line", old_line)
          .update("place", place, [Place.status.set(to), Place.details.set(details)], Place.status == PENDING)
          .update("roster", roster.item(place.place_id), [roster.GridRoster.status.set(to)]))
    place.details = details
    place.status = to
    tx.put("new_line", status_line(place, to))
    try:
        tx.commit()
    except Cancelled as cancelled:
        if cancelled.failed("place"):
            raise GridNotPending(field="id") from None
        raise
    return place


def approve(who: Caller, place_id: str) -> dict[str, Any]:
    """POST /v1/admin/grids/{id}/approve: the grid takes effect; workers may bind with its join code."""
    return view(_review(who, place_id, ACTIVE, None), for_admin=False)


def reject(who: Caller, place_id: str, reason: str) -> dict[str, Any]:
    """POST /v1/admin/grids/{id}/reject {reason}: the grid admin sees the reason; they may dissolve and create anew."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed("Give the reason for the rejection", "请填写不通过原因", field="reason")
    if len(reason) > REASON_LIMIT:
        raise ValidationFailed(f"reason is longer than {REASON_LIMIT} characters", "原因过长", field="reason")
    return view(_review(who, place_id, REJECTED, reason), for_admin=False)
