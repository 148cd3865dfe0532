"""GET /v1/me/code/physical (the printable black code) and POST /v1/me/code/reissue (a lost printout)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.metrics import MetricUnit

from healthcode.codes import printed as printed_codes
from healthcode.core import api, audit
from healthcode.identity import access
from healthcode.identity.roles import refuse_inbound

router = Router()
metrics = Metrics()


@router.get("/v1/me/code/physical", tags=["code"],
            summary="My printable black code (PNG), or a short-lived URL to it with format=url; member= for family",
            responses={200: {"description": "The card as PNG, or {url, expires_in} with format=url",
                             "content": {"image/png": {"schema": {"type": "string", "format": "binary"}},
                                         "application/json": {"schema": {"type": "object"}}}}})
def get_physical_code(
    member: api.Member = None,
    format: Annotated[Literal["png", "url"], Query()] = "png",  # noqa: A002 - the query parameter's name
):  # no return annotation: Powertools would then serialize the PNG bytes as JSON text
    who = api.caller(router)
    refuse_inbound(who.roles)  # 实体粤康码 is the WeChat version's (family members); inbound codes are shown only
    png, url = access.read_for(who, member, "PRINTED_CODE_READ",
                               lambda subject: printed_codes.card_of(subject, as_url=format == "url"))
    metrics.add_metric(name="PrintedCodeShown", unit=MetricUnit.Count, value=1)
    if url is not None:
        return Response(status_code=200, content_type="application/json", headers={"Cache-Control": "no-store"},
                        body=json.dumps({"url": url, "expires_in": printed_codes.URL_SECONDS}))
    return Response(status_code=200, content_type="image/png", body=png,
                    headers={"Cache-Control": "no-store", "Content-Disposition": 'inline; filename="yuekang-code.png"'})


@router.post("/v1/me/code/reissue", tags=["code"],
             summary="Re-issue my code (lost printout): the old printed code is revoked; member= for family")
def post_reissue(member: api.Member = None) -> dict[str, Any]:
    who = api.caller(router)
    refuse_inbound(who.roles)
    subject = access.subject_for(who.person_id, member)
    version = printed_codes.reissue(subject)
    audit.record(subject, who.person_id, "CODE_REISSUED", purpose="self" if subject == who.person_id else "guardian")
    metrics.add_metric(name="CodeReissued", unit=MetricUnit.Count, value=1)
    return {"person_id": subject, "code_version": version, "card": "RENDERING"}
