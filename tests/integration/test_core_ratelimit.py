"""Per-address limits on the public routes (healthcode.core.ratelimit): POST /v1/inbound/apply, /v1/auth/captcha,
/v1/auth/sms-code and /v1/auth/login answer 429 TOO_MANY_REQUESTS with Retry-After beyond their limit, and the
refused request writes nothing, reads no document and sends no SMS. Sample events, one address per test."""

from __future__ import annotations

import json
import random

import pytest
from healthcode.core.config import get_config

from infra.local.demo import id_number, record_inbound_entry
from tests.integration.conftest import new_phone

NAME = "SMITH JOHN PAUL"



@pytest.fixture
def address() -> str:
    return f"198.19.{random.randrange(256)}.{random.randrange(1, 255)}"


def other_address(address: str) -> str:
    return address.rsplit(".", 1)[0] + f".{(int(address.rsplit('.', 1)[1]) % 254) + 1}"


def new_id_card() -> str:
    return id_number(f"440305{random.randrange(1991, 2006)}0{random.randrange(1, 10)}1{random.randrange(1, 10)}"
                     f"{random.randrange(100, 999)}")


def call(function, sample) -> tuple[int, dict, dict]:
    """(status, body, lower-cased headers)."""
    answer = function.invoke(sample)
    headers = {k.lower(): v[0] for k, v in (answer.get("multiValueHeaders") or {}).items()}
    headers |= {k.lower(): v for k, v in (answer.get("headers") or {}).items()}
    return answer["statusCode"], json.loads(answer["body"]), headers


def apply(lambdas, event, address, doc_number=None, name=NAME, phone=None, **extra):
    body = {"name": name, "country": "US", "doc_type": "PASSPORT",
            "doc_number": doc_number or f"U{random.randrange(10**9, 10**10)}", "phone": phone or new_phone()} | extra
    return call(lambdas["InboundFunction"], event("inbound-apply.json", body=body, source_ip=address))


def use_up(lambdas, event, address, times):
    """`times` applies for documents nobody holds: the error code of each (DOCUMENT_NOT_FOUND while allowed)."""
    return [apply(lambdas, event, address)[1]["error"]["code"] for _ in range(times)]


# ------------------------------------------------------------------------------------ POST /v1/inbound/apply


def test_applies_up_to_the_limit_are_answered(lambdas, event, clock, address):
    from healthcode.core.ratelimit import INBOUND_APPLY, LIMITS

    # GIVEN one address WHEN it applies as often as the limit allows THEN every answer is the real one
    limit = LIMITS[INBOUND_APPLY].requests
    assert use_up(lambdas, event, address, limit) == ["DOCUMENT_NOT_FOUND"] * limit


def test_the_apply_beyond_the_limit_is_429_and_binds_and_sends_nothing(lambdas, event, clock, address):
    from healthcode.core.ratelimit import INBOUND_APPLY, LIMITS
    from healthcode.identity.sms import dev_outbox
    from healthcode.models import Person

    # GIVEN an address that used up its applies, a minute into the window
    use_up(lambdas, event, address, LIMITS[INBOUND_APPLY].requests)
    clock.advance(minutes=1)
    number = f"N{random.randrange(10**9, 10**10)}"
    traveller = record_inbound_entry("PASSPORT", number, NAME, "US")
    phone = new_phone()

    # WHEN it applies for a real traveller with the right name
    status, body, headers = apply(lambdas, event, address, number, phone=phone)

    # THEN 429 with the rest of the window, and no phone bound, no link sent
    assert status == 429 and body["error"]["code"] == "TOO_MANY_REQUESTS"
    assert headers["retry-after"] == str(9 * 60)
    assert Person.get(traveller.person_id).phone_hash is None and dev_outbox(phone) == []


def test_a_refused_apply_does_not_tell_a_known_document_from_an_unknown_one(lambdas, event, clock, address):
    from healthcode.core.ratelimit import INBOUND_APPLY, LIMITS

    # GIVEN an address over its limit WHEN it asks about a traveller's document and a made-up one
    use_up(lambdas, event, address, LIMITS[INBOUND_APPLY].requests)
    number = f"N{random.randrange(10**9, 10**10)}"
    record_inbound_entry("PASSPORT", number, NAME, "US")
    known = apply(lambdas, event, address, number, name="DOE JANE")
    unknown = apply(lambdas, event, address)

    # THEN both get the same 429 (no NAME_MISMATCH, no DOCUMENT_NOT_FOUND)
    assert known[:2] == unknown[:2] and known[0] == 429


def test_the_limit_is_per_address(lambdas, event, clock, address):
    from healthcode.core.ratelimit import INBOUND_APPLY, LIMITS

    # GIVEN one address over its limit WHEN another address applies THEN it is answered as usual
    use_up(lambdas, event, address, LIMITS[INBOUND_APPLY].requests + 1)
    number = f"N{random.randrange(10**9, 10**10)}"
    record_inbound_entry("PASSPORT", number, NAME, "US")
    assert apply(lambdas, event, other_address(address), number)[0] == 200


def test_the_next_window_is_open_again(lambdas, event, clock, address):
    from healthcode.core.ratelimit import INBOUND_APPLY, LIMITS

    # GIVEN an address refused WHEN the window has passed THEN it applies again
    use_up(lambdas, event, address, LIMITS[INBOUND_APPLY].requests + 1)
    clock.advance(minutes=10)
    assert use_up(lambdas, event, address, 1) == ["DOCUMENT_NOT_FOUND"]


@pytest.mark.parametrize("bad", [{"doc_number": "??"}, {"country": "XX"}, {"phone": "13800138000"},
                                 {"name": "J0HN"}])
def test_malformed_applies_do_not_count(lambdas, event, clock, address, bad):
    from healthcode.core.ratelimit import INBOUND_APPLY, LIMITS

    # GIVEN as many malformed applies as the limit (400 naming the field, nothing written)
    statuses = [apply(lambdas, event, address, **bad)[0] for _ in range(LIMITS[INBOUND_APPLY].requests)]
    assert statuses == [400] * len(statuses)

    # WHEN a well-formed one follows THEN it is answered
    assert use_up(lambdas, event, address, 1) == ["DOCUMENT_NOT_FOUND"]


def test_the_limit_can_be_set_by_the_environment(lambdas, event, clock, address, monkeypatch):
    # GIVEN RATE_LIMITS allowing 2 applies per minute WHEN an address applies 3 times THEN the third is 429
    monkeypatch.setenv("RATE_LIMITS", "inbound-apply=2/60")
    get_config.cache_clear()  # config is read once; the test changed the environment
    assert use_up(lambdas, event, address, 3) == ["DOCUMENT_NOT_FOUND"] * 2 + ["TOO_MANY_REQUESTS"]


# ------------------------------------------------------------------------------------ /v1/auth/*


def test_captchas_beyond_the_limit_are_429_without_an_image(lambdas, event, clock, address):
    from healthcode.core.ratelimit import AUTH_CAPTCHA, LIMITS

    # GIVEN an address that drew as many captchas as allowed
    limit = LIMITS[AUTH_CAPTCHA].requests
    statuses = [call(lambdas["AuthFunction"], event("auth-captcha.json", source_ip=address))[0] for _ in range(limit)]
    assert statuses == [200] * limit

    # WHEN it asks for one more THEN 429 with Retry-After, and no captcha
    status, body, headers = call(lambdas["AuthFunction"], event("auth-captcha.json", source_ip=address))
    assert status == 429 and "captcha_id" not in body and int(headers["retry-after"]) == 600


def test_sms_codes_beyond_the_limit_are_429_and_nothing_is_sent(lambdas, event, clock, address):
    from healthcode.core.ratelimit import AUTH_SMS_CODE, LIMITS
    from healthcode.identity import captcha
    from healthcode.identity.sms import dev_outbox
    from healthcode.models import AuthItem

    def ask(phone, captcha_id, answer):
        return call(lambdas["AuthFunction"], event("auth-sms-code.json", source_ip=address, body={
            "phone": phone, "captcha_id": captcha_id, "captcha_answer": answer}))

    # GIVEN an address that asked for codes as often as allowed (wrong captchas count too: each was a real try)
    for _ in range(LIMITS[AUTH_SMS_CODE].requests):
        assert ask(new_phone(), captcha.create()[0], "WRONG")[0] == 400

    # WHEN it asks once more, with a right captcha
    captcha_id, _ = captcha.create()
    phone = new_phone()
    status, body, headers = ask(phone, captcha_id, captcha.dev_answer(captcha_id))

    # THEN 429 with Retry-After, no SMS, and the captcha is not used up
    assert status == 429 and body["error"]["code"] == "TOO_MANY_REQUESTS" and int(headers["retry-after"]) == 600
    assert dev_outbox(phone) == []
    assert AuthItem.get(f"captcha#{captcha_id}").value


def test_logins_beyond_the_limit_are_429_and_create_nobody(lambdas, event, clock, address, monkeypatch):
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import find_by_document

    def log_in(number):
        return call(lambdas["AuthFunction"], event("auth-login.json", source_ip=address, body={
            "id_type": "ID_CARD", "id_number": number, "name": "陈大文", "method": "FACE", "proof": "dev-pass"}))

    # GIVEN a login limit of 2 per 10 minutes (RATE_LIMITS; the default is generous) used up by one address
    monkeypatch.setenv("RATE_LIMITS", "auth-login=2/600")
    get_config.cache_clear()  # config is read once; the test changed the environment
    assert [log_in(new_id_card())[0] for _ in range(2)] == [200, 200]

    # WHEN the address logs in as a new person
    number = new_id_card()
    status, body, headers = log_in(number)

    # THEN 429, and no person was created
    assert status == 429 and int(headers["retry-after"]) == 600
    assert find_by_document(parse_document("ID_CARD", number, None)) is None


def test_sms_logins_beyond_the_limit_are_429_before_the_code_is_checked(lambdas, event, clock, address, monkeypatch):
    from healthcode.core.pii import lookup_hash
    from healthcode.identity.sms_login import PURPOSE
    from healthcode.models import AuthItem

    def log_in(phone, code):
        return call(lambdas["AuthFunction"], event("auth-sms-login.json", source_ip=address,
                                                   body={"phone": phone, "sms_code": code}))

    # GIVEN an SMS-login limit of 3 per 10 minutes used up by one address trying codes across phones
    monkeypatch.setenv("RATE_LIMITS", "auth-sms-login=3/600")
    get_config.cache_clear()  # config is read once; the test changed the environment
    assert [log_in(new_phone(), "000000")[0] for _ in range(3)] == [400, 400, 400]

    # WHEN it tries a phone once more THEN 429 with Retry-After, and that phone's wrong-code count is untouched
    phone = new_phone()
    status, body, headers = log_in(phone, "000000")
    assert status == 429 and body["error"]["code"] == "TOO_MANY_REQUESTS" and int(headers["retry-after"]) == 600
    with pytest.raises(AuthItem.DoesNotExist):  # no miss was counted against that phone
        AuthItem.get(f"otp-lock#{PURPOSE}#{lookup_hash('phone', phone)}#attempts")
