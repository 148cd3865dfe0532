"""The itinerary card through its handler: SMS code to one's own bound phone, then the cities of 14 days."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest

from infra.local.demo import id_number


@pytest.fixture
def holder(lambdas, event, invoke):
    """A resident who logged in with a phone bound: {person_id, phone}."""
    phone = f"+86139{random.randint(10**7, 10**8 - 1)}"
    number = id_number(f"4401001985{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}")
    status, body = invoke(lambdas["AuthFunction"], event("auth-login.json", body={
        "id_type": "ID_CARD", "id_number": number, "name": "黄行者", "phone": phone, "method": "WECHAT_PAY",
        "proof": "dev-pass"}))
    assert status == 200, body
    return {"person_id": body["person_id"], "phone": phone}


def travelled(person_id, city, days_ago, event_id=None):
    from healthcode import clock
    from healthcode.models import HealthEvent

    moment = clock.now() - timedelta(days=days_ago)
    event_id = event_id or f"it-{random.getrandbits(64):x}"
    HealthEvent(person_id=person_id, sk=f"{clock.iso(moment)}#{event_id}", event_id=event_id, kind="ITINERARY",
                occurred_at=clock.iso(moment), details={"city": city, "date": clock.local_date(moment).isoformat()},
                source="feed:telecom", received_at=clock.iso(clock.now())).save()
    return clock.local_date(moment).isoformat()


@pytest.fixture
def ask(lambdas, event, invoke):
    def send_code(person_id, phone, roles=("resident",)):
        return invoke(lambdas["ItineraryFunction"], event("itinerary-sms-code.json", person_id=person_id,
                                                          roles=list(roles), body={"phone": phone}))

    def read_card(person_id, phone, sms_code):
        return invoke(lambdas["ItineraryFunction"], event("itinerary-card.json", person_id=person_id,
                                                          body={"phone": phone, "sms_code": sms_code}))

    return send_code, read_card


def sms_code_sent_to(phone):
    from healthcode.sms import dev_outbox

    return re.search(r"\d{6}", dev_outbox(phone)[-1]["text"]).group(0)


def test_the_card_lists_each_city_of_the_last_14_days_once_newest_first(holder, ask):
    send_code, read_card = ask
    # GIVEN itinerary facts for the holder's phone: Guangzhou twice, Shenzhen once, Beijing three weeks ago
    guangzhou = travelled(holder["person_id"], "广州市", 1)
    travelled(holder["person_id"], "广州市", 9)
    shenzhen = travelled(holder["person_id"], "深圳市", 4)
    travelled(holder["person_id"], "北京市", 20)

    # WHEN they ask for an SMS code and read the card with it
    status, sent = send_code(holder["person_id"], holder["phone"])
    assert status == 202 and sent["phone_masked"].startswith("139****")
    status, card = read_card(holder["person_id"], holder["phone"], sms_code_sent_to(holder["phone"]))

    # THEN each city of the period appears once, with its latest day
    assert status == 200, card
    assert card["cities"] == [{"city": "广州市", "date": guangzhou}, {"city": "深圳市", "date": shenzhen}]
    assert card["period"]["days"] == 14 and card["phone_masked"] == sent["phone_masked"]


def test_a_wrong_sms_code_is_refused(holder, ask):
    send_code, read_card = ask
    send_code(holder["person_id"], holder["phone"])
    right = sms_code_sent_to(holder["phone"])
    status, body = read_card(holder["person_id"], holder["phone"], f"{(int(right) + 1) % 10**6:06d}")
    assert status == 400 and body["error"] | {"code": "SMS_CODE_INVALID", "field": "sms_code"} == body["error"]


def test_an_sms_code_reads_the_card_once(holder, ask):
    send_code, read_card = ask
    send_code(holder["person_id"], holder["phone"])
    code = sms_code_sent_to(holder["phone"])
    assert read_card(holder["person_id"], holder["phone"], code)[0] == 200
    assert read_card(holder["person_id"], holder["phone"], code)[0] == 400


def test_a_second_code_within_a_minute_is_too_many(holder, ask):
    send_code, _ = ask
    send_code(holder["person_id"], holder["phone"])
    status, body = send_code(holder["person_id"], holder["phone"])
    assert status == 429


def test_another_phone_is_refused_and_gets_no_sms(holder, ask):
    from healthcode.sms import dev_outbox

    send_code, read_card = ask
    other = f"+86138{random.randint(10**7, 10**8 - 1)}"
    status, body = send_code(holder["person_id"], other)
    assert status == 403 and body["error"] | {"code": "NOT_YOUR_PHONE", "field": "phone"} == body["error"]
    assert dev_outbox(other) == []
    assert read_card(holder["person_id"], other, "123456")[0] == 403


def test_a_resident_without_a_bound_phone_is_told_to_bind_one(resident, ask):
    send_code, _ = ask
    status, body = send_code(resident["person_id"], f"+86137{random.randint(10**7, 10**8 - 1)}")
    assert status == 403 and body["error"]["code"] == "PHONE_NOT_BOUND"


def test_inbound_travellers_have_no_itinerary_card(holder, ask):
    send_code, _ = ask
    assert send_code(holder["person_id"], holder["phone"], roles=("inbound",))[0] == 403


@pytest.mark.parametrize(("body", "field"), [
    ({"phone": "12345", "sms_code": "123456"}, "phone"),
    ({"phone": "not a phone", "sms_code": "123456"}, "phone"),
    ({"phone": "+8613912345678", "sms_code": "12345"}, "sms_code"),
    ({"phone": "+8613912345678", "sms_code": "abcdef"}, "sms_code"),
    ({"phone": "+8613912345678"}, "sms_code"),
    ({"phone": "+8613912345678", "sms_code": "123456", "days": 30}, "days"),
])
def test_bad_input_names_the_field(holder, lambdas, event, invoke, body, field):
    status, answer = invoke(lambdas["ItineraryFunction"], event("itinerary-card.json", person_id=holder["person_id"],
                                                                body=body))
    assert status == 400 and answer["error"]["field"] == field
