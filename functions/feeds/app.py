"""The feeds API function: routes from healthcode.colour.routes."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from healthcode.colour import routes as feeds
from healthcode.colour.feeds import MAX_BODY_BYTES
from healthcode.core import api

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
metrics = Metrics()
app = api.create_app()
app.include_router(feeds.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context, max_body_bytes=MAX_BODY_BYTES)
