"""The scan API function: routes from healthcode.codes.routes.scan."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from healthcode.codes.routes import scan
from healthcode.core import api, shedding

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
metrics = Metrics()
app = api.create_app()
app.use(middlewares=[shedding.shed_load])  # 429/503 with Retry-After, not a timeout, under overload
app.include_router(scan.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
