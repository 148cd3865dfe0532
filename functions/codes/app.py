"""The codes API function: routes from healthcode.codes.routes.display."""

from healthcode.codes.routes import display as codes
from healthcode.core import api, shedding
from healthcode.core.handlers import API_REQUEST, observed

# 429/503 with Retry-After, not a timeout, under overload
app = api.create_app(codes.router, middlewares=[shedding.shed_load])


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
