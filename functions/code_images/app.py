"""code_images: people stream -> the printable black code re-rendered into S3 when colour or code version changes."""

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from healthcode.codes.printed import on_person_change
from healthcode.core.handlers import STREAM_RECORDS, observed

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> str | None:
    return on_person_change(record.event_name.name, record.dynamodb.old_image, record.dynamodb.new_image)


@observed(STREAM_RECORDS)
def lambda_handler(event: dict, context: object) -> dict:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
