"""POST /v1/me/macau-code (declare, confirm, convert a green code) and GET /v1/me/macau-code (its own page)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field, StrictBool

from healthcode.core import api
from healthcode.core.errors import InboundNoMacauCode
from healthcode.identity import access
from healthcode.residents import macau
from healthcode.residents.declarations import Symptom

router = Router()
metrics = Metrics()


class MacauDeclarationBody(api.Body):
    entry_port: macau.Port
    temperature_c: Annotated[float, Field(strict=True)] | None = None
    symptoms: list[Symptom] = Field(default_factory=list, max_length=len(Symptom))
    contact_with_case: StrictBool
    visited_risk_area: StrictBool
    returned_from_abroad: StrictBool
    confirmed: Literal[True] = Field(description="The resident checked the declaration (核对) before applying")


class MacauCodeRequest(api.Body):
    declaration: MacauDeclarationBody


@router.post("/v1/me/macau-code", summary="Declare, confirm and convert my green code into a Macau health code",
             tags=["macau"], status_code=201)
def post_macau_code(
    body: MacauCodeRequest,
    member: api.Member = None,
) -> Response[dict[str, Any]]:
    who = api.caller(router)
    subject = access.subject_of(who, member, inbound_refused=InboundNoMacauCode)
    given = body.declaration
    issued = macau.issue(subject, who.person_id, macau.MacauDeclaration(
        entry_port=given.entry_port, contact_with_case=given.contact_with_case,
        visited_risk_area=given.visited_risk_area, returned_from_abroad=given.returned_from_abroad,
        temperature_c=given.temperature_c, symptoms=[s.value for s in given.symptoms],
    ))
    metrics.add_metric(name="MacauCodeIssued", unit=MetricUnit.Count, value=1)
    return Response(status_code=201, content_type="application/json", body=issued)


@router.get("/v1/me/macau-code", summary="My Macau health code: valid, expired or revoked", tags=["macau"])
def get_macau_code(member: api.Member = None) -> dict[str, Any]:
    who = api.caller(router)
    subject = access.subject_for(who.person_id, member)
    current = macau.current(subject, who.person_id)
    metrics.add_metric(name="MacauCodeShown", unit=MetricUnit.Count, value=1)
    return current
