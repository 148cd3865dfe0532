"""HTTP glue shared by every API function: the resolver, error mapping, the caller, pagination."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from .config import get_config
from .errors import ApiError, Forbidden, PayloadTooLarge, Unauthorized, ValidationFailed

logger = Logger()


def _error_response(error: ApiError) -> Response:
    headers = dict(error.headers)
    return Response(
        status_code=error.status,
        content_type="application/json",
        body=json.dumps(error.body(), ensure_ascii=False),
        headers=headers or None,
    )


def _field_of(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        rest = parts[1:]
        if parts[0] == "body" and (not rest or rest[0].isdigit() and len(parts) == 2 and not isinstance(loc[1], str)):
            return "body"
        return ".".join(rest) or parts[0]
    return ".".join(parts) or "body"


def validation_error(exc: RequestValidationError) -> ApiError:
    errors = exc.errors()
    first = errors[0] if errors else {"loc": ("body",), "msg": "invalid", "type": "value_error"}
    field = _field_of(first.get("loc", ("body",)))
    if first.get("type") == "json_invalid":
        return ValidationFailed("Body is not valid JSON", "请求内容不是有效的JSON", field="body")
    details = {"fields": [{"field": _field_of(e.get("loc", ())), "problem": e.get("msg", "")} for e in errors[:20]]}
    return ValidationFailed(f"Invalid field '{field}': {first.get('msg', 'invalid')}", f"字段 {field} 有误", field=field,
                            details=details)


def create_app() -> APIGatewayRestResolver:
    """A REST resolver with request validation, and every failure answered in the one error model."""
    app = APIGatewayRestResolver(enable_validation=True)

    @app.exception_handler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        if exc.status >= 500:
            logger.warning("upstream failure", extra={"code": exc.code})
        return _error_response(exc)

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response:
        return _error_response(validation_error(exc))

    return app


def resolve(app: APIGatewayRestResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Reject oversize bodies before anything parses them, then route."""
    body = event.get("body") or ""
    if len(body) > get_config().max_body_bytes:
        return {
            "statusCode": 400,
            "multiValueHeaders": {"Content-Type": ["application/json"]},
            "body": json.dumps(PayloadTooLarge(field="body").body(), ensure_ascii=False),
            "isBase64Encoded": False,
        }
    return app.resolve(event, context)


@dataclass(frozen=True)
class Caller:
    person_id: str
    roles: frozenset[str]

    def has(self, role: str) -> bool:
        return role in self.roles


def caller(app: APIGatewayRestResolver) -> Caller:
    """The authenticated person, as the authorizer passed them in requestContext.authorizer."""
    context = (app.current_event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    person_id = context.get("person_id")
    if not person_id or context.get("kind", "session") != "session":
        raise Unauthorized()
    roles = frozenset(r for r in str(context.get("roles", "")).split(",") if r)
    return Caller(person_id=str(person_id), roles=roles)


def require_role(who: Caller, role: str) -> None:
    if not who.has(role):
        raise Forbidden(f"This needs the {role} role", "无此操作权限")


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, RecursionError):  # deeply nested JSON exhausts the decoder's recursion limit
        raise ValidationFailed("cursor is not one this API returned", "分页游标无效", field="cursor") from None
    if not isinstance(value, dict):
        raise ValidationFailed("cursor is not one this API returned", "分页游标无效", field="cursor")
    return value
