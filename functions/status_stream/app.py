"""status_stream: health_events stream -> each touched person's colour recomputed once per batch."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from healthcode.colour.recompute import StreamBatch

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@logger.inject_lambda_context(correlation_id_path="Records[0].eventID")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    batch = StreamBatch(event.get("Records", []))
    return process_partial_response(event=event, record_handler=batch.handle, processor=processor, context=context)
