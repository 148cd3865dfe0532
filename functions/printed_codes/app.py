"""The printed-codes API function: routes from healthcode.codes.routes.printed."""

from healthcode.codes.routes import printed as printed_codes
from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed

app = api.create_app(printed_codes.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
