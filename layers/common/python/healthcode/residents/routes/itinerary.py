"""POST /v1/itinerary/sms-code and POST /v1/itinerary: the itinerary card (通信大数据行程卡) of one's own phone."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field

from healthcode.core import api
from healthcode.identity.people import normalise_phone
from healthcode.identity.roles import RESIDENT
from healthcode.residents import itinerary

router = Router()
metrics = Metrics()


class SmsCodeRequest(api.Body):
    phone: str = Field(min_length=1, max_length=32)


class ItineraryRequest(api.Body):
    phone: str = Field(min_length=1, max_length=32)
    sms_code: str = Field(pattern=r"^\d{6}$")


@router.post("/v1/itinerary/sms-code", summary="Send an SMS code to a mainland mobile for its itinerary card",
             tags=["itinerary"], status_code=202)
def post_itinerary_sms_code(body: SmsCodeRequest) -> Response[dict[str, Any]]:
    who = api.caller(router)
    api.require_role(who, RESIDENT)
    sent = itinerary.send_code(who.person_id, normalise_phone(body.phone))
    metrics.add_metric(name="ItinerarySmsCodeSent", unit=MetricUnit.Count, value=1)
    return Response(status_code=202, content_type="application/json", body=sent)


@router.post("/v1/itinerary", summary="The cities the phone (proven by its SMS code) reached or passed in the last 14 days",
             tags=["itinerary"])
def post_itinerary(body: ItineraryRequest) -> dict[str, Any]:
    who = api.caller(router)
    api.require_role(who, RESIDENT)
    card = itinerary.card(who.person_id, normalise_phone(body.phone), body.sms_code)
    metrics.add_metric(name="ItineraryCardShown", unit=MetricUnit.Count, value=1)
    return card
