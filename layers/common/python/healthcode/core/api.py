"""HTTP glue shared by every API function: the resolver, error mapping, the caller, request bodies, the query
parameters many routes take (member=, limit=, cursor=) and pagination."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, ConfigDict

from healthcode.core.caller import Caller
from healthcode.core.config import get_config
from healthcode.core.errors import (
    ApiError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)

logger = Logger()
JSON = "application/json"

#: member=: a `me` route acting for a family member or companion (healthcode.identity.access.subject_for)
Member = Annotated[str | None, Query(max_length=40, description="a family member's person_id, in place of oneself")]
#: limit= and cursor= of a list: a page of at most `limit` items, from where the last page's next_cursor left off
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=512)]


class Body(BaseModel):
    """A request body: a field it does not name is refused (400 VALIDATION_ERROR naming it), never ignored."""

    model_config = ConfigDict(extra="forbid")


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
        reason = (first.get("ctx") or {}).get("error")
        return ValidationFailed(f"Body is not valid JSON ({reason})" if reason else "Body is not valid JSON",
                                "请求内容不是有效的JSON", field="body")
    details = {"fields": [{"field": _field_of(e.get("loc", ())), "problem": e.get("msg", "")} for e in errors[:20]]}
    return ValidationFailed(f"Invalid field '{field}': {first.get('msg', 'invalid')}", f"字段 {field} 有误", field=field,
                            details=details)


def load_json_body(text: str) -> Any:
    """json.loads for request bodies, refusing (as invalid JSON, hence a 400 on the body) what it cannot take:

    nesting deeper than the parser's recursion limit and integers longer than Python converts (a RecursionError
    or ValueError, which would be a crash), and lone UTF-16
    surrogates such as "\\ud800", which are no Unicode text: echoed in an answer, stored or hashed they fail
    to encode to UTF-8 further down.
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("JSON nested too deeply", text, 0) from None
    except ValueError:  # e.g. an integer of more digits than Python converts (4300)
        raise json.JSONDecodeError("a number too long to read", text, 0) from None
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise json.JSONDecodeError("a \\u escape is a lone surrogate, not a character", text, 0) from None
    return value


def create_app(*routers: Router, middlewares: list[Callable[..., Any]] | None = None) -> APIGatewayRestResolver:
    """A REST resolver with request validation, and every failure answered in the one error model, serving the
    routers' routes through the middlewares."""
    get_config()  # at cold start: a missing environment variable fails here, named, not on the first request
    app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=load_json_body)
    if middlewares:
        app.use(middlewares=middlewares)
    for router in routers:
        app.include_router(router)

    @app.exception_handler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        if exc.status >= 500:
            logger.warning("upstream failure", extra={"code": exc.code})
        return _error_response(exc)

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response:
        return _error_response(validation_error(exc))

    @app.exception_handler(NotFoundError)  # a path no route of this function matches, e.g. an empty {id}
    def _no_route(exc: NotFoundError) -> Response:
        return _error_response(NotFound("No such route", "接口不存在"))

    @app.exception_handler(RequestUnsupportedContentType)
    def _not_json(exc: RequestUnsupportedContentType) -> Response:
        return _error_response(UnsupportedMediaType(field="content-type"))

    return app


def _proxy_error(error: ApiError) -> dict[str, Any]:
    return {
        "statusCode": error.status,
        "multiValueHeaders": {"Content-Type": [JSON]},
        "body": json.dumps(error.body(), ensure_ascii=False),
        "isBase64Encoded": False,
    }


def _json_text_body(event: dict[str, Any]) -> dict[str, Any] | ApiError:
    """The event with its body as JSON text, or the error for a body that is not: a body is JSON, in UTF-8.

    API Gateway hands a body over base64-encoded when its bytes are not text; the resolver would then crash
    decoding them, so they are decoded (or refused) here. The media type is compared case-insensitively, as
    HTTP says, and handed on lower-cased for the resolver, which compares it case-sensitively.
    """
    headers = dict(event.get("headers") or {})
    name = next((k for k in headers if k.lower() == "content-type"), None)
    content_type = str(headers.get(name) or "").strip() if name else ""
    if content_type and not content_type.lower().startswith(JSON):
        return UnsupportedMediaType(field="content-type")
    changes: dict[str, Any] = {}
    if content_type and not content_type.startswith(JSON):
        changes["headers"] = headers | {name: content_type.lower()}
    if event.get("isBase64Encoded"):
        try:
            changes["body"] = base64.b64decode(event["body"], validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return ValidationFailed("Body is not UTF-8 text", "请求内容不是有效的UTF-8文本", field="body")
        changes["isBase64Encoded"] = False
    return event | changes if changes else event


def resolve(app: APIGatewayRestResolver, event: dict[str, Any], context: Any,
            max_body_bytes: int | None = None) -> dict[str, Any]:
    """Reject oversize bodies and bodies that are not JSON text before anything parses them, then route.

    `max_body_bytes` overrides the configured limit for a function whose bodies are legitimately larger (feeds).
    """
    body = event.get("body") or ""
    if len(body) > (max_body_bytes or get_config().max_body_bytes):
        return _proxy_error(PayloadTooLarge(field="body"))
    if body:
        checked = _json_text_body(event)
        if isinstance(checked, ApiError):
            return _proxy_error(checked)
        event = checked
    return app.resolve(event, context)


def caller(app: APIGatewayRestResolver) -> Caller:
    """The authenticated person, as the authorizer passed them in requestContext.authorizer."""
    context = (app.current_event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    person_id = context.get("person_id")
    if not person_id or context.get("kind", "session") != "session":
        raise Unauthorized()
    roles = frozenset(r for r in str(context.get("roles", "")).split(",") if r)
    return Caller(person_id=str(person_id), roles=roles)


def page_url(app: APIGatewayRestResolver, configured: str | None, path: str) -> str:
    """Where a link to one of our pages points (a texted link, a poster): the configured page, or (local stack) the
    page at `path` beside this API. Taken from the Host header only when nothing is configured: behind API Gateway
    that header names the API's own domain, never a value a caller chose."""
    if configured:
        return configured
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    scheme = headers.get("x-forwarded-proto", "http").split(",")[0].strip()
    return f"{scheme}://{headers.get('host', 'localhost')}{path}"


def require_role(who: Caller, role: str) -> None:
    if not who.has(role):
        raise Forbidden(f"This needs the {role} role", "无此操作权限")


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode().rstrip("=")


def page(items: list[Any], last_key: dict[str, Any] | None) -> dict[str, Any]:
    """A list's answer: the items and the cursor of the next page (null on the last)."""
    return {"items": items, "next_cursor": encode_cursor(last_key)}


def paged(found: dict[str, Any]) -> dict[str, Any]:
    """A domain answer that holds its page's `last_key`, answered with the next page's cursor instead."""
    last_key = found.pop("last_key", None)
    return found | {"next_cursor": encode_cursor(last_key)}


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
