"""The local gateway, where the fuzz found it unlike API Gateway: path parameters, and methods chalice lacks."""

from __future__ import annotations

import pytest

from infra.local.gateway import _Handler, proxy_event


def _chalice_event(captured: dict[str, str]) -> dict:
    return {"requestContext": {"httpMethod": "GET", "resourcePath": "/v1/venues/{id}/stats",
                               "path": "/v1/venues/x/stats", "identity": {"sourceIp": "127.0.0.1"}},
            "headers": {}, "pathParameters": captured, "multiValueQueryStringParameters": None, "body": None}


@pytest.mark.parametrize(("sent", "received"), [
    ("%26%C2%9C", "&\u009c"),
    ("%E4%B8%AD", "中"),
    ("a%20b", "a b"),
    ("01JPLACE", "01JPLACE"),
    ("a+b", "a+b"),  # a path is not a form: + stays +
    ("%FF", "\ufffd"),  # not UTF-8: replaced, never a surrogate
])
def test_path_parameters_arrive_percent_decoded_as_api_gateway_sends_them(sent: str, received: str):
    # GIVEN chalice's captured (still percent-encoded) path parameter WHEN the proxy event is built
    # THEN the function sees it decoded, as behind API Gateway
    assert proxy_event(_chalice_event({"id": sent}), "/v1/venues/{id}/stats")["pathParameters"] == {"id": received}


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "FOO"])
def test_methods_chalice_does_not_serve_are_handled_not_501(method: str):
    # GIVEN an HTTP method chalice has no do_<METHOD> for WHEN the server looks its handler up
    # THEN there is one (it answers the no-such-route gateway response, tested over HTTP in the e2e suite)
    assert _Handler.__getattr__(object.__new__(_Handler), f"do_{method}").__name__ == "_no_such_method"


def test_other_missing_attributes_still_raise():
    # GIVEN an attribute that is no method handler WHEN it is looked up THEN it is an AttributeError as usual
    with pytest.raises(AttributeError):
        object.__new__(_Handler).no_such_attribute  # noqa: B018


def test_the_server_queues_a_burst_of_new_connections():
    # GIVEN the local gateway's HTTP server WHEN it listens THEN its backlog holds a burst of connections
    # (socketserver's default of 5 reset logins when a load test ramped up 20 users a second)
    from chalice.app import Chalice

    from infra.local.gateway import serve

    server = serve(Chalice("probe"), "127.0.0.1", 0)
    try:
        assert server.server.request_queue_size >= 128
    finally:
        server.server.server_close()


def _routed(path: str) -> dict:
    return {"requestContext": {"httpMethod": "GET", "resourcePath": path, "path": path,
                               "identity": {"sourceIp": "127.0.0.1"}},
            "headers": {}, "pathParameters": None, "multiValueQueryStringParameters": None, "body": None}


def test_each_function_is_invoked_one_at_a_time_and_functions_side_by_side():
    # GIVEN two API functions behind the local gateway, each as slow as a DynamoDB round trip
    import threading
    import time

    from infra.local.gateway import TemplateGateway
    from infra.template import ApiRoute

    running: dict[str, int] = {"A": 0, "B": 0}
    seen: list[tuple[int, int]] = []
    lock = threading.Lock()

    from infra.local.lambdas import LoadedFunction
    from infra.template import FunctionSpec

    def Function(name: str) -> LoadedFunction:  # noqa: N802 - reads as the class it stands for
        def handler(event, context):
            with lock:
                running[name] += 1
                seen.append((running["A"], running["B"]))
            time.sleep(0.05)
            with lock:
                running[name] -= 1
            return {"statusCode": 200, "body": "{}"}

        return LoadedFunction(FunctionSpec(name, f"functions/{name}/", "app.lambda_handler", {}), handler, {})

    routes = [ApiRoute("A", "/v1/a", "GET", authorized=False), ApiRoute("B", "/v1/b", "GET", authorized=False)]
    gateway = TemplateGateway(routes, {"A": Function("A"), "B": Function("B")}, None, {}, {})

    # WHEN requests to both arrive at once
    threads = [threading.Thread(target=lambda p=path: gateway(_routed(p), None)) for path in ["/v1/a", "/v1/b"] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # THEN a function never ran two invocations at once (one container), but the two functions did overlap
    assert len(seen) == 8 and max(max(pair) for pair in seen) == 1
    assert (1, 1) in seen


def test_resolvers_in_two_threads_each_see_their_own_event():
    # GIVEN two Powertools resolvers (two functions of the local stack) resolving at the same time in two threads
    import threading

    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

    from infra.local.lambdas import isolate_request_state

    isolate_request_state()
    both_started = threading.Barrier(2)
    answers: dict[str, str] = {}

    def function(path: str) -> None:
        app = APIGatewayRestResolver()

        @app.get(path)
        def route():
            both_started.wait(timeout=5)  # the other request has now been handed to its resolver too
            return {"path": app.current_event.path}

        event = _routed(path) | {"path": path, "httpMethod": "GET", "resource": path, "headers": {},
                                 "queryStringParameters": None}
        answers[path] = app.resolve(event, None)["body"]

    # WHEN both resolve
    threads = [threading.Thread(target=function, args=(path,)) for path in ("/v1/a", "/v1/b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # THEN each route read its own request (Powertools keeps it in a class attribute: the last one, unisolated)
    assert answers == {"/v1/a": '{"path":"/v1/a"}', "/v1/b": '{"path":"/v1/b"}'}
