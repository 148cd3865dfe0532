"""The declarations API function: routes from healthcode.residents.routes.declarations."""

from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed
from healthcode.residents.declarations import DECLARE_ONCE
from healthcode.residents.routes import declarations

app = api.create_app(declarations.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    DECLARE_ONCE.register_lambda_context(context)
    return api.resolve(app, event, context)
