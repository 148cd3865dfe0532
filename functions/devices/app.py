"""The devices API function: scanner devices registered by venue admins, and the devices' checks
(routes from healthcode.places.devices.routes)."""

from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed
from healthcode.places.devices import routes as devices
from healthcode.places.devices import scanners as device_checks

app = api.create_app(devices.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    device_checks.CHECK_ONCE.register_lambda_context(context)
    return api.resolve(app, event, context)
