"""Inbound travellers over HTTP on the local stack: apply, SMS link, captcha + SMS re-login, companions, limits.

The travellers are the demo's (infra/local/demo.py), whose entry records the stack seeds the way the
INBOUND_ENTRY feed writes them; `test_a_traveller_fed_through_the_feed_applies` uses the feed route itself.
Every test uses phones of its own, so the per-phone limits of one test never reach another.
"""

from __future__ import annotations

import random
import re
import uuid
from typing import Any

import pytest
import requests

pytestmark = pytest.mark.e2e

TIMEOUT = 15


def url(stack: Any, path: str) -> str:
    return f"{stack.base_url}{path}"


def demo(stack: Any, doc_number: str) -> dict[str, Any]:
    return next(t for t in stack.demo["inbound"] if t["doc_number"] == doc_number)


def john(stack: Any) -> dict[str, Any]:
    return demo(stack, "K12345678")


def emma(stack: Any) -> dict[str, Any]:
    return demo(stack, "K12345679")


def meihua(stack: Any) -> dict[str, Any]:
    return demo(stack, "01234567")


def new_phone() -> str:
    return f"+86137{random.randrange(10**8):08d}"


def apply(stack: Any, who: dict[str, Any], phone: str, name: str | None = None) -> requests.Response:
    body = {"name": who["name"] if name is None else name, "country": who["country"], "doc_type": who["doc_type"],
            "doc_number": who["doc_number"], "phone": phone}
    if who.get("issue_count"):
        body["issue_count"] = who["issue_count"]
    return requests.post(url(stack, "/v1/inbound/apply"), json=body, timeout=TIMEOUT)


def session(stack: Any, who: dict[str, Any]) -> dict[str, str]:
    answer = apply(stack, who, new_phone())
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def captcha(stack: Any) -> tuple[str, str]:
    """A captcha and its answer, as the dev gateway tells it."""
    made = requests.post(url(stack, "/v1/auth/captcha"), timeout=TIMEOUT)
    assert made.status_code == 200, made.text
    captcha_id = made.json()["captcha_id"]
    answer = requests.get(url(stack, f"/v1/dev/captcha/{captcha_id}"), timeout=TIMEOUT)
    assert answer.status_code == 200
    return captcha_id, answer.json()["answer"]


def texts(stack: Any, phone: str) -> list[str]:
    answer = requests.get(url(stack, "/v1/dev/sms"), params={"phone": phone}, timeout=TIMEOUT)
    return [message["text"] for message in answer.json()["messages"]]


def sms_codes(stack: Any, phone: str) -> list[str]:
    return [m.group(1) for m in (re.search(r"验证码为(\d{6})", text) for text in texts(stack, phone)) if m]


def ask_code(stack: Any, phone: str, solved: tuple[str, str] | None = None) -> requests.Response:
    captcha_id, answer = solved or captcha(stack)
    return requests.post(url(stack, "/v1/auth/sms-code"), json={"phone": phone, "captcha_id": captcha_id,
                                                                "captcha_answer": answer}, timeout=TIMEOUT)


def sms_login(stack: Any, phone: str, code: str) -> requests.Response:
    return requests.post(url(stack, "/v1/auth/sms-login"), json={"phone": phone, "sms_code": code}, timeout=TIMEOUT)


def without_companion(stack: Any, headers: dict[str, str], companion: dict[str, Any]) -> None:
    """Start from a traveller without this companion, whatever an earlier test on this stack added."""
    gone = requests.delete(url(stack, f"/v1/me/companions/{companion['person_id']}"), headers=headers, timeout=TIMEOUT)
    assert gone.status_code in (204, 404)


# --- the journey of the issue's "done when" ---------------------------------------------------------------------


def test_traveller_applies_comes_back_by_sms_adds_a_companion_and_switches(local_stack):
    stack, phone = local_stack, new_phone()

    # GIVEN a traveller whose entry record was fed, WHEN they apply typing their name given-names first
    applied = apply(stack, john(stack), phone, name="john-paul  Smith ")
    assert applied.status_code == 200, applied.text
    assert applied.json()["roles"] == ["inbound"] and applied.json()["person_id"] == john(stack)["person_id"]

    # THEN their phone receives the page link, and the link opens the page
    link = re.search(r"(http://\S+inbound\.html\S*)", texts(stack, phone)[0]).group(1)
    assert link.startswith(stack.base_url)
    page = requests.get(link, timeout=TIMEOUT)
    assert page.status_code == 200 and "粤康码" in page.text

    # WHEN they come back: captcha, SMS code, login
    assert ask_code(stack, phone).status_code == 200
    login = sms_login(stack, phone, sms_codes(stack, phone)[-1])

    # THEN they are themselves again, with an inbound code
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    own = requests.get(url(stack, "/v1/me/code"), headers=headers, timeout=TIMEOUT).json()
    assert own["person_id"] == john(stack)["person_id"] and own["code_type"] == "I" and own["color"] == "GREEN"

    # WHEN they add their companion (who passes the same real-name check) and switch to her code
    without_companion(stack, headers, emma(stack))
    added = requests.post(url(stack, "/v1/me/companions"), headers=headers, timeout=TIMEOUT,
                          json={"name": "emma smith", "doc_type": "PASSPORT", "doc_number": emma(stack)["doc_number"]})
    assert added.status_code == 201, added.text
    listed = requests.get(url(stack, "/v1/me/companions"), headers=headers, timeout=TIMEOUT).json()
    switched = requests.get(url(stack, "/v1/me/code"), params={"member": emma(stack)["person_id"]}, headers=headers,
                            timeout=TIMEOUT)

    # THEN the list shows her, and the code shown is hers
    assert [item["name"] for item in listed["items"]] == ["SMITH EMMA"]
    assert switched.status_code == 200
    assert switched.json()["person_id"] == emma(stack)["person_id"] and switched.json()["code_type"] == "I"


# --- apply ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["SMITH JOHN PAUL", "smith john paul", "  Smith   John Paul  ", "JOHN PAUL SMITH",
                                   "Smith-John-Paul", "john paul-smith"])
def test_tolerated_spellings_apply(local_stack, typed):
    answer = apply(local_stack, john(local_stack), new_phone(), name=typed)
    assert answer.status_code == 200, answer.text
    assert answer.json()["person_id"] == john(local_stack)["person_id"]


@pytest.mark.parametrize("typed", ["JOHN SMITH PAUL", "SMITH JOHN", "SMITH JOHNPAUL", "SMITH J PAUL", "SMYTH JOHN PAUL"])
def test_other_spellings_are_name_mismatch_and_send_nothing(local_stack, typed):
    phone = new_phone()
    answer = apply(local_stack, john(local_stack), phone, name=typed)
    assert answer.status_code == 400
    assert answer.json()["error"] == {"code": "NAME_MISMATCH", "field": "name",
                                      "message": "Full name unmatched with passport information(1590640002)",
                                      "message_zh": "姓名和证件不配(1590640002)"}
    assert texts(local_stack, phone) == []


def test_a_taiwan_permit_holder_applies_with_the_issue_count(local_stack):
    answer = apply(local_stack, meihua(local_stack), new_phone())
    assert answer.status_code == 200 and answer.json()["person_id"] == meihua(local_stack)["person_id"]


def test_an_unknown_document_is_document_not_found(local_stack):
    answer = apply(local_stack, john(local_stack) | {"doc_number": "K00000000"}, new_phone())
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "DOCUMENT_NOT_FOUND" and answer.json()["error"]["field"] == "doc_number"


@pytest.mark.parametrize("phone", ["13912345678", "+86 1234", "not a phone"])
def test_a_bad_phone_is_refused(local_stack, phone):
    answer = apply(local_stack, john(local_stack), phone)
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "phone"


def test_a_traveller_fed_through_the_feed_applies(local_stack):
    # GIVEN immigration feeds a new entry record through the partner route
    number = f"F{random.randrange(10**8, 10**9)}"
    record = {"event_id": f"e2e-{uuid.uuid4()}", "kind": "INBOUND_ENTRY", "occurred_at": "2026-11-20T09:30:00+08:00",
              "person": {"id_type": "PASSPORT", "id_number": number, "name": "NGUYEN VAN AN"},
              "details": {"country": "VN", "entry_date": "2026-11-20", "port": "广州白云国际机场", "vehicle": "VN502"}}
    fed = requests.post(url(local_stack, "/v1/feeds/health-events"), json=[record], timeout=TIMEOUT,
                        headers={"x-api-key": local_stack.feed_api_key})
    assert fed.status_code == 200 and fed.json()["people_created"] == 1, fed.text
    requests.post(url(local_stack, "/v1/dev/streams/drain"), timeout=60)

    # WHEN the traveller applies, surname last THEN they get their inbound session
    answer = apply(local_stack, {"name": "", "country": "VN", "doc_type": "PASSPORT", "doc_number": number},
                   new_phone(), name="Van An Nguyen")
    assert answer.status_code == 200, answer.text
    assert answer.json()["roles"] == ["inbound"]


# --- captcha and SMS limits ------------------------------------------------------------------------------------------


def test_wrong_captcha_sends_nothing(local_stack):
    phone = new_phone()
    captcha_id, answer = captcha(local_stack)
    refused = ask_code(local_stack, phone, (captcha_id, "22222" if answer != "22222" else "33333"))
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "CAPTCHA_INVALID"
    assert texts(local_stack, phone) == []


def test_a_used_captcha_is_refused_the_second_time(local_stack):
    solved = captcha(local_stack)
    assert ask_code(local_stack, new_phone(), solved).status_code == 200
    second_phone = new_phone()
    reused = ask_code(local_stack, second_phone, solved)
    assert reused.status_code == 400 and reused.json()["error"]["code"] == "CAPTCHA_INVALID"
    assert texts(local_stack, second_phone) == []


def test_the_dev_captcha_route_knows_no_unknown_captcha(local_stack):
    assert requests.get(url(local_stack, "/v1/dev/captcha/nosuchcaptcha00000000"), timeout=TIMEOUT).status_code == 404


def test_a_second_code_within_a_minute_is_429_with_retry_after(local_stack):
    phone = new_phone()
    assert ask_code(local_stack, phone).status_code == 200
    again = ask_code(local_stack, phone)
    assert again.status_code == 429 and 1 <= int(again.headers["Retry-After"]) <= 60
    assert len(sms_codes(local_stack, phone)) == 1


def test_five_wrong_codes_lock_the_phone_even_for_the_right_code(local_stack):
    # GIVEN a traveller with a code on their phone
    phone = new_phone()
    assert apply(local_stack, meihua(local_stack), phone).status_code == 200
    assert ask_code(local_stack, phone).status_code == 200
    right = sms_codes(local_stack, phone)[-1]
    wrong = f"{(int(right) + 1) % 10**6:06d}"

    # WHEN five wrong codes are tried THEN four are 400 and the fifth locks the phone
    statuses = [sms_login(local_stack, phone, wrong).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]

    # AND the right code is now 429 with Retry-After, for about 15 minutes
    locked = sms_login(local_stack, phone, right)
    assert locked.status_code == 429 and 14 * 60 <= int(locked.headers["Retry-After"]) <= 15 * 60


# --- companions --------------------------------------------------------------------------------------------------------


def test_another_travellers_companion_is_not_found(local_stack):
    # GIVEN John's companion Emma
    headers = session(local_stack, john(local_stack))
    without_companion(local_stack, headers, emma(local_stack))
    added = requests.post(url(local_stack, "/v1/me/companions"), headers=headers, timeout=TIMEOUT, json={
        "name": "SMITH EMMA", "doc_type": "PASSPORT", "doc_number": emma(local_stack)["doc_number"]})
    assert added.status_code == 201

    # WHEN another traveller asks for Emma's code THEN 404, as for anyone who is not hers
    other = session(local_stack, meihua(local_stack))
    answer = requests.get(url(local_stack, "/v1/me/code"), params={"member": emma(local_stack)["person_id"]},
                          headers=other, timeout=TIMEOUT)
    assert answer.status_code == 404


def test_a_resident_cannot_add_companions(local_stack):
    resident = local_stack.demo["people"][1]
    login = requests.post(url(local_stack, "/v1/auth/login"), timeout=TIMEOUT, json={
        "id_type": "ID_CARD", "id_number": resident["id_number"], "name": resident["name"], "method": "FACE",
        "proof": "dev-pass"})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    answer = requests.post(url(local_stack, "/v1/me/companions"), headers=headers, timeout=TIMEOUT, json={
        "name": "SMITH EMMA", "doc_type": "PASSPORT", "doc_number": emma(local_stack)["doc_number"]})
    assert answer.status_code == 403


def test_a_travellers_declaration_is_refused(local_stack):
    # GIVEN a traveller's session WHEN they submit a health declaration (FAQ (二) 1: the code only)
    answer = requests.post(url(local_stack, "/v1/me/declarations"), headers=session(local_stack, john(local_stack)),
                           json={"type": "PERSONAL", "temperature_c": 36.5}, timeout=TIMEOUT)

    # THEN it is refused with the reason
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "INBOUND_NO_DECLARATION"


def test_companions_need_a_session(local_stack):
    assert requests.get(url(local_stack, "/v1/me/companions"), timeout=TIMEOUT).status_code == 401
