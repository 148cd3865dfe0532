"""stats_stream: the checks table's stream folded into venue and inspector statistics, exactly once."""

from aws_lambda_powertools import Logger, Tracer
from healthcode.places.venues import stats

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda


@logger.inject_lambda_context(correlation_id_path="Records[0].eventID")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
def lambda_handler(event: dict, context: object) -> dict:
    return stats.handle(event, context)
