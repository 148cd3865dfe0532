"""stats_stream: the checks table's stream (venue checks, grid collections) folded into the statistics, exactly once (one aggregator per aggregate)."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.batch import process_partial_response
from healthcode.core.streams import FoldingProcessor
from healthcode.places.grids.stats import GRID_COLLECTIONS
from healthcode.places.venues.stats import VENUE_CHECKS

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
metrics = Metrics()
processor = FoldingProcessor(VENUE_CHECKS, GRID_COLLECTIONS)


@logger.inject_lambda_context(correlation_id_path="Records[0].eventID")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return process_partial_response(event=event, record_handler=processor.record, processor=processor, context=context)
