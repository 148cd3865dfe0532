"""Bad inputs the API fuzz (tests/e2e/test_meta_api_fuzz.py) found answered 5xx, each as its minimal failing request.

Every one now gets a 4xx in the error model naming the field: bodies that are not UTF-8 or not JSON, JSON the
parser cannot take, cursors this API never issued, and a path no route matches.
"""

from __future__ import annotations

import base64
import json

import pytest
from venues_support import api, create_venue, join, new_person

LOGIN = {"id_type": "ID_CARD", "id_number": "440305199003074568", "name": "张三丰", "method": "FACE",
         "proof": "dev-pass"}


def _error(status_and_body, status: int, field: str) -> dict:
    status_got, body = status_and_body
    assert status_got == status, body
    assert set(body["error"]) >= {"code", "message", "message_zh"} and body["error"]["field"] == field, body
    return body["error"]


def test_a_body_that_is_not_utf8_is_a_400_on_the_body(lambdas, event, invoke):
    # GIVEN a JSON request whose bytes are not UTF-8 (API Gateway hands such a body over base64-encoded)
    request = event("auth-login.json", body=base64.b64encode(b"\xfa\xfbr[I").decode())
    request["isBase64Encoded"] = True

    # WHEN it is sent THEN it is a 400 on the body, not a crash
    error = _error(invoke(lambdas["AuthFunction"], request), 400, "body")
    assert error["code"] == "VALIDATION_ERROR"


def test_a_base64_body_that_is_utf8_json_is_read_as_usual(lambdas, event, invoke):
    # GIVEN a valid login handed over base64-encoded WHEN it is sent THEN it logs in
    request = event("auth-login.json", body=base64.b64encode(json.dumps(LOGIN).encode()).decode())
    request["isBase64Encoded"] = True
    status, body = invoke(lambdas["AuthFunction"], request)
    assert status == 200 and body["token"], body


@pytest.mark.parametrize("content_type", [
    "multipart/form-data",  # no boundary: the resolver raised ValueError (502)
    "multipart/form-data; boundary=x",
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/xml",
])
def test_a_body_that_is_not_json_is_a_415_on_the_content_type(lambdas, event, invoke, content_type):
    # GIVEN a body sent as something other than JSON WHEN it is sent THEN 415 names the content type
    request = event("auth-login.json", body="x=1", headers={"content-type": content_type})
    request["multiValueHeaders"] = {"content-type": [content_type]}
    error = _error(invoke(lambdas["AuthFunction"], request), 415, "content-type")
    assert error["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_the_json_media_type_is_matched_without_regard_to_case(lambdas, event, invoke):
    # GIVEN a JSON body labelled "Application/JSON; charset=UTF-8" WHEN it is sent THEN it is read as JSON
    request = event("auth-login.json", body=LOGIN, headers={"content-type": "Application/JSON; charset=UTF-8"})
    status, body = invoke(lambdas["AuthFunction"], request)
    assert status == 200, body


@pytest.mark.parametrize("body", [
    pytest.param('{"a":' * 3000 + "1" + "}" * 3000, id="nested deeper than the parser's recursion limit"),
    pytest.param('{"a": ' + "1" * 5000 + "}", id="an integer longer than Python converts"),
    pytest.param('{"id_type":"ID_CARD","method":"FACE","id_number":"1","name":"\\ud800","proof":"x"}',
                 id="a lone surrogate in a value"),
])
def test_json_the_parser_cannot_take_is_a_400_on_the_body(lambdas, event, invoke, body):
    # GIVEN a body that is JSON by grammar but not something Python reads as text and numbers
    # WHEN it is sent THEN it is a 400 on the body, not a crash
    _error(invoke(lambdas["AuthFunction"], event("auth-login.json", body=body)), 400, "body")


def test_a_lone_surrogate_in_a_key_is_a_400_on_the_body(lambdas, event, invoke, resident):
    # GIVEN a declaration whose answers have the key "\ud800", which the error message used to echo back
    # (the gateway then failed to encode the answer, dropping the connection)
    request = event("declarations-declare.json", person_id=resident["person_id"],
                    body='{"type":"STAFF","answers":{"\\ud800":"x"}}')

    # WHEN it is sent THEN it is a 400 on the body, and the answer is UTF-8
    status, body = invoke(lambdas["DeclarationsFunction"], request)
    assert status == 400 and body["error"]["field"] == "body"
    json.dumps(body, ensure_ascii=False).encode("utf-8")


def _cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


NOT_OURS = [
    pytest.param({"x": {}}, id="an untyped value"),  # eyJ4Ijp7fX0, as the fuzz sent it
    pytest.param({"pk": 1}, id="a number for a key"),
    pytest.param({"owner": {"S": "01JOTHERPERSON000000000000"}, "sk": {"S": "MEMBER#01JX"}}, id="another partition"),
    pytest.param({"owner": {"S": "SELF"}}, id="a key without its range key"),
    pytest.param({"owner": {"S": "SELF"}, "sk": {"S": "MEMBER#1"}, "extra": {"S": "x"}}, id="a key with more"),
    pytest.param({"owner": {"S": "SELF"}, "sk": {"N": "1"}}, id="a range key of the wrong type"),
    pytest.param({"owner": {"S": "SELF"}, "sk": {"S": "ROLE#medical"}}, id="outside the range condition"),
]


def _with_self(value: object, person_id: str) -> object:
    return json.loads(json.dumps(value).replace('"SELF"', json.dumps(person_id)))


@pytest.mark.parametrize("cursor", NOT_OURS)
def test_a_family_cursor_this_api_never_issued_is_a_400_on_the_cursor(lambdas, event, invoke, resident, cursor):
    # GIVEN a cursor this API never issued WHEN the family list is asked for it THEN 400 names the cursor
    request = event("family-list.json", person_id=resident["person_id"],
                    query={"cursor": _cursor(_with_self(cursor, resident["person_id"]))})
    _error(invoke(lambdas["FamilyFunction"], request), 400, "cursor")


@pytest.mark.parametrize("cursor", NOT_OURS)
def test_an_inspectors_venue_cursor_this_api_never_issued_is_a_400_on_the_cursor(lambdas, resident, cursor):
    # GIVEN a cursor this API never issued WHEN an inspector's venue list is asked for it THEN 400 names the cursor
    answer = api(lambdas, "GET", "/v1/inspector/venues", "/v1/inspector/venues", resident["person_id"],
                 query={"cursor": _cursor(_with_self(cursor, resident["person_id"]))})
    _error(answer, 400, "cursor")


@pytest.mark.parametrize("cursor", [
    pytest.param({"x": {}}, id="an untyped value"),
    pytest.param({"owner": {"S": "SELF"}, "sk": {"S": "VENUE#1"}}, id="the table key without the index key"),
    pytest.param({"owner": {"S": "SELF"}, "sk": {"S": "VENUE#1"}, "target": {"S": "01JOTHERPLACE0000000000000"},
                  "inverse_sk": {"S": "VENUE#SELF"}}, id="another venue"),
])
def test_a_venue_members_cursor_this_api_never_issued_is_a_400_on_the_cursor(lambdas, cursor):
    # GIVEN a venue admin and a cursor this API never issued
    admin = new_person(lambdas)
    place_id = create_venue(lambdas, admin)["place_id"]

    # WHEN the venue's members are asked for with it THEN 400 names the cursor
    answer = api(lambdas, "GET", f"/v1/venues/{place_id}/members", "/v1/venues/{id}/members", admin,
                 params={"id": place_id}, query={"cursor": _cursor(_with_self(cursor, admin))})
    _error(answer, 400, "cursor")


def test_a_venue_members_cursor_this_api_issued_still_pages(lambdas):
    # GIVEN a venue with an admin and two inspectors, listed one at a time
    admin = new_person(lambdas)
    created = create_venue(lambdas, admin)
    for _ in range(2):
        assert join(lambdas, new_person(lambdas), created["join_code"])[0] == 201
    place = (f"/v1/venues/{created['place_id']}/members", "/v1/venues/{id}/members", {"id": created["place_id"]})
    status, first = api(lambdas, "GET", place[0], place[1], admin, params=place[2], query={"limit": "1"})
    assert status == 200 and first["next_cursor"], first

    # WHEN the next page is asked for with the cursor it returned THEN it is the other inspector
    status, second = api(lambdas, "GET", place[0], place[1], admin, params=place[2],
                         query={"limit": "1", "cursor": first["next_cursor"]})
    assert status == 200, second
    assert {i["person_id"] for i in first["inspectors"]} != {i["person_id"] for i in second["inspectors"]}


@pytest.mark.parametrize(("sample", "function", "query"), [
    ("codes-display-log.json", "CodesFunction", {}),
    ("declarations-list.json", "DeclarationsFunction", {}),
    ("records-list.json", "RecordsFunction", {"kind": "nucleic_acid"}),
    ("records-list.json", "RecordsFunction", {"kind": "temperature"}),
])
def test_a_personal_list_cursor_of_another_shape_is_a_400_on_the_cursor(lambdas, event, invoke, resident,
                                                                         sample, function, query):
    # GIVEN a cursor shaped like a relations key, sent to lists kept in other tables
    cursor = _cursor({"owner": {"S": resident["person_id"]}, "sk": {"S": "MEMBER#1"}})

    # WHEN the list is asked for with it THEN 400 names the cursor
    request = event(sample, person_id=resident["person_id"], query=query | {"cursor": cursor})
    _error(invoke(lambdas[function], request), 400, "cursor")


def test_a_path_no_route_matches_is_a_404_in_the_error_model(lambdas, resident):
    # GIVEN a venue path with an empty id ("/v1/venues//stats") WHEN it reaches the function
    answer = api(lambdas, "GET", "/v1/venues//stats", "/v1/venues/{id}/stats", resident["person_id"],
                 params={"id": ""})

    # THEN it is the error model's 404, not the resolver's own body
    status, body = answer
    assert status == 404 and body["error"]["code"] == "NOT_FOUND", body
