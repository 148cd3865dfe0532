"""The declarations API function: routes from healthcode.routes.declarations."""

from aws_lambda_powertools import Logger, Metrics
from healthcode import api
from healthcode.declarations import DECLARE_ONCE
from healthcode.routes import declarations

logger = Logger()
metrics = Metrics()
app = api.create_app()
app.include_router(declarations.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    DECLARE_ONCE.register_lambda_context(context)
    return api.resolve(app, event, context)
