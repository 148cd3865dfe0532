"""POST /v1/auth/login."""

from __future__ import annotations

from typing import Literal

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel, Field

from healthcode.core import api
from healthcode.core.ratelimit import source_ip
from healthcode.identity.login import login

router = Router()
metrics = Metrics()


class LoginRequest(api.Body):
    id_type: Literal["ID_CARD", "HK_MACAU_PERMIT"]
    id_number: str = Field(min_length=1, max_length=32)
    issue_count: str | None = Field(default=None, max_length=4)
    name: str = Field(min_length=1, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    method: Literal["FACE", "WECHAT_PAY"]
    proof: str = Field(min_length=1, max_length=8192)


class LoginAnswer(BaseModel):
    token: str
    person_id: str
    roles: list[str]
    expires_at: int


@router.post("/v1/auth/login", summary="Log in with face or WeChat-pay verification", tags=["auth"])
def post_login(body: LoginRequest) -> LoginAnswer:
    result = login(body.id_type, body.id_number, body.issue_count, body.name, body.phone, body.method, body.proof,
                   source_ip=source_ip(router))
    metrics.add_metric(name="Login", unit=MetricUnit.Count, value=1)
    return LoginAnswer(token=result.token, person_id=result.person_id, roles=result.roles,
                       expires_at=result.expires_at)
