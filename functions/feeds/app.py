"""The feeds API function: routes from healthcode.colour.routes."""

from healthcode.colour import routes as feeds
from healthcode.colour.feeds import MAX_BODY_BYTES
from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed

app = api.create_app(feeds.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context, max_body_bytes=MAX_BODY_BYTES)
