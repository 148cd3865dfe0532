"""grid_key_persons: the people table's stream - a colour change moves the person's key-person entry in every grid
that collected them (healthcode.places.grids.keypersons)."""

from aws_lambda_powertools.metrics import MetricUnit
from healthcode.core.handlers import STREAM_RECORDS, metrics, observed
from healthcode.places.grids import keypersons


@observed(STREAM_RECORDS)
def lambda_handler(event: dict, context: object) -> dict:
    records = event.get("Records") or []
    metrics.add_metric(name="ColourChangesSeen", unit=MetricUnit.Count,
                       value=sum(1 for record in records if keypersons.changed(record)))
    return keypersons.handle(event, context)
