"""Scheduled status review: people whose next_review_at has passed (a quarantine ending) are re-evaluated."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from healthcode.colour.recompute import review_due

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path="id")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return review_due(time_left=lambda: context.get_remaining_time_in_millis() / 1000)
