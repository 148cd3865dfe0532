"""The medical API function: routes from healthcode.routes.medical."""

from aws_lambda_powertools import Logger
from healthcode import api
from healthcode.medical import NOTICE_ONCE
from healthcode.routes import medical

logger = Logger()
app = api.create_app()
app.include_router(medical.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict, context: object) -> dict:
    NOTICE_ONCE.register_lambda_context(context)
    return api.resolve(app, event, context)
