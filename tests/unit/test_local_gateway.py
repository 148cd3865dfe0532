"""The local gateway completes chalice's partial event into the REST proxy event API Gateway sends."""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from infra.local.gateway import _policy_allows, authorizer_event, proxy_event, to_chalice_response

REST_PROXY_KEYS = {"resource", "path", "httpMethod", "headers", "multiValueHeaders", "queryStringParameters",
                   "multiValueQueryStringParameters", "pathParameters", "stageVariables", "requestContext", "body",
                   "isBase64Encoded"}


def chalice_event(**overrides):
    event = {"requestContext": {"httpMethod": "GET", "resourcePath": "/v1/venues/{id}", "path": "/v1/venues/v1",
                                "identity": {"sourceIp": "127.0.0.1"}},
             "headers": {"content-type": "application/json", "x-trace": "1"},
             "pathParameters": {"id": "v1"}, "multiValueQueryStringParameters": {"date": ["2026-11-27"]},
             "stageVariables": {}, "body": None}
    return event | overrides


def test_every_top_level_key_of_a_rest_proxy_event_is_present():
    event = proxy_event(chalice_event(), "/v1/venues/{id}")
    assert REST_PROXY_KEYS <= set(event)
    parsed = APIGatewayProxyEvent(event)
    assert parsed.http_method == "GET" and parsed.path == "/v1/venues/v1" and parsed.resource == "/v1/venues/{id}"
    assert parsed.query_string_parameters == {"date": "2026-11-27"}
    assert parsed.path_parameters == {"id": "v1"}
    assert event["requestContext"]["stage"] == "live" and event["requestContext"]["requestId"]


def test_text_bodies_arrive_as_text_and_binary_as_base64():
    text = proxy_event(chalice_event(body=b"{\"a\": 1}"), "/x")
    assert text["body"] == "{\"a\": 1}" and text["isBase64Encoded"] is False
    binary = proxy_event(chalice_event(body=b"\x89PNG", headers={"content-type": "image/png"}), "/x")
    assert binary["isBase64Encoded"] is True and binary["body"] == "iVBORw=="


def test_powertools_multi_value_headers_are_flattened_for_chalice():
    response = to_chalice_response({"statusCode": 201, "multiValueHeaders": {"Content-Type": ["application/json"],
                                                                            "Set-Cookie": ["a=1", "b=2"]},
                                    "body": "{}", "isBase64Encoded": False})
    assert response["headers"] == {"Content-Type": "application/json", "Set-Cookie": ["a=1", "b=2"]}
    assert response["statusCode"] == 201 and response["multiValueHeaders"] == {}


def test_authorizer_event_carries_method_arn_and_headers():
    request = authorizer_event(proxy_event(chalice_event(), "/v1/venues/{id}"))
    assert request["type"] == "REQUEST"
    assert request["methodArn"].endswith("/live/GET/v1/venues/{id}")
    assert request["headers"]["x-trace"] == "1"


def test_policy_evaluation_allows_matching_resources_and_deny_wins():
    arn = "arn:aws:execute-api:us-east-1:1:api/live/GET/v1/me/code"
    allow = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": ["arn:aws:execute-api:us-east-1:1:api/live/*/*"]}
    deny = {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": [arn]}
    assert _policy_allows({"policyDocument": {"Statement": [allow]}}, arn)
    assert not _policy_allows({"policyDocument": {"Statement": [allow, deny]}}, arn)
    assert not _policy_allows({"policyDocument": {"Statement": []}}, arn)


def test_health_is_503_until_the_local_stack_has_started_then_the_function_answers():
    # GIVEN the local gateway of a stack still seeding its demo data
    import threading

    from infra.local.gateway import TemplateGateway

    ready = threading.Event()
    health = {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{\"status\": \"ok\"}"}
    gateway = TemplateGateway([], {}, None, {}, {("/v1/health", "GET"): lambda event: health,
                                                 ("/v1/dev/sms", "GET"): lambda event: health}, ready)
    event = chalice_event(requestContext={"httpMethod": "GET", "resourcePath": "/v1/health", "path": "/v1/health",
                                          "identity": {"sourceIp": "127.0.0.1"}}, pathParameters=None)

    # WHEN health is asked before the stack is ready THEN 503 NOT_READY with Retry-After
    starting = gateway(event, None)
    assert starting["statusCode"] == 503 and starting["headers"]["Retry-After"] == "1"
    assert '"NOT_READY"' in starting["body"]
    # and the other routes already serve (the seeding calls them)
    other = chalice_event(requestContext={"httpMethod": "GET", "resourcePath": "/v1/dev/sms", "path": "/v1/dev/sms",
                                          "identity": {"sourceIp": "127.0.0.1"}}, pathParameters=None)
    assert gateway(other, None)["statusCode"] == 200

    # WHEN the stack is ready THEN health reaches the function
    ready.set()
    assert gateway(event, None)["statusCode"] == 200
