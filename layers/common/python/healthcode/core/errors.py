"""The one error model: every domain failure is an ApiError with an HTTP status and a code."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A failure the caller should see: `{"error": {"code", "message", "message_zh"}}`."""

    status = 400
    code = "BAD_REQUEST"
    message = "Bad request"
    message_zh = "请求有误"

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


class ValidationFailed(ApiError):
    code = "VALIDATION_ERROR"
    message = "Invalid request"
    message_zh = "请求参数有误"


class InvalidIdNumber(ApiError):
    code = "INVALID_ID_NUMBER"
    message = "Invalid ID number"
    message_zh = "证件号码有误"


class IssueCountMismatch(ApiError):
    code = "ISSUE_COUNT_MISMATCH"
    message = "The issue count is not the one on record for this permit"
    message_zh = "签发次数与证件记录不符，请按证件填写2位签发次数"


class InvalidCode(ApiError):
    code = "INVALID_CODE"
    message = "Invalid or revoked code"
    message_zh = "无效或已作废的粤康码"


class Unauthorized(ApiError):
    status = 401
    code = "UNAUTHORIZED"
    message = "Authentication required"
    message_zh = "请先登录"


class IdentityRejected(ApiError):
    status = 401
    code = "IDENTITY_NOT_VERIFIED"
    message = "Identity verification failed"
    message_zh = "身份认证未通过"


class Forbidden(ApiError):
    status = 403
    code = "FORBIDDEN"
    message = "Not allowed"
    message_zh = "无权访问"


class NotFound(ApiError):
    status = 404
    code = "NOT_FOUND"
    message = "Not found"
    message_zh = "未找到"


class Conflict(ApiError):
    status = 409
    code = "CONFLICT"
    message = "Conflict"
    message_zh = "操作冲突"


class EditLimit(Conflict):
    code = "EDIT_LIMIT"
    message = "Details can be changed once per natural week"
    message_zh = "每个自然周仅可修改一次"


class TooManyRequests(ApiError):
    status = 429
    code = "TOO_MANY_REQUESTS"
    message = "Too many requests, try again later"
    message_zh = "操作过于频繁，请稍后再试"

    def __init__(self, retry_after: int, message: str | None = None, message_zh: str | None = None) -> None:
        super().__init__(message, message_zh, headers={"Retry-After": str(max(1, int(retry_after)))})
        self.retry_after = retry_after


class PayloadTooLarge(ApiError):
    code = "BODY_TOO_LARGE"
    message = "Request body too large"
    message_zh = "请求内容过大"


class ServiceUnavailable(ApiError):
    status = 503
    code = "UPSTREAM_UNAVAILABLE"
    message = "An upstream service is unavailable"
    message_zh = "上游服务暂不可用"


class NotReady(ServiceUnavailable):
    code = "NOT_READY"
    message = "The service is starting or not set up yet"
    message_zh = "服务正在启动或尚未完成初始化，请稍后再试"

    def __init__(self, waiting_for: list[str], retry_after: int = 5) -> None:
        super().__init__(details={"waiting_for": waiting_for}, headers={"Retry-After": str(retry_after)})
