"""Scheduled feed import: JSON-lines files in the bucket's inbox/ stored like API feeds, bad lines to rejects/."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from healthcode.colour.inbox import import_inbox

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path="id")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return import_inbox(time_left=lambda: context.get_remaining_time_in_millis() / 1000)
