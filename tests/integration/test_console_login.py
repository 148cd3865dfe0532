"""The management console's login (guide 4.(一)1(3), FAQ (四) 3): phone, captcha and SMS code through the auth handler.

The phone an admin registered for their organization or venue logs them in as that admin, with the roles of the
places they hold; a phone nobody registered is answered exactly as a registered one until the SMS code proves it.
"""

from __future__ import annotations

import json
import re

import pytest
from orgs_support import ORG
from orgs_support import api as org_api
from venues_support import VENUE, create_venue, new_person

from tests.integration.conftest import SYSTEM_ADMIN, call, new_phone, sample_event


def captcha(lambdas) -> tuple[str, str]:
    from healthcode.identity.captcha import dev_answer

    status, body = call(lambdas["AuthFunction"], sample_event("auth-captcha.json"))
    assert status == 200, body
    return body["captcha_id"], dev_answer(body["captcha_id"])


def ask_code(lambdas, phone: str) -> tuple[int, object]:
    captcha_id, answer = captcha(lambdas)
    return call(lambdas["AuthFunction"], sample_event("auth-sms-code.json", body={
        "phone": phone, "captcha_id": captcha_id, "captcha_answer": answer}))


def sent_code(phone: str) -> str:
    from healthcode.identity.sms import dev_outbox

    return re.search(r"验证码为(\d{6})", dev_outbox(phone)[-1]["text"]).group(1)


def console_login(lambdas, phone: str) -> tuple[int, object]:
    status, body = ask_code(lambdas, phone)
    assert status == 200, body
    return call(lambdas["AuthFunction"], sample_event("auth-sms-login.json", body={
        "phone": phone, "sms_code": sent_code(phone)}))


def person_without_phone(name: str = "周管理") -> str:
    """A resident whose WeChat login reported no phone: only a place's registered phone can log them in."""
    from healthcode.models import Person

    person_id = new_person({}, name)
    person = Person.get(person_id)
    person.update(actions=[Person.phone_hash.remove(), Person.phone_enc.remove(), Person.phone_masked.remove()])
    return person_id


def create_org(lambdas, admin: str, **changes) -> tuple[int, dict]:
    return org_api(lambdas, "POST", "/v1/orgs", "/v1/orgs", admin, ORG | changes)


def test_the_phone_an_org_admin_registered_logs_them_in_as_the_admin(lambdas):
    admin, phone = person_without_phone(), new_phone()
    status, org = create_org(lambdas, admin, phone=phone)
    assert status == 201, org

    status, body = console_login(lambdas, phone)

    assert status == 200, body
    assert body["person_id"] == admin
    assert "org_admin" in body["roles"] and "venue_admin" not in body["roles"]
    from healthcode.identity.sessions import verify

    assert "org_admin" in verify(body["token"]).roles  # the session carries the grant, not only the answer


def test_the_phone_a_venue_admin_registered_logs_them_in_as_the_admin(lambdas):
    admin, phone = person_without_phone("吴店长"), new_phone()
    create_venue(lambdas, admin, phone=phone)

    status, body = console_login(lambdas, phone)

    assert status == 200, body
    assert body["person_id"] == admin and "venue_admin" in body["roles"] and "org_admin" not in body["roles"]


def test_one_phone_for_an_admins_organization_and_venue_gives_both_roles(lambdas):
    admin, phone = person_without_phone("郑双管"), new_phone()
    assert create_org(lambdas, admin, phone=phone)[0] == 201
    create_venue(lambdas, admin, phone=phone)

    status, body = console_login(lambdas, phone)

    assert status == 200, body
    assert body["person_id"] == admin and {"org_admin", "venue_admin"} <= set(body["roles"])


def test_the_organization_phone_changed_in_the_weekly_edit_is_the_login(lambdas):
    admin, first, second = person_without_phone("钱改号"), new_phone(), new_phone()
    status, org = create_org(lambdas, admin, phone=first)
    edited = org_api(lambdas, "PATCH", f"/v1/orgs/{org['place_id']}", "/v1/orgs/{id}", admin, {"phone": second},
                     {"id": org["place_id"]})
    assert edited[0] == 200, edited

    assert console_login(lambdas, second)[1]["person_id"] == admin
    old = console_login(lambdas, first)
    assert old[0] == 404 and old[1]["error"]["field"] == "phone"


def test_the_account_phone_is_the_organizations_when_none_is_given(lambdas):
    from healthcode.models import Person

    admin, phone = person_without_phone("孙默认"), new_phone()
    from healthcode.identity.people import set_phone

    person = Person.get(admin)
    set_phone(person, phone)
    person.save()
    status, org = create_org(lambdas, admin)
    assert status == 201, org
    assert org["phone"] == phone

    assert console_login(lambdas, phone)[1]["roles"] == ["resident", "org_admin"]


def test_an_organization_needs_an_admin_phone_when_the_account_has_none(lambdas):
    from healthcode.models import Place

    admin = person_without_phone("李无号")

    status, body = create_org(lambdas, admin)

    assert status == 400 and body["error"]["field"] == "phone", body
    assert list(Place.by_admin.query(admin)) == []


def test_an_unregistered_phone_is_answered_as_a_registered_one_until_the_sms_code_proves_it(lambdas):
    admin, registered = person_without_phone("冯已注"), new_phone()
    assert create_org(lambdas, admin, phone=registered)[0] == 201
    unknown = new_phone()

    asked_registered, asked_unknown = ask_code(lambdas, registered), ask_code(lambdas, unknown)

    assert asked_registered == asked_unknown == (200, {"sent": True, "resend_after": 60, "expires_in": 300})
    wrong = {p: call(lambdas["AuthFunction"], sample_event("auth-sms-login.json", body={
        "phone": p, "sms_code": f"{(int(sent_code(p)) + 1) % 10**6:06d}"})) for p in (registered, unknown)}
    assert wrong[registered] == wrong[unknown] and wrong[unknown][0] == 400
    # only the right code tells: the unknown phone then learns it holds no code
    status, body = call(lambdas["AuthFunction"], sample_event("auth-sms-login.json", body={
        "phone": unknown, "sms_code": sent_code(unknown)}))
    assert status == 404 and body["error"]["message_zh"].startswith("该手机号码未申领粤康码")


def test_a_venue_phone_logs_in_no_one_after_the_admin_changed_until_the_new_admin_registers_one(lambdas):
    from healthcode.models import Place

    old_admin, new_admin, phone = person_without_phone("陈旧任"), person_without_phone("陈新任"), new_phone()
    venue = create_venue(lambdas, old_admin, phone=phone)
    # the admin transfer re-points the venue (healthcode.places.venues.places.accept_transfer); the contact phone stays
    Place.get(venue["place_id"]).update(actions=[Place.admin_id.set(new_admin)])

    status, body = console_login(lambdas, phone)

    assert status == 404, body  # neither the old admin (no longer holds it) nor the new one (did not register it)


def test_a_phone_bound_to_one_person_and_registered_by_another_admin_is_a_conflict(lambdas):
    from healthcode.identity.people import set_phone
    from healthcode.models import Person

    admin, other, phone = person_without_phone("何管理"), person_without_phone("何他人"), new_phone()
    person = Person.get(other)
    set_phone(person, phone)
    person.save()
    assert create_org(lambdas, admin, phone=phone)[0] == 201

    status, body = console_login(lambdas, phone)

    assert status == 409 and body["error"]["field"] == "phone", body


def test_the_system_admin_logs_in_with_the_phone_bound_to_them(lambdas):
    phone = new_phone()
    status, body = call(lambdas["AuthFunction"], sample_event("auth-login.json", body={
        "id_type": "ID_CARD", "id_number": SYSTEM_ADMIN, "name": "王管理", "phone": phone, "method": "FACE",
        "proof": "dev-pass"}))
    assert status == 200, body
    # the phone bound to them: this one, unless an earlier test of the same process bound theirs first (a login
    # binds the provider's phone only to a person who has none)
    from healthcode.core import pii
    from healthcode.models import Person

    phone = pii.decrypt(Person.get(body["person_id"]).phone_enc)

    status, body = console_login(lambdas, phone)

    assert status == 200 and "system_admin" in body["roles"], body


@pytest.mark.parametrize("phone", ["13800138000", "+86 1380013800", "not a phone"])
def test_a_malformed_phone_is_400_naming_the_phone_and_sends_nothing(lambdas, phone):
    from healthcode.identity.sms import dev_outbox

    status, body = ask_code(lambdas, phone)

    assert status == 400 and body["error"]["field"] == "phone", body
    assert json.dumps(dev_outbox(phone)) == "[]"


def test_venue_creation_still_answers_its_shape(lambdas):
    """The registered phone's hash and registrant stay server-side: the venue answer shows the phone to its admin."""
    admin = person_without_phone("邓店长")
    body = create_venue(lambdas, admin, phone=VENUE["phone"])
    assert body["phone"] == VENUE["phone"] and "phone_hash" not in body and "phone_admin_id" not in body
