"""Scheduled grid purge: every grid being dissolved is purged on, without waiting for its admin to call again."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from healthcode.places.grids.purge import resume_dissolving

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path="id")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    counts = resume_dissolving(time_left=lambda: context.get_remaining_time_in_millis() / 1000)
    metrics.add_metric(name="GridPurgesResumed", unit=MetricUnit.Count, value=counts["grids"])
    metrics.add_metric(name="GridsDissolved", unit=MetricUnit.Count, value=counts["dissolved"])
    return counts
