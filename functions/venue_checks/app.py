"""The venue checks API function: routes from healthcode.places.venues.routes.checks (checks, quick check-in)."""

from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed
from healthcode.places.venues import checks
from healthcode.places.venues.routes import checks as venue_checks

app = api.create_app(venue_checks.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    checks.CHECK_ONCE.register_lambda_context(context)
    checks.QUICK_CHECKIN_ONCE.register_lambda_context(context)
    return api.resolve(app, event, context)
