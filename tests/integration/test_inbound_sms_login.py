"""Return visits (再次使用): captcha, SMS code and SMS login through the auth handler, with every limit tested.

The clock is moved by hand (healthcode.core.clock.now), starting at 10:00 Shanghai time so no test crosses midnight.
"""

from __future__ import annotations

import base64
import io
import json
import random
import re
from dataclasses import replace
from datetime import timedelta

import pytest

from infra.local.demo import id_number, record_inbound_entry
from tests.integration.conftest import new_phone


@pytest.fixture
def traveller(lambdas, event, invoke, clock):
    """A traveller who applied on first use with a phone of their own."""
    number = f"R{random.randrange(10**9, 10**10)}"
    person = record_inbound_entry("PASSPORT", number, "SMITH JOHN PAUL", "US")
    phone = new_phone()
    status, _ = invoke(lambdas["InboundFunction"], event("inbound-apply.json", body={
        "name": "SMITH JOHN PAUL", "country": "US", "doc_type": "PASSPORT", "doc_number": number, "phone": phone}))
    assert status == 200
    return {"person_id": person.person_id, "phone": phone}


def auth(lambdas, invoke, sample):
    """(status, JSON body, lower-cased headers) of the auth handler's answer: the limits live in Retry-After."""
    answer = lambdas["AuthFunction"].invoke(sample)
    headers = {k.lower(): v[0] for k, v in (answer.get("multiValueHeaders") or {}).items()}
    headers |= {k.lower(): v for k, v in (answer.get("headers") or {}).items()}
    body = answer.get("body")
    return answer["statusCode"], (json.loads(body) if body else None), headers


def new_captcha(lambdas, event, invoke):
    from healthcode.identity.captcha import dev_answer

    status, body, _ = auth(lambdas, invoke, event("auth-captcha.json"))
    assert status == 200
    return body["captcha_id"], dev_answer(body["captcha_id"])


def ask_code(lambdas, event, invoke, phone, captcha=None):
    captcha_id, answer = captcha or new_captcha(lambdas, event, invoke)
    return auth(lambdas, invoke, event("auth-sms-code.json", body={"phone": phone, "captcha_id": captcha_id,
                                                                   "captcha_answer": answer}))


def codes_sent(phone):
    from healthcode.identity.sms import dev_outbox

    return [m.group(1) for m in (re.search(r"验证码为(\d{6})", msg["text"]) for msg in dev_outbox(phone)) if m]


def log_in(lambdas, event, invoke, phone, code):
    return auth(lambdas, invoke, event("auth-sms-login.json", body={"phone": phone, "sms_code": code}))


def wrong_answer(answer: str) -> str:
    return "22222" if answer != "22222" else "33333"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# --- captcha ------------------------------------------------------------------------------------------------------


def test_captcha_is_a_png_whose_answer_is_stored_only_hashed(lambdas, event, invoke, clock, monkeypatch):
    from healthcode.core.config import get_config
    from healthcode.models import AuthItem
    from PIL import Image

    # GIVEN the production SMS provider (no dev answers kept)
    production = replace(get_config(), sms_provider="sns")
    monkeypatch.setattr("healthcode.identity.captcha.get_config", lambda: production)

    # WHEN a captcha is asked for
    status, body, _ = auth(lambdas, invoke, event("auth-captcha.json"))

    # THEN it is a PNG image, its item holds a hash and no answer, and the dev route has nothing to say
    assert status == 200 and body["expires_in"] == 180
    image = Image.open(io.BytesIO(base64.b64decode(body["image_png_base64"])))
    assert image.format == "PNG" and image.size == (240, 88)
    item = AuthItem.get(f"captcha#{body['captcha_id']}")
    assert re.fullmatch(r"[0-9a-f]{64}", item.value) and item.data is None
    assert item.expires_at == clock.now + timedelta(minutes=3)
    from healthcode.identity.captcha import dev_answer

    assert dev_answer(body["captcha_id"]) is None


def test_right_captcha_sends_a_six_digit_code(lambdas, event, invoke, traveller):
    # GIVEN a traveller on the return-visit form WHEN they solve the captcha (in lower case) and ask for a code
    captcha_id, answer = new_captcha(lambdas, event, invoke)
    status, body, _ = ask_code(lambdas, event, invoke, traveller["phone"], (captcha_id, answer.lower()))

    # THEN a 6-digit code goes to their phone
    assert status == 200 and body == {"sent": True, "resend_after": 60, "expires_in": 300}
    assert len(codes_sent(traveller["phone"])) == 1


def test_wrong_captcha_is_refused_and_no_sms_is_sent(lambdas, event, invoke, traveller):
    captcha_id, answer = new_captcha(lambdas, event, invoke)
    status, body, _ = ask_code(lambdas, event, invoke, traveller["phone"], (captcha_id, wrong_answer(answer)))
    assert status == 400 and body["error"]["code"] == "CAPTCHA_INVALID"
    assert body["error"]["field"] == "captcha_answer"
    assert codes_sent(traveller["phone"]) == []


def test_a_captcha_is_good_for_one_try_even_a_wrong_one(lambdas, event, invoke, traveller):
    # GIVEN a captcha guessed wrong once
    captcha_id, answer = new_captcha(lambdas, event, invoke)
    ask_code(lambdas, event, invoke, traveller["phone"], (captcha_id, wrong_answer(answer)))

    # WHEN the right answer is tried on the same captcha THEN it is refused and nothing is sent
    status, body, _ = ask_code(lambdas, event, invoke, traveller["phone"], (captcha_id, answer))
    assert status == 400 and body["error"]["code"] == "CAPTCHA_INVALID"
    assert codes_sent(traveller["phone"]) == []


def test_a_used_captcha_cannot_be_reused(lambdas, event, invoke, traveller, clock):
    # GIVEN a captcha that already bought a code
    captcha = new_captcha(lambdas, event, invoke)
    assert ask_code(lambdas, event, invoke, traveller["phone"], captcha)[0] == 200
    clock.advance(seconds=61)

    # WHEN it is sent again THEN 400, and no second SMS
    status, body, _ = ask_code(lambdas, event, invoke, traveller["phone"], captcha)
    assert status == 400 and body["error"]["code"] == "CAPTCHA_INVALID"
    assert len(codes_sent(traveller["phone"])) == 1


def test_an_expired_captcha_is_refused(lambdas, event, invoke, traveller, clock):
    captcha = new_captcha(lambdas, event, invoke)
    clock.advance(minutes=3, seconds=1)
    status, body, _ = ask_code(lambdas, event, invoke, traveller["phone"], captcha)
    assert status == 400 and body["error"]["code"] == "CAPTCHA_INVALID"
    assert codes_sent(traveller["phone"]) == []


def test_an_unknown_captcha_is_refused(lambdas, event, invoke, traveller):
    status, body, _ = ask_code(lambdas, event, invoke, traveller["phone"], ("A" * 24, "AS56A"))
    assert status == 400 and body["error"]["code"] == "CAPTCHA_INVALID"


def test_a_bad_phone_does_not_use_up_the_captcha(lambdas, event, invoke, traveller):
    # GIVEN a captcha WHEN the phone is malformed THEN 400 on phone
    captcha = new_captcha(lambdas, event, invoke)
    status, body, _ = ask_code(lambdas, event, invoke, "13912345678", captcha)
    assert status == 400 and body["error"]["field"] == "phone"
    # AND the captcha still buys a code once the phone is corrected
    assert ask_code(lambdas, event, invoke, traveller["phone"], captcha)[0] == 200


@pytest.mark.parametrize(("body", "field"), [
    ({"phone": "+8613912345678", "captcha_id": "short", "captcha_answer": "AS56A"}, "captcha_id"),
    ({"phone": "+8613912345678", "captcha_id": "A" * 24 + "!", "captcha_answer": "AS56A"}, "captcha_id"),
    ({"phone": "+8613912345678", "captcha_id": "A" * 24, "captcha_answer": ""}, "captcha_answer"),
    ({"phone": "+8613912345678", "captcha_id": "A" * 24}, "captcha_answer"),
    ({"phone": "+8613912345678", "captcha_id": "A" * 24, "captcha_answer": "AS56A", "extra": 1}, "extra"),
])
def test_bad_sms_code_requests_name_the_field(lambdas, event, invoke, body, field):
    status, answer, _ = auth(lambdas, invoke, event("auth-sms-code.json", body=body))
    assert status == 400 and answer["error"]["field"] == field


# --- SMS code limits ---------------------------------------------------------------------------------------------


def test_a_second_code_within_60_seconds_is_429_with_retry_after(lambdas, event, invoke, traveller, clock):
    # GIVEN a code sent 20 seconds ago
    ask_code(lambdas, event, invoke, traveller["phone"])
    clock.advance(seconds=20)

    # WHEN another is asked for THEN 429 with the seconds left, and no SMS
    status, body, headers = ask_code(lambdas, event, invoke, traveller["phone"])
    assert status == 429 and body["error"]["code"] == "TOO_MANY_REQUESTS"
    assert 39 <= int(headers["retry-after"]) <= 41
    assert len(codes_sent(traveller["phone"])) == 1


def test_after_60_seconds_a_new_code_may_be_sent(lambdas, event, invoke, traveller, clock):
    ask_code(lambdas, event, invoke, traveller["phone"])
    clock.advance(seconds=61)
    assert ask_code(lambdas, event, invoke, traveller["phone"])[0] == 200
    assert len(codes_sent(traveller["phone"])) == 2


def test_the_daily_cap_stops_codes_until_midnight(lambdas, event, invoke, traveller, clock):
    from healthcode.identity.otp import DAILY_CAP

    # GIVEN a phone that has had its daily number of codes, a minute apart
    for _ in range(DAILY_CAP):
        assert ask_code(lambdas, event, invoke, traveller["phone"])[0] == 200
        clock.advance(seconds=61)

    # WHEN one more is asked for
    status, _, headers = ask_code(lambdas, event, invoke, traveller["phone"])

    # THEN 429 until midnight Shanghai time, and no SMS
    midnight = clock.now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    assert status == 429
    assert abs(int(headers["retry-after"]) - (midnight - clock.now).total_seconds()) <= 2
    assert len(codes_sent(traveller["phone"])) == DAILY_CAP


# --- SMS login ---------------------------------------------------------------------------------------------------


def test_the_right_code_logs_the_traveller_back_in(lambdas, event, invoke, traveller):
    from healthcode.identity.sessions import verify

    # GIVEN a code sent to the traveller's phone WHEN they log in with it
    ask_code(lambdas, event, invoke, traveller["phone"])
    status, body, _ = log_in(lambdas, event, invoke, traveller["phone"], codes_sent(traveller["phone"])[-1])

    # THEN they have a session as themselves, with the inbound role only
    assert status == 200 and body["person_id"] == traveller["person_id"] and body["roles"] == ["inbound"]
    assert verify(body["token"]).person_id == traveller["person_id"]


def test_a_code_is_single_use(lambdas, event, invoke, traveller):
    ask_code(lambdas, event, invoke, traveller["phone"])
    code = codes_sent(traveller["phone"])[-1]
    assert log_in(lambdas, event, invoke, traveller["phone"], code)[0] == 200
    status, body, _ = log_in(lambdas, event, invoke, traveller["phone"], code)
    assert status == 400 and body["error"]["code"] == "SMS_CODE_INVALID"


def test_a_code_expires_after_five_minutes(lambdas, event, invoke, traveller, clock):
    ask_code(lambdas, event, invoke, traveller["phone"])
    clock.advance(minutes=5, seconds=1)
    status, body, _ = log_in(lambdas, event, invoke, traveller["phone"], codes_sent(traveller["phone"])[-1])
    assert status == 400 and body["error"]["code"] == "SMS_CODE_INVALID" and body["error"]["field"] == "sms_code"


def test_a_code_within_five_minutes_is_accepted(lambdas, event, invoke, traveller, clock):
    ask_code(lambdas, event, invoke, traveller["phone"])
    clock.advance(minutes=4, seconds=59)
    assert log_in(lambdas, event, invoke, traveller["phone"], codes_sent(traveller["phone"])[-1])[0] == 200


def test_five_wrong_codes_lock_the_phone_even_for_the_right_code(lambdas, event, invoke, traveller, clock):
    # GIVEN a code sent, then four wrong guesses answered 400
    ask_code(lambdas, event, invoke, traveller["phone"])
    right = codes_sent(traveller["phone"])[-1]
    for _ in range(4):
        status, body, _ = log_in(lambdas, event, invoke, traveller["phone"], wrong(right))
        assert status == 400 and body["error"]["code"] == "SMS_CODE_INVALID"

    # WHEN the fifth wrong code is tried THEN 429 for 15 minutes
    status, _, headers = log_in(lambdas, event, invoke, traveller["phone"], wrong(right))
    assert status == 429 and int(headers["retry-after"]) == 15 * 60

    # AND the right code is refused too, as is a new code, while the lock lasts
    clock.advance(minutes=1)
    status, _, headers = log_in(lambdas, event, invoke, traveller["phone"], right)
    assert status == 429 and 14 * 60 - 2 <= int(headers["retry-after"]) <= 14 * 60 + 1
    status, _, headers = ask_code(lambdas, event, invoke, traveller["phone"])
    assert status == 429 and int(headers["retry-after"]) > 0


def test_after_the_lock_a_new_code_logs_in(lambdas, event, invoke, traveller, clock):
    # GIVEN a phone locked by five wrong codes
    ask_code(lambdas, event, invoke, traveller["phone"])
    right = codes_sent(traveller["phone"])[-1]
    for _ in range(5):
        log_in(lambdas, event, invoke, traveller["phone"], wrong(right))

    # WHEN 15 minutes have passed and a new code is sent THEN it logs in
    clock.advance(minutes=15, seconds=1)
    assert ask_code(lambdas, event, invoke, traveller["phone"])[0] == 200
    assert log_in(lambdas, event, invoke, traveller["phone"], codes_sent(traveller["phone"])[-1])[0] == 200


def test_a_phone_nobody_uses_gets_a_code_but_no_session(lambdas, event, invoke, clock):
    # GIVEN a phone bound to nobody: asking for a code reveals nothing
    phone = new_phone()
    assert ask_code(lambdas, event, invoke, phone)[0] == 200

    # WHEN its holder logs in with the right code THEN 404 on phone: apply first
    status, body, _ = log_in(lambdas, event, invoke, phone, codes_sent(phone)[-1])
    assert status == 404 and body["error"]["field"] == "phone"


def test_a_phone_moved_to_another_number_no_longer_logs_in(lambdas, event, invoke, traveller):
    # GIVEN a traveller whose binding moved to a new phone (applied again)
    from healthcode.identity.people import set_phone
    from healthcode.models import Person

    person = Person.get(traveller["person_id"])
    set_phone(person, new_phone())
    person.save()

    # WHEN the old phone logs in with a right code THEN it finds nobody
    ask_code(lambdas, event, invoke, traveller["phone"])
    assert log_in(lambdas, event, invoke, traveller["phone"], codes_sent(traveller["phone"])[-1])[0] == 404


def test_an_admin_logs_in_by_sms_with_the_roles_of_a_login(lambdas, event, invoke, clock):
    # GIVEN the configured system admin, a resident whose phone the identity provider reported at login
    phone = new_phone()
    status, _, _ = auth(lambdas, invoke, event("auth-login.json", body={
        "id_type": "ID_CARD", "id_number": id_number("44010619860101123"), "name": "王管理", "phone": phone,
        "method": "FACE", "proof": "dev-pass"}))
    assert status == 200

    # WHEN they log in on the PC with phone and SMS code
    ask_code(lambdas, event, invoke, phone)
    status, body, _ = log_in(lambdas, event, invoke, phone, codes_sent(phone)[-1])

    # THEN they have the resident and system-admin roles, as a login gives them
    assert status == 200 and body["roles"] == ["resident", "system_admin"]


@pytest.mark.parametrize(("body", "field"), [
    ({"phone": "+8613912345678", "sms_code": "12345"}, "sms_code"),
    ({"phone": "+8613912345678", "sms_code": "abcdef"}, "sms_code"),
    ({"phone": "+8613912345678"}, "sms_code"),
    ({"phone": "13912345678", "sms_code": "123456"}, "phone"),
    ({"sms_code": "123456"}, "phone"),
])
def test_bad_sms_login_requests_name_the_field(lambdas, event, invoke, body, field):
    status, answer, _ = auth(lambdas, invoke, event("auth-sms-login.json", body=body))
    assert status == 400 and answer["error"]["field"] == field
