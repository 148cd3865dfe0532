"""Scheduled grid purge: every grid being dissolved is purged on, without waiting for its admin to call again."""

from aws_lambda_powertools.metrics import MetricUnit
from healthcode.core.handlers import SCHEDULED, metrics, observed
from healthcode.places.grids.purge import resume_dissolving


@observed(SCHEDULED)
def lambda_handler(event: dict, context: object) -> dict:
    counts = resume_dissolving(time_left=lambda: context.get_remaining_time_in_millis() / 1000)
    metrics.add_metric(name="GridPurgesResumed", unit=MetricUnit.Count, value=counts["grids"])
    metrics.add_metric(name="GridsDissolved", unit=MetricUnit.Count, value=counts["dissolved"])
    return counts
