"""HK/Macau permit holders between the two versions (guide 一, FAQ 7): immigration's entry record makes them inbound
travellers, who may use the inbound page; once they log in to the WeChat version (a real-person check) they are
residents there, with the resident role and code, and the phone bound by the inbound page's real-name check is not
carried over."""

from __future__ import annotations

import random
import uuid

import pytest

from infra.local.demo import record_inbound_entry
from tests.integration.conftest import new_phone

NAME = "陈大文"


def new_permit() -> str:
    return f"H{random.randrange(10**8):08d}"


@pytest.fixture
def permit(aws) -> str:
    """An HK permit holder whose entry (Lok Ma Chau) immigration fed."""
    number = new_permit()
    record_inbound_entry("HK_MACAU_PERMIT", number, NAME, "HK", issue_count="01", port="皇岗口岸", vehicle="步行")
    return number


def apply(lambdas, event, invoke, number: str, phone: str) -> tuple[int, dict]:
    return invoke(lambdas["InboundFunction"], event("inbound-apply.json", body={
        "name": NAME, "country": "HK", "doc_type": "HK_MACAU_PERMIT", "doc_number": number, "issue_count": "01",
        "phone": phone}))


def wechat_login(lambdas, event, invoke, number: str, phone: str | None = None) -> tuple[int, dict]:
    body = {"id_type": "HK_MACAU_PERMIT", "id_number": number, "issue_count": "01", "name": NAME, "method": "FACE",
            "proof": "dev-pass"}
    return invoke(lambdas["AuthFunction"], event("auth-login.json", body=body | ({"phone": phone} if phone else {})))


def person_of(number: str):
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import find_by_document

    return find_by_document(parse_document("HK_MACAU_PERMIT", number, "01"))


def test_an_hk_traveller_with_an_entry_record_applies_on_the_inbound_page(lambdas, event, invoke, permit):
    status, body = apply(lambdas, event, invoke, permit, new_phone())
    assert status == 200 and body["roles"] == ["inbound"]


def test_logging_in_to_the_wechat_version_makes_the_traveller_a_resident(lambdas, event, invoke, permit):
    # GIVEN an HK permit holder known only from immigration's entry record
    # WHEN they log in to the WeChat version with face recognition
    status, body = wechat_login(lambdas, event, invoke, permit)

    # THEN they are a resident there (FAQ 7), and their code is a resident's
    assert status == 200 and body["roles"] == ["resident"], body
    status, code = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=body["person_id"]))
    assert status == 200 and code["code_type"] == "R"


def test_the_resident_may_then_declare(lambdas, event, invoke, permit):
    # GIVEN the HK resident's WeChat session WHEN they declare THEN it is stored (the inbound refusal is gone)
    _, login = wechat_login(lambdas, event, invoke, permit)
    status, body = invoke(lambdas["DeclarationsFunction"], event(
        "declarations-declare.json", person_id=login["person_id"], roles=login["roles"],
        body={"type": "PERSONAL", "temperature_c": 36.5}))
    assert status == 201, body


def test_the_phone_bound_on_the_inbound_page_does_not_carry_over(lambdas, event, invoke, permit):
    from healthcode.identity.sms_login import person_by_phone

    # GIVEN a phone bound on the inbound page (a real-name check only)
    page_phone = new_phone()
    assert apply(lambdas, event, invoke, permit, page_phone)[0] == 200

    # WHEN the holder logs in to the WeChat version, which reports no phone
    wechat_login(lambdas, event, invoke, permit)

    # THEN that phone no longer finds the person, so an SMS login cannot open the resident's roles
    person = person_of(permit)
    assert person.kind == "RESIDENT" and person.phone_hash is None
    with pytest.raises(Exception) as missing:
        person_by_phone(page_phone)
    assert getattr(missing.value, "status", None) == 404


def test_the_wechat_accounts_phone_replaces_the_pages(lambdas, event, invoke, permit):
    from healthcode.core.pii import decrypt

    # GIVEN a phone bound on the inbound page WHEN the WeChat login reports the account's own phone
    assert apply(lambdas, event, invoke, permit, new_phone())[0] == 200
    wechat_phone = new_phone()
    assert wechat_login(lambdas, event, invoke, permit, phone=wechat_phone)[0] == 200

    # THEN the resident's phone is the WeChat account's
    assert decrypt(person_of(permit).phone_enc) == wechat_phone


def test_a_resident_stays_a_resident_when_an_entry_is_fed(lambdas, event, invoke):
    # GIVEN an HK resident of the WeChat version who then crosses the border (entry fed)
    number = new_permit()
    assert wechat_login(lambdas, event, invoke, number)[1]["roles"] == ["resident"]
    record_inbound_entry("HK_MACAU_PERMIT", number, NAME, "HK", issue_count="01")

    # WHEN they log in again THEN they are still a resident
    assert wechat_login(lambdas, event, invoke, number)[1]["roles"] == ["resident"]
    assert person_of(number).kind == "RESIDENT"


def test_an_hk_holder_first_known_from_a_lab_result_may_use_the_inbound_page(lambdas, event, invoke):
    # GIVEN an HK permit holder whose nucleic-acid result was fed before their entry record
    number = new_permit()
    person = {"id_type": "HK_MACAU_PERMIT", "id_number": number, "issue_count": "01", "name": NAME}
    for kind, details in (("NUCLEIC_ACID", {"institution": "金域检验"}),
                          ("INBOUND_ENTRY", {"country": "HK", "entry_date": "2026-11-25", "port": "皇岗口岸",
                                             "vehicle": "步行"})):
        status, body = invoke(lambdas["FeedsFunction"], event("feeds-health-events.json", body=[{
            "event_id": f"hk-{uuid.uuid4().hex}", "person": person, "kind": kind,
            "occurred_at": "2026-11-25T10:00:00+08:00", "details": details}
            | ({"result": "NEGATIVE"} if kind == "NUCLEIC_ACID" else {})]))
        assert status == 200, body

    # WHEN they apply on the inbound page THEN the real-name check finds them (they never used the WeChat version)
    status, body = apply(lambdas, event, invoke, number, new_phone())
    assert status == 200 and body["roles"] == ["inbound"], body
