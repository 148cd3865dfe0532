"""The grids API function: routes from healthcode.places.grids.routes (grid admins, superiors, grid workers)."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from healthcode.core import api
from healthcode.places.grids import routes

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
metrics = Metrics()
app = api.create_app()
app.include_router(routes.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
