"""Scheduled status review: people whose next_review_at has passed (a quarantine ending) are re-evaluated."""

from aws_lambda_powertools import Logger
from healthcode.recompute import review_due

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict, context: object) -> dict:
    return review_due(time_left=lambda: context.get_remaining_time_in_millis() / 1000)
