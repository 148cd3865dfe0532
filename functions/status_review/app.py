"""Scheduled status review: people whose next_review_at has passed (a quarantine ending) are re-evaluated."""

from healthcode.colour.recompute import review_due
from healthcode.core.handlers import SCHEDULED, observed


@observed(SCHEDULED)
def lambda_handler(event: dict, context: object) -> dict:
    return review_due(time_left=lambda: context.get_remaining_time_in_millis() / 1000)
