"""POST /v1/me/declarations (append-only; Idempotency-Key) and GET /v1/me/declarations: health declarations (健康申报)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field

from healthcode.core import api, idempotency
from healthcode.core.errors import InboundNoDeclaration
from healthcode.identity import access
from healthcode.residents import declarations

router = Router()
metrics = Metrics()


class DeclarationRequest(api.Body):
    type: declarations.DeclarationType
    place_id: str | None = Field(default=None, max_length=64)
    temperature_c: Annotated[float, Field(strict=True)] | None = None
    symptoms: list[declarations.Symptom] = Field(default_factory=list, max_length=len(declarations.Symptom))
    answers: dict[str, Any] = Field(default_factory=dict)


@router.post("/v1/me/declarations", summary="Declare my health, or a family member's with member=",
             tags=["declarations"], status_code=201, description=idempotency.ROUTE_DOC)
def post_declaration(
    body: DeclarationRequest,
    member: api.Member = None,
) -> Response[dict[str, Any]]:
    who = api.caller(router)
    subject = access.subject_of(who, member, inbound_refused=InboundNoDeclaration)  # inbound travellers declare nothing
    key = idempotency.header_key(router.current_event.headers)
    declared = declarations.declare_once(subject, who.person_id, who.roles, declarations.NewDeclaration(
        type=body.type, place_id=body.place_id, temperature_c=body.temperature_c,
        symptoms=[s.value for s in body.symptoms], answers=body.answers,
    ), key)
    if not declared.get("replayed"):
        metrics.add_metric(name="DeclarationRecorded", unit=MetricUnit.Count, value=1)
    return Response(status_code=201, content_type="application/json", body=declared)


@router.get("/v1/me/declarations", summary="My health declarations, newest first", tags=["declarations"])
def get_declarations(
    member: api.Member = None,
    limit: api.Limit = 20,
    cursor: api.Cursor = None,
) -> dict[str, Any]:
    return api.page(*access.read_for(
        api.caller(router), member, "DECLARATIONS_READ",
        lambda subject: declarations.list_declarations(subject, limit, api.decode_cursor(cursor))))
