"""The inbound travellers API function: routes from healthcode.inbound.routes."""

from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed
from healthcode.inbound import routes as inbound

app = api.create_app(inbound.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
