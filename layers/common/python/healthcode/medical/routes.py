"""Medical staff: POST, GET /v1/admin/medical-staff and DELETE /v1/admin/medical-staff/{person_id} (system admin), POST
(Idempotency-Key) and GET /v1/medical/notices (medical); the audit trail GET /v1/admin/audit (system admin)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.metrics import MetricUnit

from healthcode.core import api, idempotency
from healthcode.medical import audit_trail
from healthcode.medical import notices as medical

router = Router()
metrics = Metrics()

STAFF_DOC = ("The list of table 4-1: [{name, phone, unit, position}], all required, at most 1000. All-or-nothing: "
             "a 400 lists error.details.staff[{index, field, problem}] for every bad entry.")


@router.post("/v1/admin/medical-staff", tags=["medical"],
             summary="Grant the medical role to the listed staff (matched at login by name and phone)")
def post_medical_staff(staff: Annotated[list[Any], Body(description=STAFF_DOC)]) -> dict[str, Any]:
    granted = medical.grant_staff(api.caller(router), staff)
    metrics.add_metric(name="MedicalStaffGranted", unit=MetricUnit.Count, value=len(staff))
    return granted


@router.post("/v1/medical/notices", tags=["medical"], status_code=201, description=idempotency.ROUTE_DOC,
             summary="Issue a release-from-medical-observation e-notice for the scanned person")
def post_notice(body: medical.NoticeRequest) -> Response[dict[str, Any]]:
    key = idempotency.header_key(router.current_event.headers)
    notice = medical.issue_notice(api.caller(router), body, key)
    metrics.add_metric(name="ReleaseNoticeIssued", unit=MetricUnit.Count, value=1)
    return Response(status_code=201, content_type="application/json", body=notice)


@router.get("/v1/medical/notices", tags=["medical"], summary="The e-notices I issued, newest first")
def get_notices(
    limit: api.Limit = 20,
    cursor: api.Cursor = None,
) -> dict[str, Any]:
    return api.page(*medical.my_notices(api.caller(router), limit, api.decode_cursor(cursor)))


@router.get("/v1/admin/medical-staff", tags=["console"],
            summary="The medical staff granted (masked), with who claimed each grant at login")
def get_medical_staff(
    limit: api.Limit = 50,
    cursor: api.Cursor = None,
) -> dict[str, Any]:
    return api.page(*medical.list_staff(api.caller(router), limit, api.decode_cursor(cursor)))


@router.delete("/v1/admin/medical-staff/<person_id>", tags=["console"],
               summary="Withdraw a person's medical role (or a grant not yet claimed, by its grant_id)")
def delete_medical_staff(person_id: str) -> dict[str, Any]:
    withdrawn = medical.withdraw_staff(api.caller(router), person_id)
    metrics.add_metric(name="MedicalRoleWithdrawn", unit=MetricUnit.Count, value=1)
    return withdrawn


@router.get("/v1/admin/audit", tags=["console"],
            summary="Who read a person's personal data, when and why (newest first)")
def get_audit(
    subject: Annotated[str | None, Query(max_length=64, description="the person_id whose trail is read")] = None,
    limit: api.Limit = 50,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> dict[str, Any]:
    return api.paged(audit_trail.trail(api.caller(router), subject, limit, api.decode_cursor(cursor)))
