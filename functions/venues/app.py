"""The venues API function: routes from healthcode.places.venues.routes.places (admins, inspectors, statistics, quick code)."""

from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed
from healthcode.places.venues.routes import places as venues

app = api.create_app(venues.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
