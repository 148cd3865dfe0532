"""Retried submits store once: the `Idempotency-Key` header, run through Powertools idempotency.

A client that may retry a submit (a scanner on a bad network, the H5 page after a network failure) sends an
`Idempotency-Key` header, one per submission, reused on its retries. Each operation that honours it is one
`Idempotent(function, key_fields, payload_fields)` at module level; the route calls it with a plain dict:

    NOTICE = Idempotent(_issue, key_fields=("actor_id", "idempotency_key"), payload_fields=("body",))
    answer = NOTICE({"actor_id": ..., "idempotency_key": header_key(headers), "body": {...}, ...})

- No key (None or ""): `function(request=request)` runs as it would without this module.
- First call with a key: runs the function and stores its answer (24 h) in the idempotency table under a hash of
  the operation (the function's module and name) and the values of `key_fields` - so the scope is operation +
  caller + whatever else those fields name (a venue, a subject) + the key.
- The same scope again with the same values of `payload_fields`: the stored first answer, the function does not
  run (nothing is written twice). With `mark_replayed=True` the answer gets `"replayed": true` (venue checks
  answer 200 then); otherwise it is the first answer as it was, so the route answers the same status and body.
- The same scope with other `payload_fields` values: 422 IDEMPOTENCY_KEY_REUSED naming field `Idempotency-Key`.
- While the first call still runs: 409 REQUEST_IN_PROGRESS with Retry-After: 1.
- A function that raises stores nothing, so a retry runs it again.

Handlers register the Lambda context on every `Idempotent` they serve (`use.register_lambda_context(context)`),
so an in-progress record expires with the invocation that wrote it. One persistence layer per operation:
Powertools keeps the operation's name on it, so two operations must not share one.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from healthcode.core.aws import client
from healthcode.core.config import get_config
from healthcode.core.errors import IdempotencyKeyReused, RequestInProgress, ServiceUnavailable, ValidationFailed

HEADER = "Idempotency-Key"
EXPIRES_AFTER_SECONDS = 24 * 3600
KEY_FORMAT = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
ROUTE_DOC = (f"Optional header `{HEADER}` (1-128 of A-Z a-z 0-9 . _ : -), one per submission and reused on its "
             "retries: a retry within 24 h stores nothing new and gets the first answer (same status and body); "
             "the same key with another body is 422 IDEMPOTENCY_KEY_REUSED (field Idempotency-Key); while the first "
             "is still running, 409 REQUEST_IN_PROGRESS with Retry-After.")


def header_key(headers: Mapping[str, str] | None, required: bool = False) -> str | None:
    """The request's Idempotency-Key (header names are case-insensitive): None when absent and not required."""
    value = next((v for k, v in (headers or {}).items() if k.lower() == HEADER.lower()), None)
    if value is None:
        if required:
            raise ValidationFailed(f"The {HEADER} header is required (one per submission, reused on retries)",
                                   f"缺少 {HEADER} 请求头", field=HEADER)
        return None
    if not KEY_FORMAT.match(value):
        raise ValidationFailed(f"{HEADER} must be 1-128 characters of A-Z a-z 0-9 . _ : -",
                               f"{HEADER} 格式有误", field=HEADER)
    return value


def _mark_replayed(response: Any, record: Any) -> Any:
    return response | {"replayed": True} if isinstance(response, dict) else response


def _jmespath(fields: Iterable[str]) -> str:
    return "[" + ", ".join(fields) + "]"


class Idempotent:
    """`function(request=dict)` made idempotent by `request["idempotency_key"]` (see the module docstring)."""

    def __init__(self, function: Callable[..., dict[str, Any]], key_fields: Iterable[str],
                 payload_fields: Iterable[str], mark_replayed: bool = False,
                 expires_after_seconds: int = EXPIRES_AFTER_SECONDS) -> None:
        self.function = function
        self.key_fields = tuple(key_fields)
        if "idempotency_key" not in self.key_fields:
            raise ValueError("key_fields must include idempotency_key")
        self.payload_fields = tuple(payload_fields)
        self.mark_replayed = mark_replayed
        self.expires_after_seconds = expires_after_seconds
        self._lock = threading.Lock()
        self._config: Any = None
        self._context: Any = None
        self._wrapped: Callable[..., dict[str, Any]] | None = None

    @property
    def config(self) -> Any:
        """The Powertools IdempotencyConfig of this operation (built on first use: keeps cold starts light)."""
        self._build()
        return self._config

    def register_lambda_context(self, context: Any) -> None:
        """Called by the handler per invocation; applied to the config once it is built (a call with a key)."""
        self._context = context
        if self._config is not None:
            self._config.register_lambda_context(context)

    def _build(self) -> None:
        if self._wrapped is not None:
            return
        with self._lock:
            if self._wrapped is not None:
                return
            from aws_lambda_powertools.utilities.idempotency import (
                DynamoDBPersistenceLayer,
                IdempotencyConfig,
                idempotent_function,
            )

            self._config = IdempotencyConfig(
                event_key_jmespath=_jmespath(self.key_fields),
                payload_validation_jmespath=_jmespath(self.payload_fields),
                raise_on_no_idempotency_key=True,
                expires_after_seconds=self.expires_after_seconds,
                response_hook=_mark_replayed if self.mark_replayed else None,
            )
            if self._context is not None:
                self._config.register_lambda_context(self._context)
            persistence = DynamoDBPersistenceLayer(table_name=get_config().idempotency_table,
                                                   boto3_client=client("dynamodb"))
            self._wrapped = idempotent_function(data_keyword_argument="request", config=self._config,
                                                persistence_store=persistence)(self.function)

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run the function once per scope; `request` is JSON-able and holds every key and payload field."""
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyPersistenceLayerError,
            IdempotencyValidationError,
        )

        if not request.get("idempotency_key"):
            return self.function(request=request)
        self._build()
        assert self._wrapped is not None
        try:
            return self._wrapped(request=request)
        except IdempotencyValidationError:
            raise IdempotencyKeyReused(field=HEADER) from None
        except IdempotencyAlreadyInProgressError:
            raise RequestInProgress(field=HEADER, headers={"Retry-After": "1"}) from None
        except IdempotencyPersistenceLayerError as error:
            raise ServiceUnavailable("Idempotency store unavailable", "服务繁忙，请稍后再试") from error
