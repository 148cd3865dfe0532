"""The inbound page's records (我的粤康码信息) and display log (亮码记录) in Chromium, for oneself and for a companion,
in Chinese and English, and the phone's back button stepping back through the page's views."""

from __future__ import annotations

import json
import random
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
from browser_support import SLOW_MS, api_login, expect

pytestmark = pytest.mark.browser

TIMEOUT = 15
SESSION_KEY = "ykm.inbound.session"
ULID = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b")
DEVELOPER_WORDS = ["doc_type", "PASSPORT", "entry_date", "check_kind", "VENUE_CHECK", "place_id", "place_name",
                   "NORMAL", "GREEN", "SUCCESS", "event_id"]


@pytest.fixture(scope="module")
def travellers(stack: Any) -> dict[str, dict[str, Any]]:
    inbound = {t["doc_number"]: t for t in (getattr(stack, "demo", None) or {}).get("inbound", [])}
    if not inbound:
        pytest.skip("the local stack seeds no inbound travellers")
    return {"john": inbound["K12345678"], "emma": inbound["K12345679"]}


def applied(stack: Any, who: dict[str, Any]) -> dict[str, Any]:
    """The traveller's session from POST /v1/inbound/apply (a fresh phone each time)."""
    answer = requests.post(f"{stack.base_url}/v1/inbound/apply", timeout=TIMEOUT, json={
        "name": who["name"], "country": who["country"], "doc_type": who["doc_type"], "doc_number": who["doc_number"],
        "phone": f"+86137{random.randrange(10**8):08d}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def open_signed_in(page: Any, stack: Any, session: dict[str, Any], lang: str = "zh") -> None:
    """The inbound page as the traveller finds it after applying: signed in, on the code."""
    base = stack.base_url.rstrip("/")
    page.goto(f"{base}/inbound.html")
    page.evaluate("([key, value, lang]) => { sessionStorage.setItem(key, value); localStorage.setItem('ykm.lang', lang); }",
                  [SESSION_KEY, json.dumps({"token": session["token"], "person_id": session["person_id"],
                                            "expires_at": session.get("expires_at")}), lang])
    page.goto(f"{base}/inbound.html")
    page.wait_for_selector("#code-qr[data-qr]", timeout=SLOW_MS)


def scanned_at_the_demo_venue(stack: Any, token: str, member: str | None = None) -> None:
    """An inspector of the demo venue scans the traveller's (or companion's) code: a temperature check."""
    venue = stack.demo["venue"]
    inspector = next(p for p in stack.demo["people"] if p["name"] == "李小红")
    path = "/v1/me/code" + (f"?member={member}" if member else "")
    qr = requests.get(f"{stack.base_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
    assert qr.status_code == 200, qr.text
    checked = requests.post(f"{stack.base_url}/v1/venues/{venue['place_id']}/checks", timeout=TIMEOUT,
                            json={"qr": qr.json()["qr"], "temperature": "NORMAL"},
                            headers=api_login(stack, inspector) | {"Idempotency-Key": uuid.uuid4().hex})
    assert checked.status_code in (200, 201), checked.text


def shown(page: Any, selector: str) -> str:
    return page.locator(selector).inner_text()


def test_a_traveller_reads_his_entry_and_checks_in_chinese_then_english(
    page: Any, stack: Any, travellers: dict[str, dict[str, Any]], screenshot: Callable[[str], None]
) -> None:
    # GIVEN John, signed in, whose code an inspector of the demo venue scanned
    session = applied(stack, travellers["john"])
    scanned_at_the_demo_venue(stack, session["token"])
    open_signed_in(page, stack, session)

    # WHEN he opens 我的粤康码信息
    page.click("[data-testid=open-records]")

    # THEN his entry record reads in Chinese: the country by name, the document in words, masked
    item = page.locator("#records-list [data-testid=record-item]")
    expect(item.first).to_contain_text("入境情况记录", timeout=SLOW_MS)
    expect(item.first.locator("dd[data-field=country]")).to_have_text("美国")
    expect(item.first.locator("dd[data-field=doc_type]")).to_have_text("护照")
    expect(item.first.locator("dd[data-field=doc_number]")).to_have_text(re.compile(r"\*"))
    expect(item.first).to_contain_text("入境口岸")
    screenshot("inbound_records_zh.png")

    # AND his temperature check names the venue
    page.click("[data-testid=records-tab-temperature]")
    expect(item.first.locator("dd[data-field=place_name]")).to_have_text(stack.demo["venue"]["name"], timeout=SLOW_MS)
    expect(item.first.locator("dd[data-field=check_kind]")).to_have_text("检测员扫码")
    text = shown(page, "#records-list")
    assert not ULID.search(text) and not [w for w in DEVELOPER_WORDS if w in text], text

    # WHEN he switches to English THEN the same records read in English
    page.click("#lang-toggle")
    expect(page.locator("#records-heading")).to_have_text("My health records")
    expect(page.locator("[data-testid=records-tab-temperature]")).to_have_text("Temperature checks")
    expect(item.first).to_contain_text("Place")
    expect(item.first.locator("dd[data-field=temperature]")).to_have_text("Normal")
    page.click("[data-testid=records-tab-inbound_entry]")
    expect(item.first.locator("dd[data-field=country]")).to_have_text("United States", timeout=SLOW_MS)
    expect(item.first).to_contain_text("Port of entry")
    screenshot("inbound_records_en.png")


def test_the_display_log_lists_the_travellers_displays_with_their_result(
    page: Any, stack: Any, travellers: dict[str, dict[str, Any]], screenshot: Callable[[str], None]
) -> None:
    # GIVEN John, signed in on his code
    open_signed_in(page, stack, applied(stack, travellers["john"]))

    # WHEN he opens 亮码记录
    page.click("[data-testid=open-log]")

    # THEN the display just made is listed as a success, under 状态
    status = page.locator("#display-log [data-testid=display-log-status]")
    expect(status.first).to_have_text("成功", timeout=SLOW_MS)
    expect(page.locator("#display-log-head")).to_contain_text("状态")
    expect(page.locator("#display-log [data-testid=display-log-item]").first).to_contain_text("入境人员粤康码")

    # AND in English it reads Succeeded
    page.click("#lang-toggle")
    expect(status.first).to_have_text("Succeeded")
    expect(page.locator("#log-heading")).to_have_text("Code displays (last 3 days)")
    screenshot("inbound_display_log_en.png")


def test_a_failed_display_is_shown_as_failed_in_both_languages(
    page: Any, stack: Any, travellers: dict[str, dict[str, Any]]
) -> None:
    # GIVEN a display log with a display the server could not complete, and one without a status
    log = [{"at": "2026-11-20T09:32:00.000+08:00", "color": "GREEN", "code_type": "I", "status": "FAILED"},
           {"at": "2026-11-20T09:30:00.000+08:00", "color": "GREEN", "code_type": "I"}]
    page.route("**/v1/me/display-log?*", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps({"items": log, "next_cursor": None})))
    open_signed_in(page, stack, applied(stack, travellers["john"]))

    # WHEN he opens 亮码记录 THEN the failed one says 失败, the other 成功; in English Failed and Succeeded
    page.click("[data-testid=open-log]")
    status = page.locator("#display-log [data-testid=display-log-status]")
    expect(status).to_have_text(["失败", "成功"], timeout=SLOW_MS)
    page.click("#lang-toggle")
    expect(status).to_have_text(["Failed", "Succeeded"])


def test_a_traveller_reads_his_companions_records_after_switching(
    page: Any, stack: Any, travellers: dict[str, dict[str, Any]]
) -> None:
    # GIVEN John with his companion Emma
    john, emma = travellers["john"], travellers["emma"]
    session = applied(stack, john)
    added = requests.post(f"{stack.base_url}/v1/me/companions", timeout=TIMEOUT,
                          headers={"Authorization": f"Bearer {session['token']}"},
                          json={"name": emma["name"], "doc_type": emma["doc_type"], "doc_number": emma["doc_number"]})
    assert added.status_code in (201, 409), added.text
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/v1/me/" in request.url else None)
    open_signed_in(page, stack, session)

    # WHEN he switches to Emma and opens her records and display log
    page.click("#switch-open")
    page.click(f"[data-testid=switch-option][data-person-id='{emma['person_id']}']")
    expect(page.locator("#code-holder")).to_have_text(emma["name"], timeout=SLOW_MS)
    page.click("[data-testid=open-records]")

    # THEN the records are hers: her name above them, her document masked, asked for with member=
    expect(page.locator("[data-testid=records-holder]")).to_have_text(emma["name"])
    expect(page.locator("#records-list dd[data-field=doc_number]").first).to_have_text(re.compile(r"5679$"),
                                                                                        timeout=SLOW_MS)
    assert any("/v1/me/records?" in url and f"member={emma['person_id']}" in url for url in asked)
    page.go_back()
    page.click("[data-testid=open-log]")
    expect(page.locator("[data-testid=log-holder]")).to_have_text(emma["name"])
    expect(page.locator("#display-log [data-testid=display-log-status]").first).to_have_text("成功", timeout=SLOW_MS)
    assert any("/v1/me/display-log?" in url and f"member={emma['person_id']}" in url for url in asked)


@pytest.mark.parametrize(("service", "view"), [("open-records", "#records-view"), ("open-log", "#log-view")])
def test_the_phones_back_button_returns_from_a_service_to_the_code(
    page: Any, stack: Any, travellers: dict[str, dict[str, Any]], service: str, view: str
) -> None:
    # GIVEN John on his code, who opens a service
    open_signed_in(page, stack, applied(stack, travellers["john"]))
    page.click(f"[data-testid={service}]")
    expect(page.locator(view)).to_be_visible()

    # WHEN he presses the phone's back button THEN his code is back, on this page
    page.go_back()
    expect(page.locator("#code-view")).to_be_visible()
    expect(page.locator(view)).to_be_hidden()
    expect(page.locator("#code-qr")).to_have_attribute("data-qr", re.compile(r".+"))

    # AND ‹ 返回 does the same without leaving an entry to step through
    page.click(f"[data-testid={service}]")
    page.locator(f"{view} .back").click()
    expect(page.locator("#code-view")).to_be_visible()
    page.click(f"[data-testid={service}]")
    page.go_back()
    expect(page.locator("#code-view")).to_be_visible()


def test_the_back_button_steps_from_the_sms_login_to_the_application_form(page: Any, stack: Any) -> None:
    # GIVEN a first-time visitor on the application form, who follows the link to the SMS login
    base = stack.base_url.rstrip("/")
    page.goto(f"{base}/inbound.html")
    page.evaluate("sessionStorage.clear(); localStorage.clear()")
    page.goto(f"{base}/inbound.html")
    expect(page.locator("#apply-view")).to_be_visible()
    page.click("#to-return")
    expect(page.locator("#return-view")).to_be_visible()

    # WHEN they press the phone's back button THEN the application form is back, on this page
    page.go_back()
    expect(page.locator("#apply-view")).to_be_visible()
    expect(page.locator("#return-view")).to_be_hidden()
