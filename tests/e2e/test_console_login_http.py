"""The management console's login over HTTP on the local stack (guide 4.(一)1(3)): an organization's admin, whose
account has no phone, logs in with the phone they registered for the organization, captcha and SMS code, and the
session reads their organization; a phone nobody registered gets the same answers until its SMS code proves it."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
import requests

from infra.local.demo import id_number

pytestmark = pytest.mark.e2e

TIMEOUT = 15


def new_phone() -> str:
    return f"+86133{random.randrange(10**8):08d}"


def ask_code(stack: Any, phone: str) -> requests.Response:
    made = requests.post(f"{stack.base_url}/v1/auth/captcha", timeout=TIMEOUT)
    assert made.status_code == 200, made.text
    captcha_id = made.json()["captcha_id"]
    answer = requests.get(f"{stack.base_url}/v1/dev/captcha/{captcha_id}", timeout=TIMEOUT).json()["answer"]
    return requests.post(f"{stack.base_url}/v1/auth/sms-code", timeout=TIMEOUT,
                         json={"phone": phone, "captcha_id": captcha_id, "captcha_answer": answer})


def sms_code(stack: Any, phone: str) -> str:
    messages = requests.get(f"{stack.base_url}/v1/dev/sms", params={"phone": phone}, timeout=TIMEOUT).json()["messages"]
    return re.search(r"验证码为(\d{6})", messages[-1]["text"]).group(1)


def sms_login(stack: Any, phone: str, code: str) -> requests.Response:
    return requests.post(f"{stack.base_url}/v1/auth/sms-login", json={"phone": phone, "sms_code": code},
                         timeout=TIMEOUT)


def test_an_org_admin_logs_in_to_the_console_with_the_phone_registered_for_the_organization(local_stack):
    base = local_stack.base_url
    # GIVEN a resident whose WeChat login reported no phone registers an organization with an admin phone
    number = id_number(f"440104{random.randint(1970, 1990)}0{random.randint(1, 9)}{random.randint(10, 28)}"
                       f"{random.randint(100, 999)}")
    login = requests.post(f"{base}/v1/auth/login", timeout=TIMEOUT, json={
        "id_type": "ID_CARD", "id_number": number, "name": "岑主任", "method": "FACE", "proof": "dev-pass"})
    assert login.status_code == 200, login.text
    phone = new_phone()
    created = requests.post(f"{base}/v1/orgs", timeout=TIMEOUT, headers={"Authorization": f"Bearer {login.json()['token']}"},
                            json={"name": "岑氏工作室（测试）", "address": "广州市海珠区新港中路1号", "level": "COUNTY",
                                  "phone": phone})
    assert created.status_code == 201, created.text

    # WHEN they ask for a code with the captcha, and log in with it
    unknown = new_phone()
    asked, asked_unknown = ask_code(local_stack, phone), ask_code(local_stack, unknown)
    logged_in = sms_login(local_stack, phone, sms_code(local_stack, phone))

    # THEN the session is theirs, carries the organization's grant, and reads their organization
    assert (asked.status_code, asked.json()) == (asked_unknown.status_code, asked_unknown.json()) == (
        200, {"sent": True, "resend_after": 60, "expires_in": 300})
    assert logged_in.status_code == 200, logged_in.text
    session = logged_in.json()
    assert session["person_id"] == login.json()["person_id"] and "org_admin" in session["roles"]
    mine = requests.get(f"{base}/v1/orgs/mine", headers={"Authorization": f"Bearer {session['token']}"},
                        timeout=TIMEOUT)
    assert mine.status_code == 200 and mine.json()["place_id"] == created.json()["place_id"], mine.text
    # and the unknown phone learns it holds no code only with its right SMS code
    refused = sms_login(local_stack, unknown, sms_code(local_stack, unknown))
    assert refused.status_code == 404 and refused.json()["error"]["field"] == "phone"


def test_the_demo_console_logins_are_a_system_admin_an_org_admin_and_a_venue_admin(local_stack):
    base = local_stack.base_url
    logins = {login["role"]: login for login in local_stack.demo["console"]["logins"]}
    sessions = {}
    for role, login in logins.items():
        assert ask_code(local_stack, login["phone"]).status_code == 200
        answer = sms_login(local_stack, login["phone"], sms_code(local_stack, login["phone"]))
        assert answer.status_code == 200, answer.text
        sessions[role] = answer.json()
        assert role in sessions[role]["roles"] and sessions[role]["person_id"] == login["person_id"]
    assert "system_admin" not in sessions["org_admin"]["roles"] + sessions["venue_admin"]["roles"]
    # the school has days of declarations to chart
    school = logins["org_admin"]["place_id"]
    days = local_stack.demo["console"]["school"]
    shown = requests.get(f"{base}/v1/orgs/{school}/stats", params={"from": days["first_day"], "to": days["last_day"]},
                         headers={"Authorization": f"Bearer {sessions['org_admin']['token']}"}, timeout=TIMEOUT)
    assert shown.status_code == 200, shown.text
    assert len(shown.json()["daily"]) == 14 and sum(d["declarations"] for d in shown.json()["daily"]) == \
        local_stack.demo["console"]["school"]["declarations"]

