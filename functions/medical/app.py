"""The medical API function: routes from healthcode.medical.routes."""

from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed
from healthcode.medical import routes as medical
from healthcode.medical.notices import NOTICE_ONCE

app = api.create_app(medical.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    NOTICE_ONCE.register_lambda_context(context)
    return api.resolve(app, event, context)
