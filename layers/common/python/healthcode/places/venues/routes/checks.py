"""POST /v1/venues/{id}/checks (inspector; Idempotency-Key) and POST /v1/quick-checkin (resident, 葵花码)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field

from healthcode.core import api, idempotency
from healthcode.identity import access
from healthcode.identity.roles import refuse_inbound
from healthcode.places.venues import checks

router = Router()
logger = Logger(child=True)
metrics = Metrics()


class CheckRequest(api.Body):
    qr: str = Field(min_length=1, max_length=512, description="The scanned code (resident, inbound or printed)")
    temperature: Literal["NORMAL", "FEVER"]


class QuickCheckinRequest(api.Body):
    qr: str = Field(min_length=1, max_length=512, description="The venue's quick check-in code (葵花码)")


def _idempotency_key(required: bool) -> str | None:
    return idempotency.header_key(router.current_event.headers, required)


RECORDED: dict[int, Any] = {
    201: {"description": "Recorded", "content": {"application/json": {"schema": {"type": "object"}}}},
    200: {"description": "Already recorded under this Idempotency-Key: the first answer again",
          "content": {"application/json": {"schema": {"type": "object"}}}},
}


def _json(status: int, body: dict[str, Any]) -> Response[dict[str, Any]]:
    return Response(status_code=status, content_type="application/json", body=body)


@router.post("/v1/venues/<id>/checks", summary="Record a temperature check of a scanned code",
             tags=["inspector"], responses=RECORDED)
def post_check(
    id: str,
    body: CheckRequest,
    with_declaration: Annotated[bool, Query(description="also show the latest health declaration")] = False,
) -> Response[dict[str, Any]]:
    who = api.caller(router)
    key = _idempotency_key(required=True)
    answer = checks.record_check(id, who.person_id, body.qr, body.temperature, key or "", with_declaration)
    logger.info("check recorded", extra={"place_id": id, "color": answer["color"],
                                         "replayed": answer.get("replayed", False)})
    if not answer.get("replayed"):
        metrics.add_metric(name="VenueCheck", unit=MetricUnit.Count, value=1)
    return _json(200 if answer.get("replayed") else 201, answer)


@router.post("/v1/quick-checkin", summary="Check in at a venue by scanning its quick check-in code (葵花码)",
             tags=["inspector"], responses=RECORDED)
def post_quick_checkin(body: QuickCheckinRequest,
                       member: api.Member = None) -> Response[dict[str, Any]]:
    who = api.caller(router)
    refuse_inbound(who.roles)  # the 葵花码 is scanned with the WeChat version; an inspector scans a traveller's code
    subject = access.subject_for(who.person_id, member)
    answer = checks.quick_checkin(subject, who.person_id, body.qr, _idempotency_key(required=False))
    if not answer.get("replayed"):
        metrics.add_metric(name="QuickCheckin", unit=MetricUnit.Count, value=1)
    return _json(200 if answer.get("replayed") else 201, answer)
