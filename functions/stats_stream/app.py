"""stats_stream: the checks table's stream (venue checks, grid collections) folded into the statistics, exactly once (one aggregator per aggregate)."""

from aws_lambda_powertools.utilities.batch import process_partial_response
from healthcode.core.handlers import STREAM_RECORDS, observed
from healthcode.core.streams import FoldingProcessor
from healthcode.places.grids.stats import GRID_COLLECTIONS
from healthcode.places.venues.stats import VENUE_CHECKS

processor = FoldingProcessor(VENUE_CHECKS, GRID_COLLECTIONS)


@observed(STREAM_RECORDS)
def lambda_handler(event: dict, context: object) -> dict:
    return process_partial_response(event=event, record_handler=processor.record, processor=processor, context=context)
