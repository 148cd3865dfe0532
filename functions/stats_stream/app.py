"""stats_stream: the checks table's stream folded into venue and inspector statistics, exactly once."""

from aws_lambda_powertools import Logger
from healthcode.venues import stats

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict, context: object) -> dict:
    return stats.handle(event, context)
