"""The declarations API function: routes from healthcode.residents.routes.declarations."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from healthcode.core import api
from healthcode.residents.declarations import DECLARE_ONCE
from healthcode.residents.routes import declarations

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
metrics = Metrics()
app = api.create_app()
app.include_router(declarations.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    DECLARE_ONCE.register_lambda_context(context)
    return api.resolve(app, event, context)
