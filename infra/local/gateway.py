"""The local API Gateway: chalice's dev server turns HTTP into events; routes and authorizer come from template.yaml.

Chalice builds a partial event; `proxy_event` completes it into the REST (payload 1.0) proxy event AWS sends,
and `to_chalice_response` turns Powertools' `multiValueHeaders`-only answers into what chalice writes out.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from chalice import Chalice
from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LocalDevServer, LocalGatewayException, ThreadedHTTPServer

from infra.template import ROOT, ApiRoute

from .lambdas import LoadedFunction, isolate_request_state

WEB_ROOT = ROOT / "web"
# the folders under web/ the local stack serves, one level deep: the pages' modules (core/, resident/...), vendor/
WEB_FOLDERS = tuple(sorted(path.name for path in WEB_ROOT.iterdir() if path.is_dir()))
STAGE = "live"
API_ID = "ykmlocal01"
ACCOUNT = "123456789012"
TEXT_TYPES = ("application/json", "text/", "application/x-www-form-urlencoded", "application/xml")

LocalRoute = Callable[[dict[str, Any]], dict[str, Any]]


def proxy_event(event: dict[str, Any], resource: str, stage: str = STAGE) -> dict[str, Any]:
    """Chalice's event lacks top-level httpMethod, path, resource, query strings, multiValueHeaders, base64 flag,
    and carries path parameters still percent-encoded."""
    context = event["requestContext"]
    path = context["path"]
    method = context["httpMethod"]
    headers = dict(event.get("headers") or {})
    multi_query = event.get("multiValueQueryStringParameters")
    body = event.get("body")
    is_base64 = bool(event.get("isBase64Encoded"))
    if isinstance(body, bytes):
        content_type = headers.get("content-type", "")
        if content_type.startswith(TEXT_TYPES) or not content_type:
            try:
                body = body.decode("utf-8")
            except UnicodeDecodeError:
                body, is_base64 = base64.b64encode(body).decode(), True
        else:
            body, is_base64 = base64.b64encode(body).decode(), True
    now = time.time()
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers or None,
        "multiValueHeaders": {k: [v] for k, v in headers.items()} or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} if multi_query else None,
        "multiValueQueryStringParameters": multi_query or None,
        # API Gateway hands path parameters over percent-decoded (the path itself stays as sent); chalice does not
        "pathParameters": {k: unquote(v) for k, v in (event.get("pathParameters") or {}).items()} or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": resource,
            "httpMethod": method,
            "extendedRequestId": str(uuid.uuid4()),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "path": f"/{stage}{path}",
            "accountId": ACCOUNT,
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": "localhost",
            "requestTimeEpoch": int(now * 1000),
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": context.get("identity", {}).get("sourceIp", "127.0.0.1"),
                         "userAgent": headers.get("user-agent"), "apiKey": None},
            "domainName": "localhost",
            "apiId": API_ID,
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def authorizer_event(event: dict[str, Any]) -> dict[str, Any]:
    method, resource = event["httpMethod"], event["resource"]
    return {
        "type": "REQUEST",
        "methodArn": f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{API_ID}/{STAGE}/{method}{resource}",
        "resource": resource, "path": event["path"], "httpMethod": method,
        "headers": event["headers"] or {}, "multiValueHeaders": event["multiValueHeaders"] or {},
        "queryStringParameters": event["queryStringParameters"] or {},
        "multiValueQueryStringParameters": event["multiValueQueryStringParameters"] or {},
        "pathParameters": event["pathParameters"] or {}, "stageVariables": {},
        "requestContext": event["requestContext"],
    }


def to_chalice_response(response: dict[str, Any]) -> dict[str, Any]:
    headers: dict[str, Any] = dict(response.get("headers") or {})
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = values[0] if len(values) == 1 else values
    return {"statusCode": response.get("statusCode", 200), "headers": headers, "multiValueHeaders": {},
            "body": response.get("body"), "isBase64Encoded": response.get("isBase64Encoded", False)}


def _policy_allows(policy: dict[str, Any], method_arn: str) -> bool:
    import fnmatch

    allowed = False
    for statement in policy.get("policyDocument", {}).get("Statement", []):
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if any(fnmatch.fnmatchcase(method_arn, pattern) for pattern in resources):
            if statement.get("Effect") == "Deny":
                return False
            allowed = True
    return allowed


class TokenBuckets:
    """Usage-plan throttling as API Gateway does it: a token bucket per API key and method (rate/s, burst)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.buckets: dict[tuple[str, ...], tuple[float, float]] = {}
        self.lock = threading.Lock()

    def take(self, key: tuple[str, ...], rate: float, burst: float) -> bool:
        with self.lock:
            now = self.clock()
            tokens, last = self.buckets.get(key, (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            allowed = tokens >= 1
            self.buckets[key] = (tokens - 1 if allowed else tokens, now)
            return allowed


def render_gateway_template(template: str, message: str) -> str:
    """A gateway response body as API Gateway renders it: `$context.error.messageString` becomes the message as a
    JSON string *with* its quotes (`$context.error.message` is the bare text). A template that quotes the variable
    again ("$context.error.messageString") renders as invalid JSON in AWS, and here too."""
    return (template.replace("$context.error.messageString", json.dumps(message, ensure_ascii=False))
            .replace("$context.error.message", message))


class GatewayError(LocalGatewayException):
    def __init__(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.CODE = code
        self.headers = {"Content-Type": "application/json"} | (headers or {})
        self.body = body


HEALTH = ("/v1/health", "GET")


def starting() -> dict[str, Any]:
    """The local stack's answer to GET /v1/health while it is still starting: the API's NOT_READY."""
    body = {"error": {"code": "NOT_READY", "message": "The local stack is starting (seeding demo data)",
                      "message_zh": "本地环境正在启动（正在写入演示数据），请稍后再试",
                      "details": {"waiting_for": ["local stack"]}}}
    return {"statusCode": 503, "headers": {"Content-Type": "application/json", "Retry-After": "1"},
            "body": json.dumps(body, ensure_ascii=False)}


class TemplateGateway(Chalice):
    """A Chalice app whose routes are the template's; calls go to the template's Lambda handlers."""

    def __init__(self, routes: list[ApiRoute], functions: dict[str, LoadedFunction], authorizer: LoadedFunction | None,
                 gateway_responses: dict[str, Any], local_routes: dict[tuple[str, str], LocalRoute],
                 ready: threading.Event | None = None) -> None:
        super().__init__(app_name="yuekang-local")
        # Set by the local stack once it has started completely (demo data seeded): until then GET /v1/health
        # answers 503, while every other route already serves (the seeding itself calls some of them).
        self.ready = ready
        self.functions = functions
        self.authorizer = authorizer
        self.responses = gateway_responses
        self.local_routes = local_routes
        self.buckets = TokenBuckets()
        # LOCAL_MAX_WAITING=N: a function with N requests already at it (running or waiting) answers THROTTLED (429) at once, as
        # API Gateway's throttle and Lambda's concurrency limit do, instead of queueing without bound (the local
        # stack runs each function one event at a time). Unset: no limit (tests rely on queueing).
        limit = os.environ.get("LOCAL_MAX_WAITING", "").strip()
        self.max_waiting = int(limit) if limit else None
        self.waiting: dict[str, int] = {}
        self.waiting_lock = threading.Lock()
        # A Lambda container handles one event at a time; the local stack runs every function in one process, in
        # the gateway's threads. Powertools keeps the request being resolved in state that assumes the former: the
        # event in class attributes shared by every resolver (made per thread by load_function) and the
        # route's arguments in the resolver's context, per function (hence LoadedFunction.invoke runs one event at
        # a time, as one container would). Without both, concurrent requests read each other's event: under load a
        # check was answered "qr: Field required".
        isolate_request_state()  # load_function did already; a gateway built around other functions needs it too
        self.table: dict[tuple[str, str], ApiRoute] = {}
        by_path: dict[str, list[str]] = {}
        for route in routes:
            self.table[(route.path, route.method)] = route
            by_path.setdefault(route.path, []).append(route.method)
        for path, method in local_routes:
            by_path.setdefault(path, []).append(method)
        for path, methods in by_path.items():
            self.route(path, methods=sorted(set(methods)), name=f"r{len(self.routes)}")(lambda: None)

    def gateway_response(self, kind: str, default_status: int, message: str) -> dict[str, Any]:
        """Render the template's GatewayResponses, as API Gateway would for its own rejections."""
        default = "DEFAULT_5XX" if default_status >= 500 else "DEFAULT_4XX"  # as AWS falls back for its own types
        spec = self.responses.get(kind) or self.responses.get(default) or {}
        body = (spec.get("ResponseTemplates") or {}).get("application/json")
        if body is None:
            body = json.dumps({"message": message})
        body = render_gateway_template(body, message)
        status = int(spec.get("StatusCode", default_status))
        headers = {"Content-Type": "application/json"}
        for name, value in ((spec.get("ResponseParameters") or {}).get("Headers") or {}).items():
            headers[name] = str(value).strip("'")  # a static value is quoted, as API Gateway writes it
        return {"statusCode": status, "headers": headers, "multiValueHeaders": {}, "body": body}

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        resource = event["requestContext"]["resourcePath"]
        event = proxy_event(event, resource)
        method = event["httpMethod"]
        if (resource, method) == HEALTH and self.ready is not None and not self.ready.is_set():
            return to_chalice_response(starting())
        local = self.local_routes.get((resource, method))
        if local is not None:
            return to_chalice_response(local(event))
        route = self.table.get((resource, method))
        if route is None:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token")
        if route.authorized and self.authorizer is not None:
            request = authorizer_event(event)
            try:
                policy = self.authorizer.invoke(request)
            except Exception as exc:  # noqa: BLE001 - the authorizer signals 401 by raising "Unauthorized"
                if str(exc) == "Unauthorized":
                    return self.gateway_response("UNAUTHORIZED", 401, "Unauthorized")
                return self.gateway_response("AUTHORIZER_FAILURE", 500, "Authorizer failed")
            if not _policy_allows(policy, request["methodArn"]):
                return self.gateway_response("ACCESS_DENIED", 403, "User is not authorized to access this resource")
            event["requestContext"]["authorizer"] = dict(policy.get("context") or {}) | {
                "principalId": policy.get("principalId")}
        if route.api_key_required:
            api_key = next((v for k, v in (event["headers"] or {}).items() if k.lower() == "x-api-key"), None)
            if not api_key:
                return self.gateway_response("API_KEY", 403, "Forbidden")
            event["requestContext"]["identity"]["apiKey"] = api_key
            if route.throttle and not self.buckets.take((api_key, resource, method), *route.throttle):
                return self.gateway_response("THROTTLED", 429, "Too Many Requests")
        function = self.functions[route.function]
        if self.max_waiting is not None:
            with self.waiting_lock:
                if self.waiting.get(route.function, 0) >= self.max_waiting:
                    return self.gateway_response("THROTTLED", 429, "Too Many Requests")
                self.waiting[route.function] = self.waiting.get(route.function, 0) + 1
        try:
            return to_chalice_response(function.invoke(event))
        except Exception:  # noqa: BLE001 - a crashed Lambda is a 502 at the gateway
            import logging

            logging.getLogger("infra.local").exception("function %s failed", route.function)
            return self.gateway_response("DEFAULT_5XX", 502, "Internal server error")
        finally:
            if self.max_waiting is not None:
                with self.waiting_lock:
                    self.waiting[route.function] -= 1


def static_route(web_root: Path = WEB_ROOT) -> LocalRoute:
    def serve(event: dict[str, Any]) -> dict[str, Any]:
        relative = event["path"].lstrip("/") or "index.html"
        target = (web_root / relative).resolve()
        if target.is_dir() and web_root.resolve() in target.parents and (target / "index.html").is_file():
            if not event["path"].endswith("/"):  # /console -> /console/, so the page's relative paths resolve
                return {"statusCode": 301, "headers": {"Location": event["path"] + "/"}, "body": ""}
            target = target / "index.html"  # a folder's page (/console/), as the distribution's function answers
        if web_root.resolve() not in target.parents or not target.is_file():
            return {"statusCode": 404, "headers": {"Content-Type": "text/plain"}, "body": "not found"}
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            content_type += "; charset=utf-8"
        return {"statusCode": 200, "headers": {"Content-Type": content_type, "Cache-Control": "no-cache"},
                "body": base64.b64encode(target.read_bytes()).decode(), "isBase64Encoded": True}

    return serve


class _Handler(ChaliceRequestHandler):
    """Chalice answers unknown routes itself; answer them with the template's gateway response instead."""

    gateway: TemplateGateway

    def parse_request(self) -> bool:
        """Chalice writes 127.0.0.1 into every event; API Gateway gives `identity.sourceIp` the connection's
        address (the per-address limits of healthcode.core.ratelimit count by it). One handler per connection."""
        self.local_gateway.event_converter.LOCAL_SOURCE_IP = self.client_address[0]
        return super().parse_request()

    def _send_error_response(self, error: LocalGatewayException) -> None:
        if isinstance(error, GatewayError):
            return super()._send_error_response(error)
        answer = self.server.gateway.gateway_response(  # type: ignore[attr-defined]
            "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token")
        self._send_http_response(answer["statusCode"], dict(answer["headers"]), answer["body"])

    def __getattr__(self, name: str) -> Any:
        """Methods chalice does not serve (TRACE, CONNECT, made-up ones) get the no-such-route answer, not a 501."""
        if name.startswith("do_"):
            return self._no_such_method
        raise AttributeError(name)

    def _no_such_method(self) -> None:
        length = self.headers.get("content-length", "0")
        if length.isdigit() and int(length) > 0:
            self.rfile.read(int(length))
        self._send_error_response(LocalGatewayException({}))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep the console quiet
        pass


class _Server(ThreadedHTTPServer):
    """socketserver listens with a backlog of 5: a burst of new connections (a load test ramping up) is reset."""

    request_queue_size = 128


def serve(app: TemplateGateway, host: str, port: int) -> LocalDevServer:
    config = Config.create(lambda_timeout=30)
    server = LocalDevServer(app, config, host, port, handler_cls=_Handler, server_cls=_Server)
    server.server.gateway = app  # type: ignore[attr-defined]
    return server
