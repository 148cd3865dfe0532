"""The auth API function: routes from healthcode.routes.auth and healthcode.routes.auth_sms."""

from aws_lambda_powertools import Logger
from healthcode import api
from healthcode.routes import auth, auth_sms

logger = Logger()
app = api.create_app()
app.include_router(auth.router)
app.include_router(auth_sms.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
