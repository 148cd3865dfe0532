"""The devices API function: scanner devices registered by venue admins, and the devices' checks
(routes from healthcode.places.devices.routes)."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from healthcode.core import api
from healthcode.places.devices import routes as devices
from healthcode.places.devices import scanners as device_checks

logger = Logger()
metrics = Metrics()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
app = api.create_app()
app.include_router(devices.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    device_checks.CHECK_ONCE.register_lambda_context(context)
    return api.resolve(app, event, context)
