"""The meta API function: routes from healthcode.meta.routes."""

from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed
from healthcode.meta import routes as meta

app = api.create_app(meta.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
