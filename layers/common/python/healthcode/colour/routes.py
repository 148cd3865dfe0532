"""POST /v1/feeds/health-events: partner systems (API key) send batches of health events."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit

from healthcode.colour import feeds

router = Router()
metrics = Metrics()

RECORDS_DOC = (
    "A JSON array of up to 500 records {event_id, person{id_type, id_number, issue_count?, name, phone?}, kind, "
    "occurred_at, result?, valid_from?, valid_until?, details{}}. Validated all-or-nothing: a 400 lists "
    "error.details.records[{index, field, problem, code}] for every bad record and stores nothing. Idempotent by "
    "event_id: replays are accepted and stored once; an event_id already stored with other content refuses the "
    "batch with 409 EVENT_CONFLICT, error.details.records[{index, field, problem, code, event_id}], nothing stored."
)


@router.post("/v1/feeds/health-events", summary="Send health events (partner API key, header x-api-key)",
             tags=["feeds"])
def post_health_events(records: Annotated[list[Any], Body(description=RECORDS_DOC)]) -> dict[str, Any]:
    partner = feeds.partner_caller((router.current_event.raw_event.get("requestContext") or {}).get("authorizer"))
    valid = feeds.validate_batch(records)
    result = feeds.ingest(valid, source=f"feed:{partner.removeprefix('partner:')}", refuse_conflicts=True)
    metrics.add_metric(name="FeedRecordsStored", unit=MetricUnit.Count, value=result.stored)
    return result.as_dict(accepted=len(valid))
