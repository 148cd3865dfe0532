"""The auth API function: routes from healthcode.identity.routes.login and healthcode.identity.routes.sms_login."""

from healthcode.core import api
from healthcode.core.handlers import API_REQUEST, observed
from healthcode.identity.routes import login as auth
from healthcode.identity.routes import sms_login as auth_sms

app = api.create_app(auth.router, auth_sms.router)


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    return api.resolve(app, event, context)
