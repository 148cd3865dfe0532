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
