"""Over HTTP, what the API fuzz found the local stack answering 5xx (or not at all), as minimal requests."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def token(local_stack) -> str:
    answer = requests.post(f"{local_stack.base_url}/v1/auth/login", timeout=10, json={
        "id_type": "ID_CARD", "id_number": local_stack.demo["id_number"], "name": local_stack.demo["name"],
        "method": "FACE", "proof": "dev-pass"})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


@pytest.mark.parametrize("method", ["TRACE", "FOO"])
def test_a_method_the_gateway_does_not_serve_is_the_no_such_route_answer(local_stack, method):
    # GIVEN a method no route has (chalice's server answered 501 for these) WHEN it is sent
    answer = requests.request(method, f"{local_stack.base_url}/v1/health", timeout=10)

    # THEN it is the gateway's no-such-route answer in the error model
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "NOT_FOUND"


def test_a_percent_encoded_path_parameter_reaches_the_function_decoded(local_stack, token):
    # GIVEN the demo venue's id with every character percent-encoded
    place_id = local_stack.demo["venue"]["place_id"]
    encoded = "".join(f"%{ord(c):02X}" for c in place_id)

    # WHEN its admin asks for its statistics THEN the function finds it, as behind API Gateway
    answer = requests.get(f"{local_stack.base_url}/v1/venues/{encoded}/stats", timeout=10,
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text


def test_a_body_that_is_not_utf8_is_a_400_on_the_body(local_stack):
    # GIVEN a login body of bytes that are not UTF-8 (the first 5xx the fuzz found) WHEN it is sent THEN 400
    answer = requests.post(f"{local_stack.base_url}/v1/auth/login", data=b"\xfa\xfbr[I", timeout=10,
                           headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "body"


def test_a_lone_surrogate_is_answered_not_dropped(local_stack, token):
    # GIVEN a declaration with the answer key "\ud800" (the gateway could not encode the echo and hung up)
    answer = requests.post(f"{local_stack.base_url}/v1/me/declarations", timeout=10,
                           data=b'{"type":"STAFF","answers":{"\\ud800":"x"}}',
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})

    # WHEN it is sent THEN there is an answer: 400 on the body
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "body"


def test_a_cursor_this_api_never_issued_is_a_400_on_the_cursor(local_stack, token):
    # GIVEN the cursor the fuzz sent ({"x": {}}) WHEN the family list is asked for with it THEN 400 on the cursor
    answer = requests.get(f"{local_stack.base_url}/v1/me/family?cursor={quote('eyJ4Ijp7fX0')}", timeout=10,
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "cursor"
