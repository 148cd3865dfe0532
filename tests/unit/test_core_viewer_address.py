"""healthcode.core.viewer: behind CloudFront the per-address limits count the viewer's address, and only when the request
proves it came through CloudFront (X-Origin-Verify = ORIGIN_VERIFY_SECRET); anything else counts the connection."""

from __future__ import annotations

import ipaddress
from types import SimpleNamespace

import pytest
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from healthcode.core import ratelimit, viewer
from healthcode.core.config import get_config

SECRET = "s3cr3t-origin-verify-value-0123456789abcdef"
EDGE = "130.176.96.72"  # a CloudFront edge node, as API Gateway sees the connection


def _through(address: str, secret: str = SECRET) -> dict[str, str]:
    return {"X-Origin-Verify": secret, "CloudFront-Viewer-Address": address}


@pytest.mark.parametrize(("value", "address"), [
    ("198.51.100.7:5678", "198.51.100.7"),
    ("2001:db8::1:5678", "2001:db8::1"),  # CloudFront's form: IPv6 unbracketed, the port after the last colon
    ("2001:db8:1:2:3:4:5:6:443", "2001:db8:1:2:3:4:5:6"),
    ("[2001:db8::1]:5678", "2001:db8::1"),
    ("  203.0.113.9:0  ", "203.0.113.9"),
])
def test_the_viewer_address_is_parsed_and_its_port_dropped(value, address):
    assert viewer.parse_viewer_address(value) == ipaddress.ip_address(address)


@pytest.mark.parametrize("value", [
    None, "", "198.51.100.7", "198.51.100.7:", "198.51.100.7:http", "198.51.100.7:65536", "198.51.100.7:123456",
    "2001:db8::1", "[2001:db8::1]", "not-an-ip:443", "999.1.1.1:443", "198.51.100.7, 10.0.0.1:443",
    "fe80::1%eth0:443", "198.51.100.7:４４３",
])
def test_a_malformed_viewer_address_is_refused(value):
    assert viewer.parse_viewer_address(value) is None


def test_with_the_secret_the_viewer_address_counts():
    assert viewer.client_address(_through("198.51.100.7:5678"), EDGE, secret=SECRET) == "198.51.100.7"


def test_header_names_are_matched_in_any_case():
    headers = {"x-origin-verify": SECRET, "cloudfront-viewer-address": "198.51.100.7:5678"}
    assert viewer.client_address(headers, EDGE, secret=SECRET) == "198.51.100.7"


def test_a_forged_viewer_address_without_the_secret_counts_the_connection():
    # GIVEN a caller of the API stage itself, who writes CloudFront's header WHEN its address is taken THEN sourceIp
    forged = {"CloudFront-Viewer-Address": "198.51.100.7:5678"}
    assert viewer.client_address(forged, EDGE, secret=SECRET) == EDGE
    assert viewer.client_address(_through("198.51.100.7:5678", "wrong"), EDGE, secret=SECRET) == EDGE
    assert viewer.client_address(_through("198.51.100.7:5678", SECRET + "x"), EDGE, secret=SECRET) == EDGE


def test_without_a_configured_secret_nothing_is_trusted():
    # the local stack and a stack deployed without OriginVerifySecret: an empty header must not match an empty secret
    assert viewer.client_address(_through("198.51.100.7:5678", ""), EDGE, secret="") == EDGE


def test_the_secret_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(viewer.ENV, SECRET)
    get_config.cache_clear()  # config is read once per container; the test changed the environment
    assert viewer.client_address(_through("198.51.100.7:5678"), EDGE) == "198.51.100.7"
    monkeypatch.setenv(viewer.ENV, "")  # the local stack: no CloudFront, nothing trusted
    get_config.cache_clear()
    assert viewer.client_address(_through("198.51.100.7:5678"), EDGE) == EDGE


@pytest.mark.parametrize("value", ["garbage", "198.51.100.7", ""])
def test_with_the_secret_a_malformed_viewer_address_counts_the_connection(value):
    assert viewer.client_address(_through(value), EDGE, secret=SECRET) == EDGE


def test_a_repeated_header_is_not_trusted():
    # two values (one of them the viewer's own) cannot be told apart: the connection counts
    multi = {"X-Origin-Verify": [SECRET], "CloudFront-Viewer-Address": ["203.0.113.1:1", "198.51.100.7:5678"]}
    assert viewer.client_address(_through("198.51.100.7:5678"), EDGE, multi, secret=SECRET) == EDGE
    multi = {"X-Origin-Verify": ["forged", SECRET], "CloudFront-Viewer-Address": ["198.51.100.7:5678"]}
    assert viewer.client_address(_through("198.51.100.7:5678"), EDGE, multi, secret=SECRET) == EDGE


def test_ipv6_viewers_count_by_their_64_prefix():
    # a phone picks any address of its /64 at will (privacy addresses): one limit for the prefix
    first = viewer.client_address(_through("2001:db8:aa:bb:1::1:443"), EDGE, secret=SECRET)
    other = viewer.client_address(_through("2001:db8:aa:bb:ffff:eeee:dddd:cccc:50000"), EDGE, secret=SECRET)
    assert first == other == "2001:db8:aa:bb::/64"
    assert viewer.client_address(_through("2001:db8:aa:bc::1:443"), EDGE, secret=SECRET) != first
    assert viewer.client_address(_through("::ffff:198.51.100.7:443"), EDGE, secret=SECRET) == "198.51.100.7"


def test_the_connection_address_is_kept_as_given_when_it_is_no_ip():
    assert viewer.client_address({}, " test-invoke-source-ip ", secret=SECRET) == "test-invoke-source-ip"
    assert viewer.client_address({}, None, secret=SECRET) == "unknown"


def _router(headers: dict[str, str], source_ip: str) -> SimpleNamespace:
    event = {"httpMethod": "POST", "path": "/v1/auth/sms-code", "headers": headers,
             "multiValueHeaders": {k: [v] for k, v in headers.items()},
             "requestContext": {"identity": {"sourceIp": source_ip}}}
    return SimpleNamespace(current_event=APIGatewayProxyEvent(event))


def test_the_rate_limits_take_the_trusted_address(monkeypatch):
    # GIVEN a deployed function (ORIGIN_VERIFY_SECRET set) WHEN the route asks ratelimit for the caller's address
    monkeypatch.setenv(viewer.ENV, SECRET)
    get_config.cache_clear()
    assert ratelimit.source_ip(_router(_through("198.51.100.7:5678"), EDGE)) == "198.51.100.7"
    # THEN a request straight to the API stage with a forged header counts its own connection
    forged = {"CloudFront-Viewer-Address": "198.51.100.7:5678", "X-Origin-Verify": "guess"}
    assert ratelimit.source_ip(_router(forged, "203.0.113.50")) == "203.0.113.50"
