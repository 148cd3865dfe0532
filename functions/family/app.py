"""The family API function: routes from healthcode.residents.routes.family."""

from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed
from healthcode.residents.routes import family

app = api.create_app(family.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
