"""POST /v1/me/family, GET /v1/me/family and DELETE /v1/me/family/{person_id}: a guardian's family members."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field

from healthcode.core import api
from healthcode.identity.roles import RESIDENT
from healthcode.residents import family

router = Router()
metrics = Metrics()

PERSON_ID = r"^[0-9A-HJKMNP-TV-Z]{26}$"  # a ULID


class Verification(api.Body):
    method: family.VerificationMethod
    proof: str = Field(min_length=1, max_length=8192)


class AddMemberRequest(api.Body):
    relation: family.Relationship
    name: str = Field(min_length=1, max_length=64)
    id_type: Literal["ID_CARD", "HK_MACAU_PERMIT"]
    id_number: str = Field(min_length=1, max_length=32)
    issue_count: str | None = Field(default=None, max_length=4)
    verification: Verification


@router.post("/v1/me/family", summary="Add a family member after verifying their identity", tags=["family"],
             status_code=201)
def post_family_member(body: AddMemberRequest) -> Response[dict[str, Any]]:
    who = api.caller(router)
    api.require_role(who, RESIDENT)
    added = family.add_member(who.person_id, family.NewMember(
        relation=body.relation, name=body.name, id_type=body.id_type, id_number=body.id_number,
        issue_count=body.issue_count, method=body.verification.method, proof=body.verification.proof,
    ))
    metrics.add_metric(name="FamilyMemberAdded", unit=MetricUnit.Count, value=1)
    return Response(status_code=201, content_type="application/json", body=added)


@router.get("/v1/me/family", summary="My family members, with the colour of each one's code", tags=["family"])
def get_family(
    limit: api.Limit = 50,
    cursor: api.Cursor = None,
) -> dict[str, Any]:
    who = api.caller(router)
    api.require_role(who, RESIDENT)
    items, last_key = family.list_members(who.person_id, limit, api.decode_cursor(cursor))
    return {"items": items, "next_cursor": api.encode_cursor(last_key),
            "relations": [{"code": r.value, "label": family.RELATION_LABELS[r]} for r in family.Relationship]}


@router.delete("/v1/me/family/<person_id>", summary="Remove a family member", tags=["family"],
               responses={204: {"description": "Removed"}})
def delete_family_member(person_id: Annotated[str, Path(pattern=PERSON_ID)]) -> Response[None]:
    who = api.caller(router)
    api.require_role(who, RESIDENT)
    family.remove_member(who.person_id, person_id)
    metrics.add_metric(name="FamilyMemberRemoved", unit=MetricUnit.Count, value=1)
    return Response(status_code=204)
