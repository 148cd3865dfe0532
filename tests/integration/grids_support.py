"""Helpers for the grids integration tests: people, HTTP-like calls of GridsFunction, an approved grid, workers."""

from __future__ import annotations

import random
from typing import Any

from places_support import PlaceRoutes, identity_of  # noqa: F401 - identity_of re-exported for the grids tests
from streams_support import deliver_all, table_records

from tests.integration.conftest import api_request
from tests.integration.venues_support import new_person  # noqa: F401 - re-exported for the grids tests

SYSTEM_ADMIN_ROLES = ["resident", "system_admin"]


def api(lambdas: dict[str, Any], method: str, path: str, resource: str, person_id: str, body: Any = None,
        params: dict[str, str] | None = None, query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None, roles: list[str] | None = None) -> tuple[int, Any]:
    return api_request(lambdas["GridsFunction"], "grids-mine.json", method, path, resource, person_id, body, params,
                       query, headers, roles)


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


def collect(lambdas: dict[str, Any], place_id: str, worker: str, body: dict[str, Any], key: str | None = "auto"
            ) -> tuple[int, Any]:
    headers = {} if key is None else {"Idempotency-Key": f"g-{random.getrandbits(64):x}" if key == "auto" else key}
    return api(lambdas, "POST", f"/v1/grids/{place_id}/collections", "/v1/grids/{id}/collections", worker,
               {"answers": {}} | body, {"id": place_id}, headers=headers)


def person_read(lambdas: dict[str, Any], place_id: str, worker: str, person_id: str) -> tuple[int, Any]:
    return api(lambdas, "GET", f"/v1/grids/{place_id}/people/{person_id}", "/v1/grids/{id}/people/{person_id}",
               worker, params={"id": place_id, "person_id": person_id})


# ---------------------------------------------------------------- streams, as moto keeps them


def collection_records(place_id: str) -> list[dict[str, Any]]:
    """The checks stream's records of one grid, as Lambda delivers them."""
    return table_records("checks_table",
                         lambda r: r["dynamodb"]["Keys"]["place_date"]["S"].startswith(f"{place_id}#"))


def people_records(person_id: str) -> list[dict[str, Any]]:
    return table_records("people_table", lambda r: r["dynamodb"]["Keys"]["person_id"]["S"] == person_id)


def deliver(lambdas: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any]:
    return lambdas["StatsStreamFunction"].invoke({"Records": records})


def drain(lambdas: dict[str, Any], place_id: str, batch_size: int = 100) -> None:
    deliver_all(lambdas["StatsStreamFunction"], collection_records(place_id), batch_size)


def deliver_people(lambdas: dict[str, Any], person_id: str) -> dict[str, Any]:
    return lambdas["GridKeyPersonsFunction"].invoke({"Records": people_records(person_id)})


def stats(lambdas: dict[str, Any], place_id: str, person: str, day: str | None = None) -> tuple[int, Any]:
    return api(lambdas, "GET", f"/v1/grids/{place_id}/stats", "/v1/grids/{id}/stats", person,
               params={"id": place_id}, query={"date": day} if day else None)


def key_persons(lambdas: dict[str, Any], place_id: str, person: str) -> tuple[int, Any]:
    return api(lambdas, "GET", f"/v1/grids/{place_id}/key-persons", "/v1/grids/{id}/key-persons", person,
               params={"id": place_id})


def make_red(person_id: str, reason: str = "POSITIVE_TEST") -> None:
    """The person's colour turns red, as status_stream writes it (the people stream then carries the change)."""
    from healthcode.core import clock
    from healthcode.models import Person

    person = Person.get(person_id)
    now = clock.iso(clock.now())
    person.update(actions=[Person.color.set("RED"), Person.reasons.set([{"code": reason, "since": now}]),
                           Person.status_updated_at.set(now)])


def make_green(person_id: str) -> None:
    from healthcode.core import clock
    from healthcode.models import Person

    person = Person.get(person_id)
    person.update(actions=[Person.color.set("GREEN"), Person.reasons.set([]),
                           Person.status_updated_at.set(clock.iso(clock.now()))])


GRIDS = PlaceRoutes(api, "grids")
offer_transfer, accept_transfer = GRIDS.offer, GRIDS.accept


def dissolve(lambdas: dict[str, Any], admin: str, place_id: str, confirm: str | None) -> tuple[int, Any]:
    return api(lambdas, "DELETE", f"/v1/grids/{place_id}", "/v1/grids/{id}", admin, params={"id": place_id},
               query={"confirm": confirm} if confirm is not None else None)


TABLES = ("people_table", "health_events_table", "relations_table", "places_table", "declarations_table",
          "checks_table", "stats_table", "display_log_table", "auth_table", "idempotency_table", "audit_table")


def items_mentioning(*needles: str, tables: tuple[str, ...] = TABLES) -> dict[str, list[dict[str, Any]]]:
    """Every item of every table (a test may scan) holding one of the needles in a key or value, by table."""
    import json

    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    found: dict[str, list[dict[str, Any]]] = {}
    for attr in tables:
        table = getattr(get_config(), attr)
        kwargs: dict[str, Any] = {"TableName": table}
        while True:
            page = client("dynamodb").scan(**kwargs)
            for item in page.get("Items", []):
                text = json.dumps(item, ensure_ascii=False)
                if any(needle in text for needle in needles):
                    found.setdefault(attr, []).append(item)
            if not page.get("LastEvaluatedKey"):
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return found
