"""The macau API function: routes from healthcode.residents.routes.macau."""

from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed
from healthcode.residents.routes import macau

app = api.create_app(macau.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
