"""Scheduled feed import: JSON-lines files in the bucket's inbox/ stored like API feeds, bad lines to rejects/."""

from aws_lambda_powertools import Logger
from healthcode.inbox import import_inbox

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict, context: object) -> dict:
    return import_inbox(time_left=lambda: context.get_remaining_time_in_millis() / 1000)
