"""The venue checks API function: routes from healthcode.routes.venue_checks (checks, quick check-in)."""

from aws_lambda_powertools import Logger, Metrics
from healthcode import api
from healthcode.routes import venue_checks
from healthcode.venues.checks import idempotency_config

logger = Logger()
metrics = Metrics()
app = api.create_app()
app.include_router(venue_checks.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    idempotency_config().register_lambda_context(context)
    return api.resolve(app, event, context)
