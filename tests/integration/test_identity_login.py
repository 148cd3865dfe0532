"""POST /v1/auth/login through the auth handler, on its sample event, against tables built from template.yaml."""

from __future__ import annotations

import json

import pytest

from infra.local.demo import id_number

VALID = id_number("44010419950615282")


def login_body(**overrides):
    return {"id_type": "ID_CARD", "id_number": VALID, "name": "李小红", "method": "FACE", "proof": "dev-pass"} | overrides


def test_login_creates_person_once_and_returns_a_session(lambdas, event, invoke):
    # GIVEN a resident who has never logged in
    # WHEN they log in twice
    first = invoke(lambdas["AuthFunction"], event("auth-login.json", body=login_body()))
    second = invoke(lambdas["AuthFunction"], event("auth-login.json", body=login_body(id_number=VALID.lower())))
    # THEN both answer 200 with a token, for the same person
    assert first[0] == 200 and second[0] == 200
    assert first[1]["person_id"] == second[1]["person_id"]
    assert first[1]["roles"] == ["resident"]
    assert first[1]["token"].count(".") == 2


def test_configured_system_admin_gets_the_role(lambdas, event, invoke):
    status, body = invoke(lambdas["AuthFunction"], event("auth-login.json", body=login_body(
        id_number=id_number("44010619860101123"), name="王管理")))
    assert status == 200
    assert "system_admin" in body["roles"]


def test_personal_data_is_stored_encrypted_and_masked(lambdas, event, invoke):
    from healthcode.models import Person

    status, body = invoke(lambdas["AuthFunction"], event("auth-login.json", body=login_body(phone="13812345678")))
    person = Person.get(body["person_id"])
    raw = json.dumps(person.attribute_values, default=str, ensure_ascii=False)
    assert VALID not in raw and "李小红" not in raw and "13812345678" not in raw
    assert person.name_masked == "李*红"
    assert person.phone_masked == "138****5678"
    from healthcode.core import pii

    assert pii.decrypt(person.id_enc) == VALID


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ("{not json", 400, "VALIDATION_ERROR", "body"),
        (login_body(id_type="PASSPORT"), 400, "VALIDATION_ERROR", "id_type"),
        (login_body(method="SMS"), 400, "VALIDATION_ERROR", "method"),
        ({k: v for k, v in login_body().items() if k != "name"}, 400, "VALIDATION_ERROR", "name"),
        (login_body(id_number=12345), 400, "VALIDATION_ERROR", "id_number"),
        (login_body(extra="x"), 400, "VALIDATION_ERROR", "extra"),
        (login_body(id_number=VALID[:-1] + ("0" if VALID[-1] != "0" else "1")), 400, "INVALID_ID_NUMBER", "id_number"),
        (login_body(id_number=id_number("44010419950230282")), 400, "INVALID_ID_NUMBER", "id_number"),
        (login_body(id_type="HK_MACAU_PERMIT", id_number="H12345678"), 400, "INVALID_ID_NUMBER", "issue_count"),
        (login_body(id_type="HK_MACAU_PERMIT", id_number="H12345678", issue_count="01", method="WECHAT_PAY"), 400,
         "VALIDATION_ERROR", "method"),
        (login_body(phone="12345"), 400, "VALIDATION_ERROR", "phone"),
        (login_body(proof="wrong"), 401, "IDENTITY_NOT_VERIFIED", None),
    ],
)
def test_bad_login_is_refused_naming_the_field_and_writes_nothing(lambdas, event, invoke, body, status, code, field):
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import find_by_document

    number = body.get("id_number") if isinstance(body, dict) else None
    answer_status, answer = invoke(lambdas["AuthFunction"], event("auth-login.json", body=body))
    assert answer_status == status, answer
    assert answer["error"]["code"] == code
    assert answer["error"]["message_zh"]
    if field:
        assert answer["error"]["field"] == field
    if code == "IDENTITY_NOT_VERIFIED":
        assert find_by_document(parse_document("ID_CARD", number)) is None or number == VALID


def test_oversize_body_is_refused(lambdas, event, invoke):
    status, answer = invoke(lambdas["AuthFunction"], event("auth-login.json", body="x" * 1_100_000))
    assert status == 400
    assert answer["error"]["field"] == "body"
