"""POST /v1/scan: inspectors, grid workers and medical staff read a person's code."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field

from healthcode.codes import scan
from healthcode.core import api

router = Router()
metrics = Metrics()


class ScanRequest(api.Body):
    qr: str = Field(min_length=1, max_length=512)


@router.post("/v1/scan", tags=["scan"],
             summary="Scan a code: masked name and phone, colour, reasons, latest declaration (audited)")
def post_scan(body: ScanRequest) -> dict[str, Any]:
    answer = scan.scan(api.caller(router), body.qr)
    metrics.add_metric(name="CodeScanned", unit=MetricUnit.Count, value=1)
    return answer
