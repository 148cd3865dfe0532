"""Organization routes (section 4.(一), FAQ (四)): the admin's organization, its statistics, declarations and report,
the admin role handed over (更换管理员, as venues do); members binding with the organization's join code (组织机构申报码)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field

from healthcode.core import api
from healthcode.core.errors import Forbidden, InboundNoDeclaration, ValidationFailed
from healthcode.core.ranges import parse_range
from healthcode.core.streams import parse_day
from healthcode.identity import access
from healthcode.places.orgs import ORG_LEVELS, admin, members, reports, stats
from healthcode.places.routes import OfferTransfer, admin_transfer_routes
from healthcode.residents.declarations import INBOUND

router = Router()
metrics = Metrics()

OrgLevel = Literal["PROVINCE", "CITY", "COUNTY", "TOWNSHIP", "VILLAGE"]
assert set(OrgLevel.__args__) == set(ORG_LEVELS)  # type: ignore[attr-defined]


class CreateOrg(api.Body):
    name: str = Field(min_length=1, max_length=100, description="组织机构名称")
    address: str = Field(min_length=1, max_length=200, description="组织机构地址")
    level: OrgLevel = Field(description="行政归属层级")
    phone: str | None = Field(default=None, min_length=1, max_length=32,
                              description="管理员手机号码; the phone bound to the admin's account when absent")


class EditOrg(api.Body):
    """FAQ (四) 2: the administrative level, the name and the admin's phone; nothing else."""

    level: OrgLevel | None = None
    name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, min_length=1, max_length=32)


class JoinOrg(api.Body):
    join_code: str = Field(min_length=1, max_length=32, description="组织机构申报码, as the admin shared it")


Day = Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD (Asia/Shanghai), today when absent")]
From = Annotated[str | None, Query(alias="from", max_length=10,
                                   description="first day of a range (YYYY-MM-DD): the answer adds daily[] and range")]
To = Annotated[str | None, Query(max_length=10, description="last day of the range (YYYY-MM-DD), today when absent; "
                                                           "at most 366 days from `from`")]


def _me() -> str:
    return api.caller(router).person_id


# ---------------------------------------------------------------- the organization's admin


@router.post("/v1/orgs", summary="Create my organization (one organization per admin, one admin per organization)",
             tags=["orgs"], status_code=201)
def post_org(body: CreateOrg) -> Response[dict[str, Any]]:
    who = api.caller(router)
    if INBOUND in who.roles:
        raise Forbidden("The inbound travellers' code cannot administer an organization",
                        "入境人员粤康码暂不支持组织机构管理")
    place = admin.create_org(who.person_id, body.name, body.address, body.level, body.phone)
    metrics.add_metric(name="OrgCreated", unit=MetricUnit.Count, value=1)
    return Response(status_code=201, content_type="application/json", body=admin.view(place, for_admin=True))


@router.get("/v1/orgs/mine", summary="The organization I administer, with its join code (组织机构申报码)",
            tags=["orgs"])
def get_my_org() -> dict[str, Any]:
    return admin.view(admin.org_of(_me()), for_admin=True)


@router.patch("/v1/orgs/<id>", summary="Edit my organization: level, name, admin phone (once per natural week)",
              tags=["orgs"])
def patch_org(id: str, body: EditOrg) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    empty = next((field for field, value in changes.items() if value is None), None)
    if empty is not None:
        raise ValidationFailed(f"{empty} cannot be null", "字段不能为空", field=empty)
    edited = admin.edit_org(id, _me(), changes)
    metrics.add_metric(name="OrgEdited", unit=MetricUnit.Count, value=1)
    return admin.view(edited, for_admin=True)


@router.get("/v1/orgs/<id>/stats", tags=["orgs"],
            summary="My organization's statistics: members, the day's declarations, totals; with from= a daily series")
def get_org_stats(id: str, date: Day = None, from_: From = None, to: To = None) -> dict[str, Any]:
    days = parse_range(from_, to)
    return stats.org_stats(id, _me(), parse_day(date), days)


@router.get("/v1/orgs/<id>/declarations", summary="My organization's declarations of a day (masked names), filtered",
            tags=["orgs"])
def get_org_declarations(
    id: str,
    date: Day = None,
    limit: api.Limit = 50,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    filter: Annotated[Literal["fever", "symptoms", "risk", "abnormal", "normal"] | None, Query(
        description="only the declarations with a fever, with symptoms, with a yes to a risk question, with a fever "
                    "or symptoms (abnormal), or with none of these (normal)")] = None,
) -> dict[str, Any]:
    page, last_key = reports.day_page(id, _me(), parse_day(date), limit, api.decode_cursor(cursor), filter)
    return page | {"next_cursor": api.encode_cursor(last_key)}


@router.get("/v1/orgs/<id>/report", summary="My organization's declarations of a day as CSV (UTF-8 with BOM) or XLSX",
            tags=["orgs"], responses={200: {"description": "The day's declarations as CSV or as an Excel workbook",
                                            "content": {"text/csv": {"schema": {"type": "string"}},
                                                        reports.XLSX_TYPE: {"schema": {"type": "string",
                                                                                       "format": "binary"}}}},
                                      413: {"description": "Too many declarations for one report (REPORT_TOO_LARGE)",
                                            "content": {"application/json": {
                                                "schema": {"$ref": "#/components/schemas/Error"}}}}})
def get_org_report(id: str, date: Day = None,  # noqa: ANN201
                   format: Annotated[Literal["csv", "xlsx"], Query(description="csv (default) or xlsx")] = "csv"):  # noqa: A002
    # No return annotation on purpose: Powertools then passes the CSV text or the XLSX bytes (base64) through as is.
    day = parse_day(date)
    body, media, filename = reports.day_report(id, _me(), day, format)
    metrics.add_metric(name="OrgReportDownloaded", unit=MetricUnit.Count, value=1)
    return Response(status_code=200, content_type=media, body=body,
                    headers={"Content-Disposition": reports.content_disposition(filename, day),
                             "Cache-Control": "no-store"})


# ---------------------------------------------------------------- admin transfer (更换管理员)


@router.post("/v1/orgs/<id>/admin-transfer", summary="Offer the admin role to another person (更换管理员)",
             description="Recorded and answered alike whether or not anyone holds that name and document number "
                         "(202): the person named accepts with the link; acceptance checks it is them.",
             tags=["orgs"], status_code=202)
def post_admin_transfer(id: str, body: OfferTransfer) -> Response[dict[str, Any]]:
    offer = admin.TRANSFERS.offer(id, _me(), body.name, body.id_type, body.id_number)
    return Response(status_code=202, content_type="application/json", body=offer)


admin_transfer_routes(router, "orgs", admin.TRANSFERS, admin.view)


@router.post("/v1/orgs/admin-transfer/<token>/accept", summary="Accept the admin role offered to me", tags=["orgs"])
def post_accept_transfer(token: str) -> dict[str, Any]:
    who = api.caller(router)
    if INBOUND in who.roles:
        raise Forbidden("The inbound travellers' code cannot administer an organization",
                        "入境人员粤康码暂不支持组织机构管理")
    return admin.view(admin.TRANSFERS.accept(token, who.person_id), for_admin=True)


# ---------------------------------------------------------------- members


@router.post("/v1/orgs/join", summary="Bind to an organization with its join code (组织机构申报码)",
             tags=["org members"], status_code=201)
def post_join(body: JoinOrg, member: api.Member = None) -> Response[dict[str, Any]]:
    who = api.caller(router)
    # the inbound travellers' code has no declarations (FAQ (二) 1), so no organizations
    subject = access.subject_of(who, member, inbound_refused=InboundNoDeclaration)
    joined = members.join(subject, body.join_code, caller_id=who.person_id)
    metrics.add_metric(name="OrgMemberJoined", unit=MetricUnit.Count, value=1)
    return Response(status_code=201, content_type="application/json", body=joined)


@router.get("/v1/me/orgs", summary="The organizations I am bound to", tags=["org members"])
def get_my_orgs(
    member: api.Member = None,
    limit: api.Limit = 50,
    cursor: api.Cursor = None,
) -> dict[str, Any]:
    return api.page(*access.read_for(api.caller(router), member, "ORGS_READ",
                                     lambda subject: members.my_orgs(subject, limit, api.decode_cursor(cursor))))


@router.delete("/v1/me/orgs/<id>", summary="Unbind from an organization", tags=["org members"],
               responses={204: {"description": "Unbound"}})
def delete_my_org(id: str, member: api.Member = None) -> Response[None]:
    who = api.caller(router)
    members.leave(access.subject_for(who.person_id, member), id)
    metrics.add_metric(name="OrgMemberLeft", unit=MetricUnit.Count, value=1)
    return Response(status_code=204)
