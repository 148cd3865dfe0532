"""GET /v1/me/code and GET /v1/me/display-log.

With member= (a family member or companion) the caller reads someone else's code and displays: audited.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.metrics import MetricUnit

from healthcode.codes import display as codes
from healthcode.core import api
from healthcode.identity import access

router = Router()
metrics = Metrics()


@router.get("/v1/me/code", summary="Show my code (亮码), or a family member's with member=", tags=["code"],
            responses={200: {"description": "The code"},
                       503: {"description": "DISPLAY_FAILED: the display could not be completed (logged as failed)"}})
def get_my_code(member: api.Member = None) -> dict[str, Any]:
    who = api.caller(router)
    # a member's code shown reads their health status
    shown = access.read_for(who, member, "CODE_SHOWN", lambda subject: codes.show_code(subject, who.person_id))
    metrics.add_metric(name="CodeDisplayed", unit=MetricUnit.Count, value=1)
    return shown


@router.get("/v1/me/display-log", summary="My code displays of the last three days", tags=["code"])
def get_display_log(
    member: api.Member = None,
    limit: api.Limit = 50,
    cursor: api.Cursor = None,
) -> dict[str, Any]:
    return api.page(*access.read_for(api.caller(router), member, "DISPLAY_LOG_READ",
                                     lambda subject: codes.display_log(subject, limit, api.decode_cursor(cursor))))
