"""The grids API (guide 四(三)): grid admins, superiors (/v1/admin/grids, /v1/admin/region-admins) and grid workers.
Request and answer shapes, with examples: docs/grids-api.md."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field

from healthcode.core import api, idempotency
from healthcode.identity.roles import refuse_inbound
from healthcode.places.grids import collections, grids, keypersons, purge, stats, superiors, transfer, workers
from healthcode.places.routes import admin_transfer_routes

router = Router()
logger = Logger(child=True)
metrics = Metrics()

Cursor = Annotated[str | None, Query(max_length=1024)]


class CreateGrid(api.Body):
    region_code: str = Field(min_length=1, max_length=16, description="9 digits: county code (GB/T 2260) + township")
    name: str = Field(min_length=1, max_length=60, description="网格名称, e.g. 石牌村第一网格")


class JoinGrid(api.Body):
    join_code: str = Field(min_length=1, max_length=32, description="网格申报码, as the grid admin shared it")


class CurrentGrid(api.Body):
    place_id: str = Field(min_length=1, max_length=64)


class ManualPerson(api.Body):
    name: str = Field(min_length=1, max_length=64)
    id_type: Literal["ID_CARD", "HK_MACAU_PERMIT", "TAIWAN_PERMIT", "PASSPORT"] = "ID_CARD"
    id_number: str = Field(min_length=1, max_length=32)
    phone: str | None = Field(default=None, max_length=32)


class Collection(api.Body):
    qr: str | None = Field(default=None, min_length=1, max_length=512, description="a scanned code (扫粤康码)")
    person: ManualPerson | None = Field(default=None, description="manual entry (手动录入) for people without a phone")
    temperature: Literal["NORMAL", "FEVER"] | None = None
    answers: dict[str, bool | int | float | str] = Field(default_factory=dict, description="door-to-door answers")
    note: str | None = Field(default=None, max_length=500)


class OfferTransfer(api.Body):
    name: str = Field(min_length=1, max_length=64, description="the successor's name (继任管理员姓名)")
    id_number: str = Field(min_length=1, max_length=32, description="the successor's ID card number")


class RejectGrid(api.Body):
    reason: str = Field(min_length=1, max_length=200)


class GrantRegionAdmin(api.Body):
    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=32)
    region_code: str = Field(min_length=6, max_length=9, description="6 digits (county) or 9 digits (township)")


class RevokeRegionAdmin(api.Body):
    grant_id: str | None = Field(default=None, min_length=1, max_length=200)
    name: str | None = Field(default=None, max_length=64)
    id_number: str | None = Field(default=None, min_length=1, max_length=32)
    region_code: str | None = Field(default=None, min_length=6, max_length=9)


def _me() -> str:
    return api.caller(router).person_id


def _staff() -> str:
    """A grid admin or worker: real-name login of the WeChat version (not the inbound travellers' code)."""
    who = api.caller(router)
    refuse_inbound(who.roles)
    return who.person_id


def _created(body: dict[str, Any]) -> Response[dict[str, Any]]:
    return Response(status_code=201, content_type="application/json", body=body)


# ---------------------------------------------------------------- grid admin


@router.post("/v1/grids", summary="Create my grid (one per admin); PENDING until a superior approves it",
             tags=["grids"], status_code=201)
def post_grid(body: CreateGrid) -> Response[dict[str, Any]]:
    place = grids.create_grid(_staff(), body.region_code, body.name)
    metrics.add_metric(name="GridCreated", unit=MetricUnit.Count, value=1)
    return _created(grids.view(place, for_admin=True))


@router.get("/v1/grids/mine", summary="The grid I administer, with its join code (网格申报码) and status",
            tags=["grids"])
def get_my_grid() -> dict[str, Any]:
    return grids.view(grids.grid_of(_me()), for_admin=True)


@router.get("/v1/grids/<id>/workers", summary="The grid's workers (masked names), authorized or not", tags=["grids"])
def get_workers(id: str, limit: api.Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
    return api.paged(workers.workers(id, _me(), limit, api.decode_cursor(cursor)))


@router.post("/v1/grids/<id>/workers/<person_id>/authorization", summary="Authorize a worker", tags=["grids"])
def post_authorization(id: str, person_id: str) -> dict[str, Any]:
    return workers.set_authorized(id, _me(), person_id, True)


@router.delete("/v1/grids/<id>/workers/<person_id>/authorization", summary="Withdraw a worker's authorization",
               tags=["grids"])
def delete_authorization(id: str, person_id: str) -> dict[str, Any]:
    return workers.set_authorized(id, _me(), person_id, False)


@router.delete("/v1/grids/<id>/workers/<person_id>", summary="Unbind a worker (the join code no longer admits them)",
               tags=["grids"], responses={204: {"description": "Unbound"}})
def delete_worker(id: str, person_id: str) -> Response[None]:
    workers.unbind(id, _me(), person_id)
    return Response(status_code=204)


# ---------------------------------------------------------------- superiors


@router.get("/v1/admin/grids", summary="Grids of my area by status (system admins: every area)", tags=["superiors"])
def get_admin_grids(
    status: Annotated[Literal["PENDING", "ACTIVE", "REJECTED"], Query()] = "PENDING",
    region_code: Annotated[str | None, Query(max_length=9)] = None,
    limit: api.Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    found = superiors.list_grids(api.caller(router), status, region_code, limit, api.decode_cursor(cursor))
    position = found.pop("next_cursor_value")
    return found | {"next_cursor": api.encode_cursor(position)}


@router.post("/v1/admin/grids/<id>/approve", summary="Approve a pending grid of my area", tags=["superiors"])
def post_approve(id: str) -> dict[str, Any]:
    answer = superiors.approve(api.caller(router), id)
    metrics.add_metric(name="GridApproved", unit=MetricUnit.Count, value=1)
    return answer


@router.post("/v1/admin/grids/<id>/reject", summary="Reject a pending grid of my area, with a reason",
             tags=["superiors"])
def post_reject(id: str, body: RejectGrid) -> dict[str, Any]:
    return superiors.reject(api.caller(router), id, body.reason)


@router.post("/v1/admin/region-admins", summary="Grant a region admin for a county (6) or township (9 digits)",
             tags=["superiors"], status_code=201)
def post_region_admin(body: GrantRegionAdmin) -> Response[dict[str, Any]]:
    return _created(superiors.grant_region_admin(api.caller(router), body.name, body.id_number, body.region_code))


@router.get("/v1/admin/region-admins", summary="Region admins (system admins: all; a region admin: their own)",
            tags=["superiors"])
def get_region_admins(limit: api.Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
    return api.paged(superiors.list_region_admins(api.caller(router), limit, api.decode_cursor(cursor)))


@router.delete("/v1/admin/region-admins", summary="Withdraw a region admin (grant_id, or id_number + region_code)",
               tags=["superiors"], responses={204: {"description": "Withdrawn"}})
def delete_region_admin(body: RevokeRegionAdmin) -> Response[None]:
    superiors.revoke_region_admin(api.caller(router), body.grant_id, body.id_number, body.region_code)
    return Response(status_code=204)


# ---------------------------------------------------------------- grid workers


@router.post("/v1/grids/join", summary="Bind to a grid with its join code (become its worker)", tags=["grid workers"],
             status_code=201)
def post_join(body: JoinGrid) -> Response[dict[str, Any]]:
    answer = workers.join(_staff(), body.join_code)
    metrics.add_metric(name="GridWorkerBound", unit=MetricUnit.Count, value=1)
    return _created(answer)


@router.get("/v1/me/grids", summary="The grids I am bound to, and my current one", tags=["grid workers"])
def get_my_grids(limit: api.Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
    return api.paged(workers.my_grids(_me(), limit, api.decode_cursor(cursor)))


@router.put("/v1/me/grids/current", summary="Set my current grid", tags=["grid workers"])
def put_current(body: CurrentGrid) -> dict[str, Any]:
    return workers.set_current(_me(), body.place_id)


@router.delete("/v1/me/grids/<id>", summary="Unbind myself from a grid", tags=["grid workers"],
               responses={204: {"description": "Unbound"}})
def delete_my_grid(id: str) -> Response[None]:
    workers.leave(_me(), id)
    return Response(status_code=204)


RECORDED: dict[int, Any] = {
    201: {"description": "Recorded", "content": {"application/json": {"schema": {"type": "object"}}}},
    200: {"description": "Already recorded under this Idempotency-Key: the first answer again",
          "content": {"application/json": {"schema": {"type": "object"}}}},
}


@router.post("/v1/grids/<id>/collections", summary="Record a door-to-door collection (scan or manual entry)",
             description=idempotency.ROUTE_DOC + " The header is required here.", tags=["grid workers"],
             responses=RECORDED)
def post_collection(id: str, body: Collection) -> Response[dict[str, Any]]:
    who = api.caller(router)
    key = idempotency.header_key(router.current_event.headers, required=True)
    answer = collections.collect(id, who.person_id, key or "", body.qr,
                                 body.person.model_dump() if body.person else None, body.temperature, body.answers,
                                 body.note)
    replayed = bool(answer.get("replayed"))
    logger.info("grid collection recorded", extra={"place_id": id, "color": answer["person"]["color"],
                                                   "entry": answer["entry"], "replayed": replayed})
    if not replayed:
        metrics.add_metric(name="GridCollection", unit=MetricUnit.Count, value=1)
    return Response(status_code=200 if replayed else 201, content_type="application/json", body=answer)


@router.get("/v1/grids/<id>/people/<person_id>",
            summary="A person collected in the grid: full name and declarations (authorized workers; audited)",
            tags=["grid workers"])
def get_person(id: str, person_id: str, limit: Annotated[int, Query(ge=1, le=50)] = 20,
               cursor: Cursor = None) -> dict[str, Any]:
    return api.paged(collections.person_for_worker(id, _me(), person_id, limit, api.decode_cursor(cursor)))


# ---------------------------------------------------------------- statistics and key persons


@router.get("/v1/grids/<id>/stats", summary="The grid's statistics: today, 14 days, per worker (one read)",
            tags=["grids"])
def get_stats(id: str, date: Annotated[str | None, Query(max_length=10)] = None) -> dict[str, Any]:
    return stats.grid_stats(id, _me(), stats.parse_day(date))


@router.get("/v1/grids/<id>/key-persons",
            summary="The grid's key persons (重点管控人员): red codes among the people collected in it (one read)",
            description="The admin sees masked names; an authorized worker also the full names, each read audited.",
            tags=["grids"])
def get_key_persons(id: str, limit: api.Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
    return keypersons.key_persons(id, _me(), limit, api.decode_cursor(cursor))


@router.get("/v1/me/grid-stats", summary="My collections today and in total, per grid", tags=["grid workers"])
def get_my_grid_stats(date: Annotated[str | None, Query(max_length=10)] = None) -> dict[str, Any]:
    return stats.my_stats(_me(), stats.parse_day(date))


# ---------------------------------------------------------------- admin change (网格管理员变更)


def _pages() -> str:
    """Where the pages are: the configured code page's site, or (local stack) the host this API answers on."""
    from healthcode.core.config import get_config

    configured = get_config().code_page_url
    site = configured.rsplit("/", 1)[0] if configured and configured.endswith(".html") else configured
    return api.page_url(router, site, "/")


@router.post("/v1/grids/<id>/admin-transfer", summary="Name the successor admin; get the identity code to share",
             description="Answered alike whether or not anyone holds that name and ID number (202).",
             tags=["grids"], status_code=202)
def post_admin_transfer(id: str, body: OfferTransfer) -> Response[dict[str, Any]]:
    answer = transfer.offer(id, _me(), body.name, body.id_number, _pages())
    return Response(status_code=202, content_type="application/json", body=answer)


admin_transfer_routes(router, "grids", transfer.TRANSFERS, grids.view)


@router.post("/v1/grids/admin-transfer/<token>/accept", summary="Accept: I become the grid's admin", tags=["grids"])
def post_accept_transfer(token: str) -> dict[str, Any]:
    return grids.view(transfer.accept(token, _staff()), for_admin=True)


# ---------------------------------------------------------------- dissolving (解散网格)


@router.delete("/v1/grids/<id>", summary="Dissolve my grid: every binding, collection, statistic and key person is "
               "deleted for good", description="confirm= must be the grid's name (else 400, nothing deleted). 200 when "
               "done; 202 while the purge continues (call again to resume).", tags=["grids"],
               responses={202: {"description": "Dissolving: call again to resume",
                                "content": {"application/json": {"schema": {"type": "object"}}}}})
def delete_grid(id: str, confirm: Annotated[str | None, Query(max_length=60)] = None) -> Response[dict[str, Any]]:
    answer = purge.dissolve(id, _me(), confirm)
    metrics.add_metric(name="GridPurgeDeleted", unit=MetricUnit.Count, value=sum(answer["deleted"].values()))
    return Response(status_code=200 if answer["done"] else 202, content_type="application/json", body=answer)
