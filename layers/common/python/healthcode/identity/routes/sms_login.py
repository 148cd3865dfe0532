"""POST /v1/auth/captcha, /v1/auth/sms-code and /v1/auth/sms-login: logging in with phone, captcha and SMS code."""

from __future__ import annotations

import base64

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, Field

from healthcode.core import api, ratelimit
from healthcode.identity import captcha, otp, sms_login

router = Router()


class CaptchaAnswer(BaseModel):
    captcha_id: str
    image_png_base64: str
    expires_in: int


class SmsCodeRequest(api.Body):
    phone: str = Field(min_length=1, max_length=32, description="International format, e.g. +8613800138000")
    captcha_id: str = Field(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    captcha_answer: str = Field(min_length=1, max_length=16)


class SmsCodeAnswer(BaseModel):
    sent: bool
    resend_after: int
    expires_in: int


class SmsLoginRequest(api.Body):
    phone: str = Field(min_length=1, max_length=32)
    sms_code: str = Field(pattern=r"^\d{6}$", description="The 6 digits of the SMS")


class SmsLoginAnswer(BaseModel):
    token: str
    person_id: str
    roles: list[str]
    expires_at: int


@router.post("/v1/auth/captcha", summary="A new image captcha (图片验证码), good for one SMS code request",
             tags=["auth"])
def post_captcha() -> CaptchaAnswer:
    ratelimit.take(ratelimit.AUTH_CAPTCHA, ratelimit.source_ip(router))
    captcha_id, png = captcha.create()
    return CaptchaAnswer(captcha_id=captcha_id, image_png_base64=base64.b64encode(png).decode(),
                         expires_in=int(captcha.TTL.total_seconds()))


@router.post("/v1/auth/sms-code", summary="Send a login code by SMS, after the image captcha", tags=["auth"])
def post_sms_code(body: SmsCodeRequest) -> SmsCodeAnswer:
    sms_login.request_code(body.phone, body.captcha_id, body.captcha_answer, ratelimit.source_ip(router))
    return SmsCodeAnswer(sent=True, resend_after=int(otp.RESEND_AFTER.total_seconds()),
                         expires_in=int(otp.CODE_TTL.total_seconds()))


@router.post("/v1/auth/sms-login", summary="Log in with phone and SMS code (inbound travellers, PC admins)",
             tags=["auth"])
def post_sms_login(body: SmsLoginRequest) -> SmsLoginAnswer:
    result = sms_login.login(body.phone, body.sms_code, ratelimit.source_ip(router))
    return SmsLoginAnswer(token=result.token, person_id=result.person_id, roles=result.roles,
                          expires_at=result.expires_at)
