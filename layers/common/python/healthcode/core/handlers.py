"""What every function's handler is wrapped in: Powertools' logging context, X-Ray tracing and metrics, in one
decorator, so that `functions/<name>/app.py` is `@observed(API_REQUEST)` and the body that resolves.

Metrics added anywhere (`metrics` here, or a `Metrics()` of a routes or stream module) are flushed by the handler's
decorator: Powertools' Metrics instances share one metric set, printed as one EMF blob when the invocation ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics, Tracer

Handler = TypeVar("Handler", bound=Callable[..., Any])

#: where each kind of event carries the id a handler's log lines are correlated by
API_REQUEST = "requestContext.requestId"  # API Gateway requests, the authorizer's included
STREAM_RECORDS = "Records[0].eventID"  # DynamoDB streams: the batch's first record
SCHEDULED = "id"  # EventBridge schedules

metrics = Metrics()  # for a handler's own metrics (the authorizer's decisions, a stream's count)


def observed(correlation_id_path: str) -> Callable[[Handler], Handler]:
    """Log lines correlated by the event's id at `correlation_id_path` and carrying the Lambda context, the
    invocation traced (its answer not: answers carry personal data), the metrics flushed at its end."""

    def wrap(handler: Handler) -> Handler:
        # Made here, at the function's import (its cold start), not once for the layer: they read the function's
        # POWERTOOLS_SERVICE_NAME then, and the local stack imports every function into one process.
        logger, tracer, flusher = Logger(), Tracer(), Metrics()
        flushed = flusher.log_metrics(handler)
        traced = tracer.capture_lambda_handler(flushed, capture_response=False)
        return logger.inject_lambda_context(traced, correlation_id_path=correlation_id_path)

    return wrap
