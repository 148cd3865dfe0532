"""The devices API function: scanner devices registered by venue admins, and the devices' checks
(routes from healthcode.routes.devices)."""

from aws_lambda_powertools import Logger, Metrics
from healthcode import api, devices
from healthcode.routes import devices as routes

logger = Logger()
metrics = Metrics()
app = api.create_app()
app.include_router(routes.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    devices.CHECK_ONCE.register_lambda_context(context)
    return api.resolve(app, event, context)
