"""POST /v1/inbound/apply through the inbound handler: the real-name check against entry records, phone, SMS link."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from infra.local.demo import id_number, record_inbound_entry
from tests.integration.conftest import new_phone

NAME_ON_PASSPORT = "SMITH JOHN PAUL"


def random_passport() -> str:
    return f"T{random.randrange(10**9, 10**10)}"


@pytest.fixture
def traveller(aws):
    """An inbound traveller whose entry record immigration has fed (the items the feed writes)."""
    number = random_passport()
    person = record_inbound_entry("PASSPORT", number, NAME_ON_PASSPORT, "US")
    return {"person_id": person.person_id, "doc_number": number, "name": NAME_ON_PASSPORT}


def apply_body(traveller, **overrides):
    return {"name": traveller["name"], "country": "US", "doc_type": "PASSPORT", "doc_number": traveller["doc_number"],
            "phone": new_phone()} | overrides


def apply(lambdas, event, invoke, body, **changes):
    return invoke(lambdas["InboundFunction"], event("inbound-apply.json", body=body, **changes))


def outbox(phone):
    from healthcode.identity.sms import dev_outbox

    return dev_outbox(phone)


def stored(person_id):
    from healthcode.models import Person

    return Person.get(person_id, consistent_read=True)


# --- first use ----------------------------------------------------------------------------------------------


def test_traveller_with_an_entry_record_gets_an_inbound_session(lambdas, event, invoke, traveller):
    from healthcode.identity.sessions import verify

    # GIVEN a traveller whose entry record was fed WHEN they apply with their name and passport
    status, body = apply(lambdas, event, invoke, apply_body(traveller))

    # THEN they get a session for themselves with the inbound role only
    assert status == 200, body
    assert body["person_id"] == traveller["person_id"] and body["roles"] == ["inbound"]
    session = verify(body["token"])
    assert (session.person_id, session.roles) == (traveller["person_id"], ("inbound",))


def test_applying_binds_the_phone_encrypted_and_texts_the_page_link(lambdas, event, invoke, traveller):
    from healthcode.core import pii

    # GIVEN a traveller WHEN they apply with their phone
    body = apply_body(traveller)
    status, answer = apply(lambdas, event, invoke, body, headers={"Host": "ykm.example.org",
                                                                   "X-Forwarded-Proto": "https"})

    # THEN the phone is bound (encrypted, hashed, masked) and one SMS carries the page link
    assert status == 200 and answer["link_sent"] is True
    person = stored(traveller["person_id"])
    assert person.phone_hash == pii.lookup_hash("phone", body["phone"])
    assert pii.decrypt(person.phone_enc) == body["phone"] and body["phone"] not in json.dumps(person.attribute_values)
    messages = outbox(body["phone"])
    assert len(messages) == 1
    assert "https://ykm.example.org/inbound.html?visit=return" in messages[0]["text"]


def test_the_configured_page_url_is_the_one_texted(lambdas, event, invoke, traveller, monkeypatch):
    from healthcode.core.config import get_config

    # GIVEN the page is hosted elsewhere and configured
    configured = replace(get_config(), inbound_page_url="https://h5.example.gov.cn/ykm/inbound.html")
    monkeypatch.setattr("healthcode.inbound.routes.get_config", lambda: configured)
    body = apply_body(traveller)

    # WHEN the traveller applies, whatever Host the request names
    apply(lambdas, event, invoke, body, headers={"Host": "evil.example.com"})

    # THEN the SMS points at the configured page
    text = outbox(body["phone"])[0]["text"]
    assert "https://h5.example.gov.cn/ykm/inbound.html" in text and "evil" not in text


def test_applying_again_within_the_window_sends_no_second_link(lambdas, event, invoke, traveller):
    # GIVEN a traveller who has just applied
    body = apply_body(traveller)
    apply(lambdas, event, invoke, body)

    # WHEN they apply again with the same phone
    status, answer = apply(lambdas, event, invoke, body | {"name": "john paul smith"})

    # THEN they get a session, but the phone gets no second link
    assert status == 200 and answer["link_sent"] is False
    assert len(outbox(body["phone"])) == 1


def test_applying_with_a_new_phone_moves_the_binding(lambdas, event, invoke, traveller):
    from healthcode.core import pii

    # GIVEN a traveller who applied with one phone
    first = apply_body(traveller)
    apply(lambdas, event, invoke, first)

    # WHEN they apply again with another phone
    second = first | {"phone": new_phone()}
    status, _ = apply(lambdas, event, invoke, second)

    # THEN the new phone is the one bound
    assert status == 200
    assert stored(traveller["person_id"]).phone_hash == pii.lookup_hash("phone", second["phone"])


def test_inbound_session_shows_an_inbound_type_code(lambdas, event, invoke, traveller):
    from healthcode.codes.tokens import CodeType, get_keyring

    # GIVEN a traveller who applied WHEN they open their code
    status, _ = apply(lambdas, event, invoke, apply_body(traveller))
    status, code = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=traveller["person_id"],
                                                          roles=["inbound"]))

    # THEN it is a green code of type I, for a masked Latin name
    assert status == 200 and code["code_type"] == "I" and code["color"] == "GREEN"
    assert code["name_masked"] == "S**** J*** P***"
    assert get_keyring().verify(code["qr"], {CodeType.INBOUND}).subject == traveller["person_id"]


@pytest.mark.parametrize("typed", ["smith john paul", "  SMITH   JOHN  PAUL ", "John Paul Smith", "SMITH-JOHN-PAUL",
                                   "john-paul smith"])
def test_tolerated_spellings_are_accepted(lambdas, event, invoke, traveller, typed):
    # GIVEN a traveller WHEN they type their name in a way the FAQ allows THEN they get their session
    status, body = apply(lambdas, event, invoke, apply_body(traveller, name=typed))
    assert status == 200, body
    assert body["person_id"] == traveller["person_id"]


def test_a_taiwan_permit_holder_applies_with_the_issue_count(lambdas, event, invoke):
    # GIVEN a Taiwan resident whose entry with a permit was fed
    number = f"{random.randrange(10**8):08d}"
    person = record_inbound_entry("TAIWAN_PERMIT", number, "林美华", "TW", issue_count="02")

    # WHEN they apply with the permit number and its 2-digit issue count
    status, body = apply(lambdas, event, invoke, {"name": "林美华", "country": "TW", "doc_type": "TAIWAN_PERMIT",
                                                  "doc_number": number, "issue_count": "02", "phone": new_phone()})

    # THEN they get their session
    assert status == 200 and body["person_id"] == person.person_id


# --- refused ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["JOHN SMITH PAUL", "SMITH JOHN", "SMITH JOHNPAUL", "SMITH J PAUL", "SMYTH JOHN PAUL",
                                   "SMITH, JOHN PAUL"])
def test_a_wrong_name_is_name_mismatch_and_writes_nothing(lambdas, event, invoke, traveller, typed):
    # GIVEN a traveller WHEN the name typed is not theirs under the FAQ's rules
    body = apply_body(traveller, name=typed)
    status, answer = apply(lambdas, event, invoke, body)

    # THEN 400 NAME_MISMATCH with the guide's wording, and no phone bound, no SMS sent
    assert status == 400
    assert answer["error"] == {"code": "NAME_MISMATCH", "field": "name",
                               "message": "Full name unmatched with passport information(1590640002)",
                               "message_zh": "姓名和证件不配(1590640002)"}
    assert stored(traveller["person_id"]).phone_hash is None
    assert outbox(body["phone"]) == []


def test_an_unknown_document_is_document_not_found(lambdas, event, invoke, traveller):
    # GIVEN no entry record for a passport number WHEN someone applies with it
    status, answer = apply(lambdas, event, invoke, apply_body(traveller, doc_number=random_passport()))

    # THEN 400 DOCUMENT_NOT_FOUND on doc_number, and nothing about the person
    assert status == 400
    assert answer["error"]["code"] == "DOCUMENT_NOT_FOUND" and answer["error"]["field"] == "doc_number"


def test_a_traveller_without_an_entry_record_is_document_not_found(lambdas, event, invoke):
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create

    # GIVEN an inbound person with no INBOUND_ENTRY fact
    number = random_passport()
    find_or_create(NewPerson(parse_document("PASSPORT", number), NAME_ON_PASSPORT, kind="INBOUND", country="US"))

    # WHEN they apply THEN it is as if the document were unknown
    status, answer = apply(lambdas, event, invoke, apply_body({"name": NAME_ON_PASSPORT, "doc_number": number}))
    assert status == 400 and answer["error"]["code"] == "DOCUMENT_NOT_FOUND"


def test_a_residents_permit_is_document_not_found(lambdas, event, invoke):
    # GIVEN a resident who logged in with a HK/Macau permit (WeChat version)
    number = f"H{random.randrange(10**8):08d}"
    status, _ = invoke(lambdas["AuthFunction"], event("auth-login.json", body={
        "id_type": "HK_MACAU_PERMIT", "id_number": number, "issue_count": "01", "name": "陈大文", "method": "FACE",
        "proof": "dev-pass"}))
    assert status == 200

    # WHEN someone applies with that permit on the inbound page THEN the document is not an inbound traveller's
    status, answer = apply(lambdas, event, invoke, {"name": "陈大文", "country": "HK", "doc_type": "HK_MACAU_PERMIT",
                                                    "doc_number": number, "issue_count": "01", "phone": new_phone()})
    assert status == 400 and answer["error"]["code"] == "DOCUMENT_NOT_FOUND"


def test_a_phone_used_by_another_person_is_refused(lambdas, event, invoke, traveller):
    # GIVEN another traveller who applied with a phone
    other = record_inbound_entry("PASSPORT", (number := random_passport()), "DOE JANE", "GB")
    shared = new_phone()
    assert apply(lambdas, event, invoke, {"name": "DOE JANE", "country": "GB", "doc_type": "PASSPORT",
                                          "doc_number": number, "phone": shared})[0] == 200

    # WHEN this traveller applies with the same phone
    status, answer = apply(lambdas, event, invoke, apply_body(traveller, phone=shared))

    # THEN 409 PHONE_IN_USE, and the phone stays the other traveller's
    assert status == 409 and answer["error"]["code"] == "PHONE_IN_USE" and answer["error"]["field"] == "phone"
    assert stored(traveller["person_id"]).phone_hash is None
    assert stored(other.person_id).phone_hash is not None


@pytest.mark.parametrize(("overrides", "field"), [
    ({"phone": "13912345678"}, "phone"),                 # no country code: the 区号 is part of the number
    ({"phone": "+86 123"}, "phone"),
    ({"phone": "+999 12345678"}, "phone"),
    ({"phone": ""}, "phone"),
    ({"country": "XX"}, "country"),
    ({"country": "USA"}, "country"),
    ({"doc_type": "ID_CARD"}, "doc_type"),
    ({"doc_type": "VISA"}, "doc_type"),
    ({"doc_number": "AB"}, "doc_number"),
    ({"doc_number": "K-1234567"}, "doc_number"),
    ({"doc_type": "TAIWAN_PERMIT", "doc_number": "01234567"}, "issue_count"),
    ({"doc_type": "HK_MACAU_PERMIT", "doc_number": "H12345678", "issue_count": "1x"}, "issue_count"),
    ({"issue_count": "01"}, "issue_count"),             # a passport has no issue count
    ({"name": ""}, "name"),
    ({"name": "SMITH 2"}, "name"),
    ({"name": "<script>"}, "name"),
    ({"name": "X" * 65}, "name"),
    ({"nickname": "Johnny"}, "nickname"),
])
def test_bad_input_names_the_field_and_writes_nothing(lambdas, event, invoke, traveller, overrides, field):
    # GIVEN a bad field WHEN the form is sent
    body = apply_body(traveller, **overrides)
    status, answer = apply(lambdas, event, invoke, body)

    # THEN 400 names the field, and nothing is bound or sent
    assert status == 400 and answer["error"]["field"] == field, answer
    assert stored(traveller["person_id"]).phone_hash is None
    if body["phone"]:
        assert outbox(body["phone"]) == []


@pytest.mark.parametrize("missing", ["name", "country", "doc_type", "doc_number", "phone"])
def test_missing_fields_are_named(lambdas, event, invoke, traveller, missing):
    body = apply_body(traveller)
    del body[missing]
    status, answer = apply(lambdas, event, invoke, body)
    assert status == 400 and answer["error"]["field"] == missing


def test_malformed_json_is_refused(lambdas, event, invoke):
    status, answer = apply(lambdas, event, invoke, "{not json")
    assert status == 400 and answer["error"]["field"] == "body"


def test_an_id_card_number_is_not_an_inbound_document(lambdas, event, invoke):
    status, answer = apply(lambdas, event, invoke, {"name": "张三", "country": "CN", "doc_type": "PASSPORT",
                                                    "doc_number": id_number("44030519900307456"),
                                                    "phone": new_phone()})
    assert status == 400 and answer["error"]["code"] == "DOCUMENT_NOT_FOUND"


def test_a_failed_page_link_sms_still_gives_the_code_and_may_be_retried(lambdas, event, invoke, traveller, monkeypatch):
    from healthcode.inbound import travellers as inbound

    class Down:
        def send(self, phone, text):
            raise ConnectionError("SNS unreachable")

    # GIVEN the SMS service is down
    monkeypatch.setattr(inbound, "get_sender", lambda: Down())
    body = apply_body(traveller)

    # WHEN the traveller applies THEN they still get their session, told that no link was sent
    status, answer = apply(lambdas, event, invoke, body)
    assert status == 200 and answer["link_sent"] is False

    # AND once the service is back, applying again sends the link at once
    monkeypatch.undo()
    status, answer = apply(lambdas, event, invoke, body)
    assert answer["link_sent"] is True and len(outbox(body["phone"])) == 1
