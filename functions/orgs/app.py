"""The organizations API function: routes from healthcode.routes.orgs (admins, members, statistics, reports)."""

from aws_lambda_powertools import Logger
from healthcode import api
from healthcode.routes import orgs

logger = Logger()
app = api.create_app()
app.include_router(orgs.router)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
