"""GET /v1/health, GET /v1/keys (JWK Set), GET /v1/catalogue (the health forms' words) and GET /v1/openapi.json (one
document for every function)."""

from __future__ import annotations

import importlib
import json
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.metrics import MetricUnit

from healthcode.codes.tokens import get_keyring
from healthcode.models import catalogue

router = Router()
metrics = Metrics()

#: every function's router (each subject package holds its routes); a test checks no router is left out
ROUTERS = (
    "healthcode.identity.routes.login",
    "healthcode.identity.routes.sms_login",
    "healthcode.colour.routes",
    "healthcode.codes.routes.display",
    "healthcode.codes.routes.printed",
    "healthcode.codes.routes.scan",
    "healthcode.residents.routes.declarations",
    "healthcode.residents.routes.family",
    "healthcode.residents.routes.records",
    "healthcode.residents.routes.itinerary",
    "healthcode.residents.routes.macau",
    "healthcode.inbound.routes",
    "healthcode.medical.routes",
    "healthcode.places.venues.routes.places",
    "healthcode.places.venues.routes.checks",
    "healthcode.places.orgs.routes",
    "healthcode.places.devices.routes",
    "healthcode.places.grids.routes",
    "healthcode.meta.routes",
)


@router.get("/v1/health", summary="Readiness: 200 once the stack can serve, 503 NOT_READY (Retry-After) before",
            description="In AWS the stack is ready once `python -m infra.keys init` has put the session, lookup "
                        "and code-signing keys in the application secret (no code can be shown or verified "
                        "before); the local stack also answers 503 until its demo data is seeded.",
            tags=["meta"], responses={200: {"description": "Ready"},
                                      503: {"description": "NOT_READY: error.details.waiting_for names what"}})
def get_health() -> dict[str, str]:
    from healthcode.core.errors import NotReady

    try:
        ready()
    except NotReady:
        metrics.add_metric(name="NotReady", unit=MetricUnit.Count, value=1)
        raise
    return {"status": "ok"}


def ready() -> None:
    """Raise NOT_READY unless the application secret holds its keys (read once per container when it does)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from healthcode.core.errors import NotReady
    from healthcode.core.secrets import get_secret

    try:
        get_secret()
    except (RuntimeError, ValueError, ClientError, BotoCoreError):  # placeholder secret, unreadable or absent
        raise NotReady(["keys"]) from None


@router.get("/v1/keys", summary="Public keys that verify codes offline (RFC 8037 JWK Set)", tags=["meta"])
def get_keys() -> dict[str, Any]:
    keys = get_keyring().jwks()
    metrics.add_metric(name="PublicKeysServed", unit=MetricUnit.Count, value=1)
    return keys


CATALOGUE_MAX_AGE = 3600  # seconds: the lists change with a deployment, and a page keeps its last copy offline


@router.get("/v1/catalogue", summary="The health forms' words: declaration types, symptoms, questions, Macau ports",
            description="The one catalogue (healthcode.models.catalogue) the pages render their forms from; public and "
                        "cacheable. A question's `risk` says whether a yes is a declared risk.", tags=["meta"])
def get_catalogue() -> Response[dict[str, Any]]:
    return Response(status_code=200, content_type="application/json", body=catalogue.served(),
                    headers={"Cache-Control": f"public, max-age={CATALOGUE_MAX_AGE}"})


ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message", "message_zh"],
        "properties": {
            "code": {"type": "string", "description": "stable, machine-readable (VALIDATION_ERROR, NOT_FOUND, ...)"},
            "message": {"type": "string"},
            "message_zh": {"type": "string"},
            "field": {"type": "string", "description": "the request field at fault, where there is one"},
            "details": {"type": "object"},
        },
    }},
}
# What any operation may answer besides its success, all in the one error model (the API's own answers and
# the gateway's, see GatewayResponses in template.yaml). 409 only where something is written.
ERRORS = {
    "400": "Invalid request: error.field names the field (VALIDATION_ERROR, BODY_TOO_LARGE, ...)",
    "401": "Session missing, expired or invalid, or identity not verified",
    "403": "Not allowed (role, API key)",
    "404": "No such resource or route",
    "409": "Conflict with the current state (EDIT_LIMIT, ...)",
    "415": "The body is not JSON",
    "429": "Too many requests (Retry-After says when to try again)",
}
WRITES = {"post", "put", "patch", "delete"}
# Writes that honour the Idempotency-Key header (healthcode.core.idempotency): (path, method) -> header required
IDEMPOTENT_OPERATIONS = {("/v1/venues/{id}/checks", "post"): True, ("/v1/quick-checkin", "post"): False,
                         ("/v1/me/declarations", "post"): False, ("/v1/medical/notices", "post"): False,
                         ("/v1/device/checks", "post"): True}


def _with_error_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Powertools documents a 422 with its own body; this API answers 400 and friends in its error model."""
    from healthcode.core.idempotency import HEADER, KEY_FORMAT

    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            if (path, method) in IDEMPOTENT_OPERATIONS:
                operation.setdefault("parameters", []).append({
                    "name": HEADER, "in": "header", "required": IDEMPOTENT_OPERATIONS[(path, method)],
                    "description": "One per submission, reused on its retries (24 h)",
                    "schema": {"type": "string", "pattern": KEY_FORMAT.pattern}})
                responses["422"] = {"description": "IDEMPOTENCY_KEY_REUSED: this key came with another body",
                                    "content": {"application/json": {"schema": ref}}}
            if path.startswith("/v1/device/"):  # scanner devices: their key, which the authorizer checks
                operation.setdefault("parameters", []).append({
                    "name": "x-device-key", "in": "header", "required": True,
                    "description": "The device's key (ykd1.<device_id>.<secret>), shown once at registration",
                    "schema": {"type": "string"}})
            if "204" in responses:  # no content, by definition (Powertools adds an empty JSON one)
                responses["204"].pop("content", None)
            for status, answer in responses.items():  # a route's own 5xx (NOT_READY, DISPLAY_FAILED): the model
                if str(status).startswith("5"):
                    answer["content"] = {"application/json": {"schema": ref}}
            for status, description in ERRORS.items():
                if status == "409" and method not in WRITES or status == "415" and "requestBody" not in operation:
                    continue
                responses.setdefault(status, {"description": description,
                                              "content": {"application/json": {"schema": ref}}})
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(unused, None)
    schemas["Error"] = ERROR_SCHEMA
    return document


@lru_cache(maxsize=1)
def openapi_document() -> str:
    """Every router of every function, in one resolver, gives one OpenAPI document."""
    from healthcode.core.api import create_app

    app = create_app()
    for name in ROUTERS:
        app.include_router(importlib.import_module(name).router)
    document = json.loads(app.get_openapi_json_schema(
        title="Yuekang Code API", version="1.0.0",
        description="粤康码 v1 API. Errors: {error: {code, message, message_zh, field?}}.",
    ))
    return json.dumps(_with_error_responses(document), ensure_ascii=False)


@router.get("/v1/openapi.json", summary="This API's OpenAPI document", tags=["meta"], include_in_schema=False)
def get_openapi() -> Any:
    return Response(status_code=200, content_type="application/json", body=openapi_document())
