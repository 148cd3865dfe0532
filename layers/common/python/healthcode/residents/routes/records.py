"""GET /v1/me/records?kind=: my (or a family member's) health information, newest first."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.metrics import MetricUnit

from healthcode.core import api
from healthcode.identity import access
from healthcode.residents import records

router = Router()
metrics = Metrics()

RecordKind = Literal["nucleic_acid", "antibody", "health_certificate", "release_notice", "entry_registration",
                     "inbound_entry", "declaration", "display", "temperature"]


@router.get("/v1/me/records", tags=["records"],
            summary="My health information by kind (tests, certificate, notices, entries, declarations, displays, "
                    "temperature checks), newest first; member= for family")
def get_records(
    kind: Annotated[RecordKind, Query()],
    member: api.Member = None,
    limit: api.Limit = 20,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> dict[str, Any]:
    items, last_key = access.read_for(
        api.caller(router), member, "RECORDS_READ",
        lambda subject: records.list_records(subject, kind, limit, api.decode_cursor(cursor)), purpose=kind)
    metrics.add_metric(name="HealthRecordsRead", unit=MetricUnit.Count, value=1)
    return {"kind": kind, "items": items, "next_cursor": api.encode_cursor(last_key)}
