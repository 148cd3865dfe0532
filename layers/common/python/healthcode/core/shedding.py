"""Shedding load instead of failing (issue 13, "The code survives the peak").

On 10 January 2022 the code route timed out under the peak and phones showed a blank 亮码失败. Here the code route
(and the scan preview) answer fast when they cannot do the work: 429 with Retry-After when DynamoDB throttles
(ProvisionedThroughputExceeded, ThrottlingException, RequestLimitExceeded: botocore has already retried) or when the
invocation has too little time left to finish; 503 with Retry-After when DynamoDB does not answer in time. The page
treats both as the offline case and shows the code it stored (web/core/lastcode.js); its retries wait at least
Retry-After, which is jittered here so that a crowd of phones told to come back does not come back together.

API Gateway's own throttle (the stage's MethodSettings) answers 429 before any Lambda runs, with the same Retry-After
header (GatewayResponses THROTTLED in template.yaml).

Installed per function: `api.create_app(router, middlewares=[shedding.shed_load])`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError
from pynamodb.exceptions import PynamoDBException

from healthcode.core.errors import ApiError, Overloaded, StorageUnavailable

logger = Logger(child=True)
metrics = Metrics()

THROTTLE_CODES = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException",
                            "RequestLimitExceeded", "TooManyRequestsException"})
MIN_REMAINING_MS = 1500  # below this the work (a read, a signature, a write) risks the Lambda's timeout
RETRY_AFTER_SECONDS = (2, 6)  # jittered, so the phones told to come back spread out


def retry_after() -> int:
    return random.randint(*RETRY_AFTER_SECONDS)  # noqa: S311 - spreading retries, not a secret


def _causes(error: BaseException) -> list[BaseException]:
    """The error, what it wraps (PynamoDB's .cause) and its chain (__cause__, __context__), each once."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        pending += [getattr(current, "cause", None), current.__cause__, current.__context__]
    return seen


def is_throttled(error: BaseException) -> bool:
    for cause in _causes(error):
        response = getattr(cause, "response", None) if isinstance(cause, ClientError) else None
        if isinstance(cause, PynamoDBException):  # its cause_response_code fails on a cause without a response
            response = getattr(cause.cause, "response", None)
        if isinstance(response, dict) and (response.get("Error") or {}).get("Code") in THROTTLE_CODES:
            return True
    return False


def is_timed_out(error: BaseException) -> bool:
    return any(isinstance(cause, ConnectTimeoutError | ReadTimeoutError) for cause in _causes(error))


def shed_load(app: Any, next_middleware: Callable[..., Response]) -> Response:
    """Route middleware: 429 before starting work there is no time left for; 429 / 503 (with Retry-After) for a
    throttled or silent DynamoDB, instead of a timeout or a 502."""
    context = getattr(app, "lambda_context", None)
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if callable(remaining) and remaining() < MIN_REMAINING_MS:
        metrics.add_metric(name="LoadShed", unit=MetricUnit.Count, value=1)
        raise Overloaded(retry_after())
    try:
        return next_middleware(app)
    except (PynamoDBException, ClientError, ApiError) as error:
        # a server fault (codes' DISPLAY_FAILED, logged as a failed display: FAQ 2) whose cause is an overloaded or
        # silent DynamoDB is overload too: the page is told when to come back instead of a bare 503; a 4xx passes
        if isinstance(error, ApiError) and error.status < 500:
            raise
        if is_throttled(error):
            logger.warning("shedding: DynamoDB throttled", extra={"route": app.current_event.resource})
            metrics.add_metric(name="LoadShed", unit=MetricUnit.Count, value=1)
            raise Overloaded(retry_after()) from error
        if is_timed_out(error):
            logger.warning("shedding: DynamoDB timed out", extra={"route": app.current_event.resource})
            raise StorageUnavailable(headers={"Retry-After": str(retry_after())}) from error
        raise
