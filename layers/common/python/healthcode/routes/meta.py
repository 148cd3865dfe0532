"""GET /v1/health, GET /v1/keys (JWK Set) and GET /v1/openapi.json (one document for every function)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from ..tokens import get_keyring

router = Router()


@router.get("/v1/health", summary="Liveness", tags=["meta"])
def get_health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/v1/keys", summary="Public keys that verify codes offline (RFC 8037 JWK Set)", tags=["meta"])
def get_keys() -> dict[str, Any]:
    return get_keyring().jwks()


@lru_cache(maxsize=1)
def openapi_document() -> str:
    """Every router of every function, in one resolver, gives one OpenAPI document."""
    from .. import routes
    from ..api import create_app

    app = create_app()
    for module_info in pkgutil.iter_modules(routes.__path__):
        module = importlib.import_module(f"{routes.__name__}.{module_info.name}")
        if getattr(module, "router", None) is not None:
            app.include_router(module.router)
    return app.get_openapi_json_schema(
        title="Yuekang Code API", version="1.0.0",
        description="粤康码 v1 API. Errors: {error: {code, message, message_zh}}.",
    )


@router.get("/v1/openapi.json", summary="This API's OpenAPI document", tags=["meta"], include_in_schema=False)
def get_openapi() -> Any:
    from aws_lambda_powertools.event_handler import Response

    return Response(status_code=200, content_type="application/json", body=openapi_document())
