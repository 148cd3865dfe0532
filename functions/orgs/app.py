"""The organizations API function: routes from healthcode.places.orgs.routes (admins, members, statistics, reports)."""

from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed
from healthcode.places.orgs import routes as orgs

app = api.create_app(orgs.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
