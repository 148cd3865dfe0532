"""Every error code the API answers, and its one HTTP status: each domain failure is an ApiError here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ApiError(Exception):
    """A failure the caller should see: `{"error": {"code", "message", "message_zh"}}`.

    A kind states what differs from its base in its class line: `class Gone(NotFound, code="GONE", message=...,
    message_zh=...)`; what it leaves out (the status, mostly) it inherits.
    """

    status = 400
    code = "BAD_REQUEST"
    message = "Bad request"
    message_zh = "请求有误"

    def __init_subclass__(cls, *, status: int | None = None, code: str | None = None, message: str | None = None,
                          message_zh: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        stated = {"status": status, "code": code, "message": message, "message_zh": message_zh}
        for name, value in stated.items():
            if value is not None:
                setattr(cls, name, value)

    def __init__(
        self,
        message: str | None = None,
        message_zh: str | None = None,
        *,
        field: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.message_zh = message_zh or self.message_zh
        self.field = field
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
        }
        if self.field:
            error["field"] = self.field
        if self.details:
            error["details"] = self.details
        return {"error": error}


class ValidationFailed(ApiError, code="VALIDATION_ERROR", message="Invalid request", message_zh="请求参数有误"): ...


class InvalidIdNumber(ApiError, code="INVALID_ID_NUMBER", message="Invalid ID number", message_zh="证件号码有误"): ...


class IssueCountMismatch(ApiError, code="ISSUE_COUNT_MISMATCH",
                         message="The issue count is not the one on record for this permit",
                         message_zh="签发次数与证件记录不符，请按证件填写2位签发次数"): ...


class InvalidCode(ApiError, code="INVALID_CODE", message="Invalid or revoked code", message_zh="无效或已作废的粤康码"): ...


class Unauthorized(ApiError, status=401, code="UNAUTHORIZED", message="Authentication required", message_zh="请先登录"): ...


class IdentityRejected(ApiError, status=401, code="IDENTITY_NOT_VERIFIED", message="Identity verification failed",
                       message_zh="身份认证未通过"): ...


class Forbidden(ApiError, status=403, code="FORBIDDEN", message="Not allowed", message_zh="无权访问"): ...


class NotFound(ApiError, status=404, code="NOT_FOUND", message="Not found", message_zh="未找到"): ...


class Conflict(ApiError, status=409, code="CONFLICT", message="Conflict", message_zh="操作冲突"): ...


class EditLimit(Conflict, code="EDIT_LIMIT", message="Details can be changed once per natural week",
                message_zh="每个自然周仅可修改一次"): ...


class TooManyRequests(ApiError, status=429, code="TOO_MANY_REQUESTS", message="Too many requests, try again later",
                      message_zh="操作过于频繁，请稍后再试"):
    def __init__(self, retry_after: int, message: str | None = None, message_zh: str | None = None) -> None:
        super().__init__(message, message_zh, headers={"Retry-After": str(max(1, int(retry_after)))})
        self.retry_after = retry_after


class PayloadTooLarge(ApiError, code="BODY_TOO_LARGE", message="Request body too large", message_zh="请求内容过大"): ...


class ServiceUnavailable(ApiError, status=503, code="UPSTREAM_UNAVAILABLE",
                         message="An upstream service is unavailable", message_zh="上游服务暂不可用"): ...


class NotReady(ServiceUnavailable, code="NOT_READY", message="The service is starting or not set up yet",
               message_zh="服务正在启动或尚未完成初始化，请稍后再试"):
    def __init__(self, waiting_for: list[str], retry_after: int = 5) -> None:
        super().__init__(details={"waiting_for": waiting_for}, headers={"Retry-After": str(retry_after)})


# --- Overload (healthcode.core.shedding: the code and scan routes shed with Retry-After instead of timing out) ------


class Overloaded(TooManyRequests, code="OVERLOADED", message="The service is busy; try again after Retry-After seconds",
                 message_zh="系统访问高峰，请稍后再试"): ...


class StorageUnavailable(ApiError, status=503, code="STORAGE_UNAVAILABLE",
                         message="The service's storage did not answer in time; try again after Retry-After seconds",
                         message_zh="系统繁忙，请稍后再试"): ...


# --- The request itself --------------------------------------------------------------------------------------------


class UnsupportedMediaType(ApiError, status=415, code="UNSUPPORTED_MEDIA_TYPE",
                           message="Send the body as JSON (Content-Type: application/json)", message_zh="请求内容须为JSON格式"):
    """A body that is not JSON: every body this API reads is JSON."""


class IdempotencyKeyReused(ApiError, status=422, code="IDEMPOTENCY_KEY_REUSED",
                           message="This Idempotency-Key was used for a different request",
                           message_zh="该幂等键已用于另一请求"): ...


class RequestInProgress(Conflict, code="REQUEST_IN_PROGRESS",
                        message="A request with this Idempotency-Key is still being processed; retry shortly",
                        message_zh="相同请求正在处理中，请稍后重试"): ...


# --- Login, SMS codes, captcha -------------------------------------------------------------------------------------


class CaptchaInvalid(ValidationFailed, code="CAPTCHA_INVALID",
                     message="The image code is wrong or has expired; tap the image for a new one",
                     message_zh="图片验证码错误或已失效，请点击图片刷新"): ...


class SmsCodeInvalid(ValidationFailed, code="SMS_CODE_INVALID", message="The SMS code is wrong or has expired",
                     message_zh="短信验证码错误或已过期"): ...


# --- Codes ---------------------------------------------------------------------------------------------------------


# FAQ 2's words for a display that did not succeed, "可能为系统访问高峰等原因".
class DisplayFailed(ServiceUnavailable, code="DISPLAY_FAILED",
                    message="The code could not be shown just now (the system may be busy); try again later",
                    message_zh="亮码失败，可能为系统访问高峰等原因，请稍后再试"): ...


class CardNotReady(ApiError, status=404, code="CARD_NOT_READY",
                   message="The printable code is being prepared; try again in a few seconds",
                   message_zh="实体粤康码正在生成，请稍后再试"):
    """404 (not yet drawn): the H5 page shows 暂未生成, 请稍后再试; Retry-After says when to ask again."""


# --- Residents: family, declarations, itinerary, Macau, inbound travellers -----------------------------------------


# 400, not IdentityRejected's 401: the caller is logged in; it is the member's proof that failed.
class MemberNotVerified(ValidationFailed, code="MEMBER_NOT_VERIFIED",
                        message="The family member's identity could not be verified", message_zh="家庭成员身份认证未通过"): ...


class MemberExists(Conflict, code="MEMBER_EXISTS", message="This person is already one of your family members",
                   message_zh="该成员已添加，无需重复添加"): ...


class InboundNoDeclaration(Forbidden, code="INBOUND_NO_DECLARATION",
                           message="The inbound travellers' code only shows the code; it has no health declaration",
                           message_zh="入境人员粤康码目前暂时只有亮码功能，没有健康申报功能"): ...


class NotBoundToOrganization(Forbidden, code="NOT_ORG_MEMBER", message="You are not bound to this organization",
                             message_zh="您尚未绑定该组织机构，请先输入组织机构申报码绑定"): ...


class NotAMainlandMobile(ValidationFailed, code="NOT_A_MAINLAND_MOBILE",
                         message="The itinerary card covers mainland China mobile numbers (+86) only",
                         message_zh="行程卡仅支持中国大陆手机号码"): ...


class RedCodeNotConvertible(Conflict, code="RED_CODE_NOT_CONVERTIBLE",
                            message="A red code does not convert into a Macau health code",
                            message_zh="您的粤康码为红码，不能转换澳门健康码"): ...


class DeclaredRisk(Conflict, code="DECLARED_RISK",
                   message="The declaration reports a health risk; no Macau health code is issued",
                   message_zh="您申报的健康状况存在风险，暂不能申领澳门健康码"): ...


class InboundNoMacauCode(Forbidden, code="INBOUND_NO_MACAU_CODE",
                         message="The Macau health code is for Guangdong residents", message_zh="申领澳门健康码仅适用于省内居民"): ...


class MacauRefused(Conflict, code="MACAU_REFUSED", message="The Macau health code service refused the application",
                   message_zh="澳门健康码系统未通过申领"): ...


class DocumentNotFound(ApiError, code="DOCUMENT_NOT_FOUND",
                       message="No entry record was found for this document number",
                       message_zh="未查询到该证件的入境记录，请核对证件号码"): ...


# The wording and number travellers know from the guide's FAQ (二) 2: the page error it quotes,
# “姓名和证件不配”（Full name unmatched with passport information(1590640002)）, in both languages.
class NameMismatch(ApiError, code="NAME_MISMATCH", message="Full name unmatched with passport information(1590640002)",
                   message_zh="姓名和证件不配(1590640002)"): ...


class PhoneInUse(Conflict, code="PHONE_IN_USE",
                 message=("This phone number is already used by another person; one phone logs in one traveller. "
                          "Travellers sharing a phone can be added as companions instead"),
                 message_zh="该手机号码已被他人使用。共用一部手机的同行人员，请通过“我的同行人员信息”添加"): ...


# FAQ (二) 1: “入境人员粤康码目前暂时只有亮码功能”. The session came from a real-name check only (name and document
# number), so it may show codes and records, never open a venue, a binding or a printed code.
class InboundCodeOnly(Forbidden, code="INBOUND_CODE_ONLY",
                      message=("The inbound travellers' code only shows the code; "
                               "this is a feature of the WeChat version"),
                      message_zh="入境人员粤康码目前暂时只有亮码功能"): ...


class AlreadyCompanion(Conflict, code="ALREADY_COMPANION", message="This person is already one of your companions",
                       message_zh="该同行人员已添加"): ...


# --- Places: venues, inspectors, devices, organizations ------------------------------------------------------------


class AlreadyAdmin(Conflict, code="ALREADY_VENUE_ADMIN",
                   message="This person already administers a venue (one venue per admin)",
                   message_zh="一个管理员只能创建或绑定一个场所"): ...


class VenueHasAdmin(Conflict, code="VENUE_HAS_ADMIN", message="The venue already has an admin (one admin per venue)",
                    message_zh="一个场所只能绑定一个管理员"): ...


class AlreadyBound(Conflict, code="ALREADY_BOUND", message="You are already an inspector of this venue",
                   message_zh="您已绑定该场所"): ...


class JoinRevoked(Conflict, code="JOIN_REVOKED",
                  message="The venue's admin unbound you; the join code no longer admits you",
                  message_zh="您已被场所管理员解除绑定，无法再次使用该场所申报码绑定"): ...


class NotBound(ApiError, status=403, code="NOT_BOUND", message="You are not an inspector of this venue",
               message_zh="您未绑定该场所，不能登记体温"): ...


class TooManyDevices(Conflict, code="TOO_MANY_DEVICES", message="A venue registers no more devices than its limit",
                     message_zh="场所登记设备已达上限"):
    def __init__(self, limit: int, field: str | None = None) -> None:
        super().__init__(f"A venue registers at most {limit} devices", f"每个场所最多登记{limit}台设备", field=field)


class AlreadyOrgAdmin(Conflict, code="ALREADY_ORG_ADMIN",
                      message="This person already administers an organization (one organization per admin)",
                      message_zh="一个管理员只可绑定一个组织机构"): ...


class AlreadyOrgMember(Conflict, code="ALREADY_ORG_MEMBER", message="You are already bound to this organization",
                       message_zh="您已绑定该组织机构"): ...


class ReportTooLarge(ApiError, status=413, code="REPORT_TOO_LARGE",
                     message=("The day's report is too large for one download; "
                              "page through GET /v1/orgs/{id}/declarations"),
                     message_zh="当日申报数据过多，无法一次导出，请分页查看申报明细"): ...


# --- Partner feeds -------------------------------------------------------------------------------------------------


class InvalidRecords(ValidationFailed):
    """400 listing every bad record of a batch: details.records = [{index, field, problem, code}]."""

    def __init__(self, problems: Sequence[Any], total: int) -> None:
        bad = len({p.index for p in problems})
        first = problems[0]
        super().__init__(
            f"{bad} of {total} records are invalid (first: record {first.index}, {first.field}: {first.problem}); "
            "nothing was stored",
            f"{total}条记录中有{bad}条有误，本批次未保存",
            field=f"records[{first.index}].{first.field}",
            details={"records": [p.as_dict() for p in problems]},
        )


class ConflictingRecords(Conflict, code="EVENT_CONFLICT"):
    """409: records whose event_id is already stored with other content; details.records as for bad records."""

    def __init__(self, conflicts: Sequence[Any], total: int) -> None:
        first = conflicts[0]
        super().__init__(
            f"{len(conflicts)} of {total} records reuse an event_id already stored with other content (first: record "
            f"{first.index}); nothing was stored",
            f"{total}条记录中有{len(conflicts)}条的event_id已用于其他内容，本批次未保存",
            field=f"records[{first.index}].event_id",
            details={"records": [c.as_dict() for c in conflicts]},
        )


# --- Community grids (guide 四(三)) ----------------------------------------------------------------------------------


class GridNotActive(Conflict, code="GRID_NOT_ACTIVE",
                    message=("The grid is not active: its superior has not approved it "
                             "(or it was rejected or is being dissolved)"),
                    message_zh="该网格尚未经上级审核通过，暂不可用"): ...


class AlreadyGridAdmin(Conflict, code="ALREADY_GRID_ADMIN",
                       message="This person already administers a grid (one grid per admin)",
                       message_zh="一个管理员只能创建一个网格组织"): ...


class GridNotPending(Conflict, code="GRID_NOT_PENDING", message="The grid is not awaiting approval",
                     message_zh="该网格不在待审核状态"): ...


class AlreadyGridWorker(Conflict, code="ALREADY_GRID_WORKER", message="You are already bound to this grid",
                        message_zh="您已绑定该网格"): ...


class GridJoinRevoked(Conflict, code="GRID_JOIN_REVOKED",
                      message="The grid's admin unbound you; the join code no longer admits you",
                      message_zh="您已被网格管理员解除绑定，无法再次使用该网格申报码绑定"): ...


class NotGridWorker(Forbidden, code="NOT_GRID_WORKER", message="You are not a worker of this grid",
                    message_zh="您未绑定该网格"): ...


class GridWorkerNotAuthorized(Forbidden, code="GRID_WORKER_NOT_AUTHORIZED",
                              message="Only workers the grid's admin authorized may read this",
                              message_zh="您尚未获得网格管理员授权，无法查看"): ...


class ConfirmationMismatch(ValidationFailed, code="CONFIRMATION_MISMATCH",
                           message="The confirmation does not match the grid's name; nothing was deleted",
                           message_zh="输入的网格名称不一致，未解散网格"): ...
