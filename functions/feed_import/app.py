"""Scheduled feed import: JSON-lines files in the bucket's inbox/ stored like API feeds, bad lines to rejects/."""

from healthcode.colour.inbox import import_inbox
from healthcode.core.handlers import SCHEDULED, observed


@observed(SCHEDULED)
def lambda_handler(event: dict, context: object) -> dict:
    return import_inbox(time_left=lambda: context.get_remaining_time_in_millis() / 1000)
