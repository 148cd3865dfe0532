"""The grids API function: routes from healthcode.places.grids.routes (grid admins, superiors, grid workers)."""

from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed
from healthcode.places.grids import collections, routes

app = api.create_app(routes.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    collections.COLLECT_ONCE.register_lambda_context(context)
    return api.resolve(app, event, context)
