"""Lambda REQUEST authorizer for the v1 API."""

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)
from healthcode.core.errors import Unauthorized
from healthcode.core.handlers import API_REQUEST, metrics, observed
from healthcode.identity.authorize import decide


@observed(API_REQUEST)
def lambda_handler(event: dict, context: object) -> dict:
    request = APIGatewayAuthorizerRequestEvent(event)
    try:
        principal = decide(request.path, dict(request.headers or {}))
    except Unauthorized:
        metrics.add_metric(name="AuthorizationDenied", unit=MetricUnit.Count, value=1)
        # API Gateway turns this exact message into a 401.
        raise Exception("Unauthorized") from None
    metrics.add_metric(name="Authorized", unit=MetricUnit.Count, value=1)
    policy = APIGatewayAuthorizerResponse.from_route_arn(
        request.method_arn,
        principal_id=principal.principal_id,
        context={"person_id": principal.principal_id, "kind": principal.kind, "roles": ",".join(principal.roles)}
        | principal.context,
    )
    policy.allow_all_routes()
    return policy.asdict()
