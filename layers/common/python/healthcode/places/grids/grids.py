"""The grid and its admin (guide 四(三)(1)): create (one grid per admin, PENDING until a superior approves), read,
the approval index superiors list, and who may do what on a grid.

Creating is `healthcode.places.admin.create_with_admin` (the place, `admin#GRID#<person>`, `place-admin#<grid>`,
`join-code#<code>` in one transaction: of racing requests by one admin exactly one grid is created), with the
grid's roster (healthcode.places.grids.roster) and its line in the approval index in the same transaction. A grid
cannot be edited (guide: 网格组织一旦创建不可删除，请仔细核对信息后再提交); only dissolving removes it.
"""

from __future__ import annotations

import re
from typing import Any

from pynamodb.exceptions import DoesNotExist
from ulid import ULID

from healthcode.core import clock
from healthcode.core.errors import AlreadyGridAdmin, Forbidden, NotFound, ValidationFailed
from healthcode.models import AuthItem, Person, Place, Relation
from healthcode.places.admin import admin_marker, clean_text, create_with_admin
from healthcode.places.grids import ACTIVE, DISSOLVING, GRID, PENDING, STATUS_LABELS, roster
from healthcode.places.venues.regions import parse_region

NAME_LIMIT = 60
PLACE_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
STATUS_INDEX = "GRID_STATUS"


def no_such_grid(field: str = "id") -> NotFound:
    return NotFound("No such grid", "网格不存在", field=field)


def get_grid(place_id: str, consistent: bool = False) -> Place:
    """The grid (404 for an unknown id, another kind of place, or a dissolved grid)."""
    if not PLACE_ID.match(place_id or ""):
        raise no_such_grid()
    try:
        place = Place.get(place_id, consistent_read=consistent)
    except DoesNotExist:
        raise no_such_grid() from None
    if place.kind != GRID:
        raise no_such_grid()
    return place


def grid_of_admin(place_id: str, person_id: str, *, dissolving_ok: bool = False) -> Place:
    """The grid, if this person is its admin; 403 otherwise (workers included); 404 once it is being dissolved."""
    place = get_grid(place_id, consistent=True)
    if place.status == DISSOLVING and not dissolving_ok:
        raise no_such_grid()
    if place.admin_id != person_id:
        raise Forbidden("Only the grid's admin may do this", "仅网格管理员可操作", field="id")
    return place


def region_of(code: str, field: str = "region_code") -> Any:
    try:
        return parse_region(code, field)
    except ValidationFailed as error:
        raise ValidationFailed(error.message.replace("venue", "grid"), error.message_zh.replace("场所", "网格"),
                               field=field) from None


def status_line(place: Place, status: str) -> Relation:
    """The grid's line in the approval index: one Query lists a status's grids of an area (region prefix)."""
    return Relation(owner=f"grid-status#{status}", sk=f"{place.region_code}#{place.place_id}", target=place.place_id,
                    inverse_sk=f"{STATUS_INDEX}#{status}", kind=STATUS_INDEX, created_at=place.created_at,
                    data={"name": place.name, "region_code": place.region_code,
                          "admin_name_masked": (place.details or {}).get("admin_name_masked", ""),
                          "admin_phone_masked": (place.details or {}).get("admin_phone_masked"),
                          "reason": (place.details or {}).get("reject_reason")})


def view(place: Place, *, for_admin: bool) -> dict[str, Any]:
    """A grid as the API shows it; the join code only to its admin (workers hold it already), and not once the grid
    is being dissolved (it admits nobody); a dissolving grid shows how far its purge is (`purge`: step, day)."""
    region = parse_region(place.region_code) if place.region_code else None
    details = place.details or {}
    shown: dict[str, Any] = {
        "place_id": place.place_id,
        "name": place.name,
        "region_code": place.region_code,
        "region_name": region.name if region else None,
        "status": place.status,
        "status_label": STATUS_LABELS.get(place.status, place.status),
        "created_at": place.created_at,
        "admin_name_masked": details.get("admin_name_masked", ""),
    }
    if place.status == "REJECTED" or details.get("reject_reason"):
        shown["reject_reason"] = details.get("reject_reason")
    if details.get("reviewed_at"):
        shown["reviewed_at"] = details["reviewed_at"]
    if place.status == DISSOLVING:
        shown["purge"] = details.get("purge") or {}
    elif for_admin:
        shown["join_code"] = place.join_code
    if for_admin:
        shown["admin_id"] = place.admin_id
    return shown


def create_grid(admin_id: str, region_code: str, name: str) -> Place:
    """POST /v1/grids: one transaction - the grid (PENDING), the admin and join-code markers, its roster and its
    line in the approval index. 409 ALREADY_GRID_ADMIN for an admin who holds a grid (racing requests included)."""
    region = region_of(region_code)
    name = clean_text(name, "name", "网格名称", NAME_LIMIT)
    admin = Person.get(admin_id)
    details = {"admin_name_masked": admin.name_masked, "admin_phone_masked": admin.phone_masked}

    def draw(join_code: str) -> Place:
        return Place(place_id=str(ULID()), kind=GRID, name=name, join_code=join_code, admin_id=admin_id,
                     region_code=region.code, status=PENDING, details=details, created_at=clock.iso(clock.now()))

    def also(tx: Any, place: Place) -> None:
        tx.put("roster", roster.new(place.place_id, place.created_at, PENDING, admin_id))
        tx.put("status_line", status_line(place, PENDING))

    return create_with_admin(GRID, admin_id, draw, AlreadyGridAdmin, also=also)


def grid_of(admin_id: str) -> Place:
    """GET /v1/grids/mine: the grid this person administers, read consistently through the marker. A grid being
    dissolved is shown too (status DISSOLVING, no join code), so that its admin's page resumes an interrupted purge
    instead of offering to create a grid that the one-admin marker still refuses."""
    try:
        marker = AuthItem.get(admin_marker(GRID, admin_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound("You do not administer a grid", "您尚未创建网格") from None
    return get_grid(marker.value, consistent=True)


def is_active(place: Place) -> bool:
    return place.status == ACTIVE
