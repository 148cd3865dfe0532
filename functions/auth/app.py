"""The auth API function: routes from healthcode.identity.routes.login and healthcode.identity.routes.sms_login."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from healthcode.core import api
from healthcode.identity.routes import login as auth
from healthcode.identity.routes import sms_login as auth_sms

logger = Logger()
tracer = Tracer()  # X-Ray (Tracing: Active); no-op where POWERTOOLS_TRACE_DISABLED or outside Lambda
metrics = Metrics()
app = api.create_app()
app.include_router(auth.router)
app.include_router(auth_sms.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler(capture_response=False)  # answers carry personal data: not into traces
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
