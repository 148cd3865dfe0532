"""Helpers for the grids integration tests: people, HTTP-like calls of GridsFunction, an approved grid, workers."""

from __future__ import annotations

import random
from typing import Any

from tests.integration.conftest import call, sample_event
from tests.integration.venues_support import new_person  # noqa: F401 - re-exported for the grids tests

SYSTEM_ADMIN_ROLES = ["resident", "system_admin"]


def api(lambdas: dict[str, Any], method: str, path: str, resource: str, person_id: str, body: Any = None,
        params: dict[str, str] | None = None, query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None, roles: list[str] | None = None) -> tuple[int, Any]:
    changes: dict[str, Any] = {"person_id": person_id, "path": (path, resource, params), "method": method,
                               "body": body, "query": query or {}}
    if headers:
        changes["headers"] = headers
    if roles:
        changes["roles"] = roles
    return call(lambdas["GridsFunction"], sample_event("grids-mine.json", **changes))


def region(township: str = "001") -> str:
    return f"440106{township}"


def create_grid(lambdas: dict[str, Any], admin: str, name: str = "石牌村第一网格", region_code: str | None = None
                ) -> tuple[int, Any]:
    return api(lambdas, "POST", "/v1/grids", "/v1/grids", admin,
               {"region_code": region_code or region(), "name": name})


def approve(lambdas: dict[str, Any], reviewer: str, place_id: str, roles: list[str] | None = None
            ) -> tuple[int, Any]:
    return api(lambdas, "POST", f"/v1/admin/grids/{place_id}/approve", "/v1/admin/grids/{id}/approve", reviewer,
               params={"id": place_id}, roles=roles or SYSTEM_ADMIN_ROLES)


def reject(lambdas: dict[str, Any], reviewer: str, place_id: str, reason: str = "网格名称有误",
           roles: list[str] | None = None) -> tuple[int, Any]:
    return api(lambdas, "POST", f"/v1/admin/grids/{place_id}/reject", "/v1/admin/grids/{id}/reject", reviewer,
               {"reason": reason}, {"id": place_id}, roles=roles or SYSTEM_ADMIN_ROLES)


def join(lambdas: dict[str, Any], worker: str, join_code: str) -> tuple[int, Any]:
    return api(lambdas, "POST", "/v1/grids/join", "/v1/grids/join", worker, {"join_code": join_code})


def authorize(lambdas: dict[str, Any], admin: str, place_id: str, worker: str, on: bool = True) -> tuple[int, Any]:
    return api(lambdas, "POST" if on else "DELETE", f"/v1/grids/{place_id}/workers/{worker}/authorization",
               "/v1/grids/{id}/workers/{person_id}/authorization", admin, params={"id": place_id,
                                                                                  "person_id": worker})


def approved_grid(lambdas: dict[str, Any], admin: str | None = None, name: str | None = None) -> dict[str, Any]:
    """A new admin's grid, approved by a system admin: its view with the join code."""
    admin = admin or new_person(lambdas, "网格管理")
    status, grid = create_grid(lambdas, admin, name or f"网格{random.randint(1000, 9999)}")
    assert status == 201, grid
    status, body = approve(lambdas, new_person(lambdas, "系统管理"), grid["place_id"])
    assert status == 200, body
    return grid | {"admin": admin, "status": "ACTIVE"}


def bound_worker(lambdas: dict[str, Any], grid: dict[str, Any], name: str = "网格员甲",
                 authorized: bool = False) -> str:
    worker = new_person(lambdas, name)
    status, body = join(lambdas, worker, grid["join_code"])
    assert status == 201, body
    if authorized:
        status, body = authorize(lambdas, grid["admin"], grid["place_id"], worker)
        assert status == 200, body
    return worker


def grant_region_admin(lambdas: dict[str, Any], granter: str, name: str, id_number: str, area: str
                       ) -> tuple[int, Any]:
    return api(lambdas, "POST", "/v1/admin/region-admins", "/v1/admin/region-admins", granter,
               {"name": name, "id_number": id_number, "region_code": area}, roles=SYSTEM_ADMIN_ROLES)


def new_region_admin(lambdas: dict[str, Any], area: str) -> str:
    """A person granted as region admin of the area (by their name and ID number, as the system admin types them)."""
    from healthcode.core.pii import decrypt
    from healthcode.models import Person

    person = new_person(lambdas, "周区管")
    stored = Person.get(person)
    status, body = grant_region_admin(lambdas, new_person(lambdas, "系统管理"), decrypt(stored.name_enc),
                                      decrypt(stored.id_enc), area)
    assert status == 201, body
    return person
