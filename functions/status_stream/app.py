"""status_stream: health_events stream -> each touched person's colour recomputed once per batch."""

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from healthcode.colour.recompute import StreamBatch
from healthcode.core.handlers import STREAM_RECORDS, observed

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@observed(STREAM_RECORDS)
def lambda_handler(event: dict, context: object) -> dict:
    batch = StreamBatch(event.get("Records", []))
    return process_partial_response(event=event, record_handler=batch.handle, processor=processor, context=context)
