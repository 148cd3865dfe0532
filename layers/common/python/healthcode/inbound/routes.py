"""POST /v1/inbound/apply (first use of the inbound travellers' code) and the companions: /v1/me/companions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel, Field

from healthcode.core import api, ratelimit
from healthcode.core.config import get_config
from healthcode.identity.roles import INBOUND
from healthcode.inbound import travellers as inbound

router = Router()
metrics = Metrics()

DocType = Literal["PASSPORT", "TAIWAN_PERMIT", "HK_MACAU_PERMIT"]
PAGE = "/inbound.html?visit=return"


class ApplyRequest(api.Body):
    name: str = Field(min_length=1, max_length=64, description="As on the document; FAQ (二) 2 rules apply")
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code, e.g. US")
    doc_type: DocType
    doc_number: str = Field(min_length=1, max_length=32)
    issue_count: str | None = Field(default=None, max_length=4, description="2 digits, permits only")
    phone: str = Field(min_length=1, max_length=32, description="International format, e.g. +8613800138000")


class ApplyAnswer(BaseModel):
    token: str
    person_id: str
    roles: list[str]
    expires_at: int
    link_sent: bool


class CompanionRequest(api.Body):
    name: str = Field(min_length=1, max_length=64)
    doc_type: DocType
    doc_number: str = Field(min_length=1, max_length=32)
    issue_count: str | None = Field(default=None, max_length=4)


class Companion(BaseModel):
    person_id: str
    name: str
    name_masked: str
    doc_type: str
    doc_masked: str
    country: str | None
    added_at: str


class CompanionPage(BaseModel):
    items: list[Companion]
    next_cursor: str | None


def page_url() -> str:
    """Where the texted link points (never a host a caller chose for someone else's phone)."""
    return api.page_url(router, get_config().inbound_page_url, PAGE)


@router.post("/v1/inbound/apply", summary="First use: real-name check, phone binding, page link by SMS",
             tags=["inbound"])
def post_apply(body: ApplyRequest) -> ApplyAnswer:
    applied = inbound.apply(body.name, body.country, body.doc_type, body.doc_number, body.issue_count, body.phone,
                            page_url(), source_ip=ratelimit.source_ip(router))
    metrics.add_metric(name="InboundApplied", unit=MetricUnit.Count, value=1)
    return ApplyAnswer(token=applied.token, person_id=applied.person_id, roles=applied.roles,
                       expires_at=applied.expires_at, link_sent=applied.link_sent)


@router.post("/v1/me/companions", summary="Add a companion (添加同行人员) by name and document", tags=["inbound"],
             status_code=201)
def post_companion(body: CompanionRequest) -> Response[Companion]:
    who = api.caller(router)
    api.require_role(who, INBOUND)
    added = inbound.add_companion(who.person_id, body.name, body.doc_type, body.doc_number, body.issue_count)
    return Response(status_code=201, content_type="application/json", body=Companion(**added))


@router.get("/v1/me/companions", summary="My companions, for the switcher (切换同行人)", tags=["inbound"])
def get_companions(
    limit: api.Limit = 50,
    cursor: api.Cursor = None,
) -> CompanionPage:
    who = api.caller(router)
    api.require_role(who, INBOUND)
    items, last_key = inbound.list_companions(who.person_id, limit, api.decode_cursor(cursor))
    return CompanionPage(items=[Companion(**item) for item in items], next_cursor=api.encode_cursor(last_key))


@router.delete("/v1/me/companions/<person_id>", summary="Remove one of my companions", tags=["inbound"],
               responses={204: {"description": "Removed"}})
def delete_companion(person_id: Annotated[str, Path(min_length=1, max_length=40)]) -> Response[Any]:
    who = api.caller(router)
    api.require_role(who, INBOUND)
    inbound.remove_companion(who.person_id, person_id)
    return Response(status_code=204, content_type="application/json", body="")
