"""grid_key_persons: the people table's stream - a colour change moves the person's key-person entry in every grid
that collected them (healthcode.places.grids.keypersons)."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from healthcode.places.grids import keypersons

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path="Records[0].eventID")
@tracer.capture_lambda_handler(capture_response=False)  # records carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    records = event.get("Records") or []
    metrics.add_metric(name="ColourChangesSeen", unit=MetricUnit.Count,
                       value=sum(1 for record in records if keypersons.changed(record)))
    return keypersons.handle(event, context)
