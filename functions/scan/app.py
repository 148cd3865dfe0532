"""The scan API function: routes from healthcode.codes.routes.scan."""

from healthcode.codes.routes import scan
from healthcode.core import api, shedding
from healthcode.core.handlers import API_REQUEST, observed

# 429/503 with Retry-After, not a timeout, under overload
app = api.create_app(scan.router, middlewares=[shedding.shed_load])


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
