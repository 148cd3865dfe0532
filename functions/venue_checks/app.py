"""The venue checks API function: routes from healthcode.places.venues.routes.checks (checks, quick check-in)."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from healthcode.core import api
from healthcode.places.venues import checks
from healthcode.places.venues.routes import checks as venue_checks

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
metrics = Metrics()
app = api.create_app()
app.include_router(venue_checks.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    checks.CHECK_ONCE.register_lambda_context(context)
    checks.QUICK_CHECKIN_ONCE.register_lambda_context(context)
    return api.resolve(app, event, context)
