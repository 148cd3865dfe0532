"""Helpers for the organizations integration tests: HTTP-like calls, declarations, the declarations table's stream."""

from __future__ import annotations

from typing import Any

from streams_support import deliver_all, table_records
from venues_support import new_person

from tests.integration.conftest import api_request, call, sample_event

__all__ = ["new_person"]

ORG = {"name": "粤康科技有限公司", "address": "广州市天河区天河路385号", "level": "COUNTY"}


def api(lambdas: dict[str, Any], method: str, path: str, resource: str, person_id: str, body: Any = None,
        params: dict[str, str] | None = None, query: dict[str, str] | None = None,
        roles: list[str] | None = None) -> tuple[int, Any]:
    return api_request(lambdas["OrgsFunction"], "orgs-mine.json", method, path, resource, person_id, body, params, query,
                       roles=roles)


def raw(lambdas: dict[str, Any], path: str, resource: str, person_id: str, params: dict[str, str],
        query: dict[str, str] | None = None) -> dict[str, Any]:
    """The Lambda proxy answer itself (headers and the body as text), for the CSV report."""
    return lambdas["OrgsFunction"].invoke(sample_event(
        "orgs-report.json", person_id=person_id, path=(path, resource, params), query=query or {}))


def create_org(lambdas: dict[str, Any], admin: str, **changes: Any) -> dict[str, Any]:
    status, body = api(lambdas, "POST", "/v1/orgs", "/v1/orgs", admin, ORG | changes)
    assert status == 201, body
    return body


def join(lambdas: dict[str, Any], person: str, join_code: str, member: str | None = None) -> tuple[int, Any]:
    return api(lambdas, "POST", "/v1/orgs/join", "/v1/orgs/join", person, {"join_code": join_code},
               query={"member": member} if member else None)


def leave(lambdas: dict[str, Any], person: str, place_id: str, member: str | None = None) -> tuple[int, Any]:
    return api(lambdas, "DELETE", f"/v1/me/orgs/{place_id}", "/v1/me/orgs/{id}", person, params={"id": place_id},
               query={"member": member} if member else None)


def my_orgs(lambdas: dict[str, Any], person: str, query: dict[str, str] | None = None) -> tuple[int, Any]:
    return api(lambdas, "GET", "/v1/me/orgs", "/v1/me/orgs", person, query=query)


def stats(lambdas: dict[str, Any], place_id: str, person: str, day: str | None = None) -> tuple[int, Any]:
    return api(lambdas, "GET", f"/v1/orgs/{place_id}/stats", "/v1/orgs/{id}/stats", person, params={"id": place_id},
               query={"date": day} if day else None)


def declarations_of(lambdas: dict[str, Any], place_id: str, person: str, query: dict[str, str] | None = None
                    ) -> tuple[int, Any]:
    return api(lambdas, "GET", f"/v1/orgs/{place_id}/declarations", "/v1/orgs/{id}/declarations", person,
               params={"id": place_id}, query=query)


def declare(lambdas: dict[str, Any], person: str, place_id: str | None, temperature_c: float | None = 36.5,
            symptoms: list[str] | None = None, answers: dict[str, Any] | None = None, type: str = "ORG_MEMBER",
            member: str | None = None) -> tuple[int, Any]:
    body = {"type": type, "place_id": place_id, "temperature_c": temperature_c, "symptoms": symptoms or [],
            "answers": answers if answers is not None else {"contact_with_case": False, "current_city": "广州市"}}
    return call(lambdas["DeclarationsFunction"], sample_event(
        "declarations-declare.json", person_id=person, body={k: v for k, v in body.items() if v is not None},
        query={"member": member} if member else {}))


def member_of(lambdas: dict[str, Any], org: dict[str, Any], name: str = "林小雨") -> str:
    person = new_person(lambdas, name=name)
    status, body = join(lambdas, person, org["join_code"])
    assert status == 201, body
    return person


# ---------------------------------------------------------------- the declarations table's stream, as moto keeps it


def stream_records(people: set[str] | None = None) -> list[dict[str, Any]]:
    """The declarations table's stream records (moto's shard) as Lambda delivers them; optionally these people's."""
    return table_records("declarations_table", lambda record: people is None or
                         record["dynamodb"]["Keys"]["person_id"]["S"] in people)


def deliver(lambdas: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any]:
    return lambdas["OrgStatsStreamFunction"].invoke({"Records": records})


def drain(lambdas: dict[str, Any], people: set[str], batch_size: int = 100) -> None:
    deliver_all(lambdas["OrgStatsStreamFunction"], stream_records(people), batch_size)
