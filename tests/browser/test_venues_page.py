"""The public venues page (web/venue.html) in Chromium: the venue admin's screens (create, join code, statistics,
members, admin transfer confirmed by the successor, weekly edit), the inspector's (bind, scan and submit the
temperature, 葵花码) and the resident's quick check-in."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
import requests

from infra.local.demo import id_number

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

SLOW_MS = 30_000


def _identity(name: str) -> dict[str, str]:
    first17 = f"4401041989{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}"
    return {"id_number": id_number(first17), "name": name}


def _api_login(stack: Any, identity: dict[str, str]) -> dict[str, str]:
    answer = requests.post(f"{stack.base_url}/v1/auth/login", timeout=10, json={
        "id_type": "ID_CARD", "id_number": identity["id_number"], "name": identity["name"], "method": "FACE",
        "proof": "dev-pass", "phone": "+8613712345678"})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _log_in(page: Any, stack: Any, identity: dict[str, str]) -> None:
    page.goto(stack.base_url.rstrip("/") + "/")
    page.evaluate("sessionStorage.clear()")
    page.goto(stack.base_url.rstrip("/") + "/")
    page.fill("#id-number", identity["id_number"])
    page.fill("#name", identity["name"])
    page.fill("#proof", "dev-pass")
    page.click("#login-submit")
    page.wait_for_selector("#code-qr[data-qr]", state="visible", timeout=SLOW_MS)


def test_without_a_session_the_page_sends_to_the_login(page: Any, stack: Any) -> None:
    # GIVEN no login WHEN the venues page opens THEN it asks to log in first and shows no venue screen
    page.goto(stack.base_url.rstrip("/") + "/venue.html")
    expect(page.locator("#no-session")).to_be_visible()
    expect(page.locator("#venue-main")).to_be_hidden()


def test_the_venue_loop_on_the_page(page: Any, stack: Any, screenshot: Callable[[str], None]) -> None:
    base = stack.base_url.rstrip("/")
    admin, visitor, successor = _identity("罗管理"), _identity("欧阳访客"), _identity("韩接任")
    admin_headers = _api_login(stack, admin)
    visitor_headers = _api_login(stack, visitor)
    _api_login(stack, successor)  # registered: the successor has logged in once
    visitor_qr = requests.get(f"{base}/v1/me/code", headers=visitor_headers, timeout=10).json()["qr"]

    # GIVEN a resident logged in WHEN they open 公共场所 from their code page and create a venue
    _log_in(page, stack, admin)
    page.click("[data-testid=open-venues]")
    expect(page.locator("#create-form")).to_be_visible(timeout=SLOW_MS)
    page.fill("#create-region", "44010600")  # one digit short: the field is named
    page.fill("#create-address", "体育西路1号")
    page.select_option("#create-type", "RESTAURANT")
    page.fill("#create-name", "体育西食堂")
    page.fill("#create-phone", "13800138000")
    page.click("[data-testid=create-submit]")
    expect(page.locator("#venue-error")).to_contain_text("9位")
    page.fill("#create-region", "440106001")
    page.click("[data-testid=create-submit]")

    # THEN the venue is shown with its fixed 12-digit join code
    expect(page.locator("#my-venue")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#venue-name")).to_have_text("体育西食堂")
    expect(page.locator("#venue-type")).to_have_text("餐饮")
    join_code = page.locator("#join-code").inner_text()
    assert len(join_code) == 12 and join_code.isdigit()
    place_id = requests.get(f"{base}/v1/venues/mine", headers=admin_headers, timeout=10).json()["place_id"]

    # WHEN the admin binds as an inspector too, scans the visitor's code and submits FEVER with the health info
    page.click("[data-testid=tab-inspector]")
    page.fill("#join-code-input", join_code)
    page.click("[data-testid=join-submit]")
    expect(page.locator("[data-testid=inspector-venue]")).to_have_count(1, timeout=SLOW_MS)
    page.click("[data-testid=inspector-venue-open]")
    page.fill("#check-qr", visitor_qr)
    page.check("#check-with-declaration")
    page.click("[data-testid=check-fever]")

    # THEN the masked name and phone, the colour and the (absent) declaration are shown, never the full name
    expect(page.locator("#check-result")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#check-name")).to_have_text("欧**客")
    expect(page.locator("#check-phone")).to_have_text("137****5678")
    expect(page.locator("#check-color")).to_contain_text("绿码")
    expect(page.locator("#check-color")).to_contain_text("发热")
    expect(page.locator("#check-declaration")).to_have_text("暂无健康申报记录")
    assert "欧阳访客" not in page.content() and "13712345678" not in page.content()
    screenshot("venue_check.png")

    # WHEN the inspector shows the 葵花码 THEN the printable poster is drawn
    page.click("#quick-code-show")
    expect(page.locator("#quick-code-image")).to_be_visible(timeout=SLOW_MS)
    page.wait_for_function("document.getElementById('quick-code-image').naturalWidth === 1240", timeout=SLOW_MS)

    # WHEN a resident checks in with the venue's quick code THEN it succeeds with a normal temperature
    quick_qr = requests.get(f"{base}/v1/venues/{place_id}/quick-code", headers=admin_headers, timeout=10).json()["qr"]
    page.click("[data-testid=tab-checkin]")
    page.fill("#checkin-qr", quick_qr)
    page.click("[data-testid=checkin-submit]")
    expect(page.locator("#checkin-result")).to_contain_text("打卡成功：体育西食堂", timeout=SLOW_MS)

    # THEN, once the stream is folded, the admin's statistics count both, the fever and the inspector
    assert requests.post(f"{base}/v1/dev/streams/drain", timeout=60).json()["failures"] == []
    page.click("[data-testid=tab-admin]")
    expect(page.locator("#my-venue")).to_be_visible(timeout=SLOW_MS)
    page.click("[data-testid=open-stats]")
    expect(page.locator("#stats-checks-total")).to_have_text("2", timeout=SLOW_MS)
    expect(page.locator("#stats-fever-total")).to_have_text("1")
    expect(page.locator("#stats-quick-today")).to_have_text("1")
    expect(page.locator("[data-testid=stats-inspector]")).to_have_count(1)
    expect(page.locator("[data-testid=stats-inspector]")).to_contain_text("罗*理：今日 1")
    screenshot("venue_stats.png")

    # WHEN the admin edits the name THEN it changes, and the next edit waits for next week
    page.click("[data-testid=open-edit]")
    page.fill("#edit-name", "体育西饭堂")
    page.click("[data-testid=edit-submit]")
    expect(page.locator("#venue-name")).to_have_text("体育西饭堂", timeout=SLOW_MS)
    expect(page.locator("#edit-limit")).to_contain_text("下次可修改日期")

    # WHEN the admin offers the role to a successor in 成员管理
    page.click("[data-testid=open-members]")
    expect(page.locator("[data-testid=member]")).to_have_count(1, timeout=SLOW_MS)
    page.fill("#transfer-name", successor["name"])
    page.fill("#transfer-id-number", successor["id_number"])
    page.click("[data-testid=transfer-submit]")
    expect(page.locator("#transfer-link")).to_contain_text("#accept=", timeout=SLOW_MS)
    link = page.locator("#transfer-link").inner_text().split("：", 1)[1].strip()

    # THEN the successor, logged in, confirms with the link and becomes the admin
    _log_in(page, stack, successor)
    page.goto(link)
    expect(page.locator("#accept-view")).to_be_visible(timeout=SLOW_MS)
    page.click("#accept-transfer")
    expect(page.locator("#my-venue")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#venue-name")).to_have_text("体育西饭堂")
    assert requests.get(f"{base}/v1/venues/mine", headers=admin_headers, timeout=10).status_code == 404


def test_the_admin_unbinds_and_readmits_an_inspector_on_the_page(page: Any, stack: Any) -> None:
    base = stack.base_url.rstrip("/")
    admin, inspector = _identity("钟管理"), _identity("易检测")
    admin_headers, inspector_headers = _api_login(stack, admin), _api_login(stack, inspector)
    created = requests.post(f"{base}/v1/venues", headers=admin_headers, timeout=10, json={
        "region_code": "440106001", "address": "天河北路3号", "type": "OFFICE", "name": "天河写字楼",
        "phone": "+8613800138000"})
    assert created.status_code == 201, created.text
    venue = created.json()
    join = {"join_code": venue["join_code"]}
    assert requests.post(f"{base}/v1/venues/join", headers=inspector_headers, json=join, timeout=10).status_code == 201
    page.on("dialog", lambda dialog: dialog.accept())

    # GIVEN the admin on 成员管理 WHEN they unbind the inspector THEN the inspector moves to 已解除绑定
    _log_in(page, stack, admin)
    page.goto(base + "/venue.html")
    expect(page.locator("#my-venue")).to_be_visible(timeout=SLOW_MS)
    page.click("[data-testid=open-members]")
    expect(page.locator("[data-testid=member]")).to_have_count(1, timeout=SLOW_MS)
    expect(page.locator("[data-testid=revoked-empty]")).to_be_visible()
    page.click("[data-testid=member-unbind]")
    expect(page.locator("[data-testid=revoked]")).to_have_count(1, timeout=SLOW_MS)
    expect(page.locator("[data-testid=revoked]")).to_contain_text("易*测")
    expect(page.locator("[data-testid=members-empty]")).to_be_visible()
    assert requests.post(f"{base}/v1/venues/join", headers=inspector_headers, json=join, timeout=10).status_code == 409

    # WHEN the admin restores their eligibility THEN the list empties and the join code admits them again
    page.click("[data-testid=revoked-readmit]")
    expect(page.locator("[data-testid=revoked]")).to_have_count(0, timeout=SLOW_MS)
    expect(page.locator("[data-testid=revoked-empty]")).to_be_visible()
    assert requests.post(f"{base}/v1/venues/join", headers=inspector_headers, json=join, timeout=10).status_code == 201


def test_the_admin_sees_and_withdraws_a_pending_transfer_on_the_page(page: Any, stack: Any) -> None:
    base = stack.base_url.rstrip("/")
    admin, successor = _identity("庞管理"), _identity("祁接任")
    admin_headers, successor_headers = _api_login(stack, admin), _api_login(stack, successor)
    created = requests.post(f"{base}/v1/venues", headers=admin_headers, timeout=10, json={
        "region_code": "440106001", "address": "天河北路5号", "type": "HOTEL", "name": "天河酒店",
        "phone": "+8613800138000"})
    assert created.status_code == 201, created.text
    page.on("dialog", lambda dialog: dialog.accept())

    # GIVEN the admin on 成员管理 WHEN they offer the role THEN the pending offer is shown with the successor masked
    _log_in(page, stack, admin)
    page.goto(base + "/venue.html")
    expect(page.locator("#my-venue")).to_be_visible(timeout=SLOW_MS)
    page.click("[data-testid=open-members]")
    expect(page.locator("[data-testid=members-empty]")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("[data-testid=transfer-pending]")).to_be_hidden()
    page.fill("#transfer-name", successor["name"])
    page.fill("#transfer-id-number", successor["id_number"])
    page.click("[data-testid=transfer-submit]")
    expect(page.locator("[data-testid=transfer-pending]")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("[data-testid=transfer-pending-text]")).to_contain_text("祁*任")
    token = page.locator("#transfer-link").inner_text().split("#accept=", 1)[1].strip()

    # WHEN they withdraw it THEN the notice goes and the successor's link no longer works
    # (activated from the keyboard: on the mobile viewport the zoom left by the form's inputs can make a pointer
    # click land on the heading above; the button is the same)
    page.focus("[data-testid=transfer-cancel]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=transfer-pending]")).to_be_hidden(timeout=SLOW_MS)
    expect(page.locator("#transfer-link")).to_be_hidden()
    accepted = requests.post(f"{base}/v1/venues/admin-transfer/{token}/accept", headers=successor_headers, timeout=10)
    assert accepted.status_code == 404
