"""org_stats_stream: the declarations table's stream folded into the statistics, exactly once (one aggregator per
aggregate)."""

from aws_lambda_powertools.utilities.batch import process_partial_response
from healthcode.core.handlers import STREAM_RECORDS, observed
from healthcode.core.streams import FoldingProcessor
from healthcode.places.orgs.stats import ORG_DECLARATIONS

processor = FoldingProcessor(ORG_DECLARATIONS)


@observed(STREAM_RECORDS)
def lambda_handler(event: dict, context: object) -> dict:
    return process_partial_response(event=event, record_handler=processor.record, processor=processor, context=context)
