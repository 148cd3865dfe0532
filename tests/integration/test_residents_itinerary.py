"""The itinerary card through its handler: SMS code to a mainland mobile (any, the code proves it), then 14 days of cities."""

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
    from healthcode.core import clock
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
    from healthcode.identity.sms import dev_outbox

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


def test_a_resident_without_a_bound_phone_reads_the_card_of_the_phone_the_sms_proves(resident, ask):
    # GIVEN a face-login resident (no phone bound to the account) and a phone with itinerary facts
    from healthcode.colour.feeds import ingest, validate_batch

    send_code, read_card = ask
    phone = f"+86137{random.randint(10**7, 10**8 - 1)}"
    from healthcode.core import clock

    day = clock.local_date(clock.now() - timedelta(days=2)).isoformat()
    ingest(validate_batch([{"event_id": f"it-{random.getrandbits(64):x}", "kind": "ITINERARY",
                            "occurred_at": f"{day}T09:00:00+08:00", "details": {"city": "佛山市", "date": day},
                            "person": {"id_type": "ID_CARD", "id_number": resident["id_number"], "name": "陈大文",
                                       "phone": phone}}]), "feed:telecom")

    # WHEN they ask for a code for that phone, and type the code it received
    status, sent = send_code(resident["person_id"], phone)
    assert status == 202, sent
    status, card = read_card(resident["person_id"], phone, sms_code_sent_to(phone))

    # THEN the card is shown (the guide asks only for a phone number and its SMS code)
    assert status == 200, card
    assert card["phone_masked"].endswith(phone[-4:])


def test_any_mainland_mobile_is_read_with_its_own_sms_code(holder, ask):
    # GIVEN a resident with a bound phone, asking about another mainland number (e.g. a parent's, at hand)
    send_code, read_card = ask
    other = f"+86138{random.randint(10**7, 10**8 - 1)}"

    # WHEN the code goes to that number and is typed back THEN its card is read
    assert send_code(holder["person_id"], other)[0] == 202
    assert read_card(holder["person_id"], other, sms_code_sent_to(other))[0] == 200
    # and without the code it is not
    assert read_card(holder["person_id"], other, "000000")[0] in (400, 429)


@pytest.mark.parametrize("phone", ["+85291234567", "+14155550123", "+862083331234"])
def test_a_number_outside_the_mainland_mobile_networks_is_refused_and_gets_no_sms(holder, ask, phone):
    from healthcode.identity.sms import dev_outbox

    send_code, _ = ask
    status, body = send_code(holder["person_id"], phone)
    assert status == 400 and (body["error"]["code"], body["error"]["field"]) == ("NOT_A_MAINLAND_MOBILE", "phone")
    assert dev_outbox(phone) == []


def test_one_person_cannot_text_more_phones_than_the_hourly_limit(resident, ask, clock):
    # GIVEN a resident asking codes for one new number after another
    from healthcode.core.ratelimit import ITINERARY_SMS_CODE, LIMITS
    from healthcode.identity.sms import dev_outbox

    send_code, _ = ask
    limit = LIMITS[ITINERARY_SMS_CODE].requests
    phones = [f"+86135{random.randint(10**7, 10**8 - 1)}" for _ in range(limit + 1)]
    answers = [send_code(resident["person_id"], phone)[0] for phone in phones]

    # THEN the limit's worth are sent, the next is 429 and texts nobody
    assert answers == [202] * limit + [429]
    assert dev_outbox(phones[-1]) == []


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
