"""org_stats_stream: the declarations table's stream folded into organization statistics, exactly once."""

from aws_lambda_powertools import Logger
from healthcode.orgs import stats

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict, context: object) -> dict:
    return stats.handle(event, context)
