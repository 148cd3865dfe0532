"""The public venues page (web/venue.html) in Chromium: the venue admin's screens (create with the region picker, join
code, statistics, members, admin transfer confirmed by the successor after logging in, weekly edit), the inspector's
(bind, scan by camera, scanner or paste, preview, then submit the temperature once however often clicked, 葵花码) and
the resident's quick check-in (a red code is told what to do)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from browser_support import (
    SLOW_MS,
    accept_after_login,
    api_login,
    camera_page,
    create_venue,
    drain,
    expect,
    fresh_identity,
    log_in,
    red_resident,
)

pytestmark = pytest.mark.browser


def _identity(name: str) -> dict[str, str]:
    return fresh_identity(name, "1989")


def _api_login(stack: Any, identity: dict[str, str]) -> dict[str, str]:
    return api_login(stack, identity, "+8613712345678")  # the phone the inspector sees masked: 137****5678


def test_without_a_session_the_page_sends_to_the_login(page: Any, stack: Any) -> None:
    # GIVEN no login WHEN the venues page opens THEN it asks to log in first and shows no venue screen
    page.goto(stack.base_url.rstrip("/") + "/venue.html")
    expect(page.locator("#no-session")).to_be_visible()
    expect(page.locator("#venue-main")).to_be_hidden()


def _pick_region(page: Any, form: str, city: str, county: str, township: str) -> None:
    page.select_option(f"[data-testid={form}-city]", city)
    page.select_option(f"[data-testid={form}-county]", county)
    page.select_option(f"[data-testid={form}-township]", township)


def _bind(stack: Any, headers: dict[str, str], venue: dict[str, Any]) -> None:
    joined = requests.post(f"{stack.base_url}/v1/venues/join", headers=headers, timeout=10,
                           json={"join_code": venue["join_code"]})
    assert joined.status_code == 201, joined.text


def _stats(stack: Any, headers: dict[str, str], place_id: str) -> dict[str, Any]:
    return requests.get(f"{stack.base_url}/v1/venues/{place_id}/stats", headers=headers, timeout=10).json()


def test_the_venue_loop_on_the_page(page: Any, stack: Any, screenshot: Callable[[str], None]) -> None:
    base = stack.base_url.rstrip("/")
    admin, visitor = _identity("罗管理"), _identity("欧阳访客")
    admin_headers = _api_login(stack, admin)
    visitor_headers = _api_login(stack, visitor)
    visitor_qr = requests.get(f"{base}/v1/me/code", headers=visitor_headers, timeout=10).json()["qr"]

    # GIVEN a resident logged in WHEN they open 公共场所 from their code page and create a venue, picking the region
    # province -> city -> county -> township (no typed code)
    log_in(page, stack, admin)
    page.click("[data-testid=open-venues]")
    expect(page.locator("#create-form")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("[data-testid=create-province]")).to_have_value("44")  # the one province venues are in
    page.fill("#create-address", "体育西路1号")
    page.select_option("#create-type", "RESTAURANT")
    page.fill("#create-name", "体育西食堂")
    page.fill("#create-phone", "13800138000")
    page.select_option("[data-testid=create-city]", "4401")
    page.select_option("[data-testid=create-county]", "440106")
    page.click("[data-testid=create-submit]")  # no township yet: the field is named, nothing sent
    expect(page.locator("#venue-error")).to_contain_text("乡镇街道")
    page.select_option("[data-testid=create-township]", "440106002")
    expect(page.locator("[data-testid=create-township] option:checked")).to_have_text("员村街道")
    screenshot("venue_create.png")
    page.click("[data-testid=create-submit]")

    # THEN the venue is shown with its region's name and fixed 12-digit join code
    expect(page.locator("#my-venue")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#venue-name")).to_have_text("体育西食堂")
    expect(page.locator("#venue-type")).to_have_text("餐饮")
    expect(page.locator("#venue-region")).to_have_text("广东省广州市天河区员村街道（440106002）")
    join_code = page.locator("#join-code").inner_text()
    assert len(join_code) == 12 and join_code.isdigit()
    place_id = requests.get(f"{base}/v1/venues/mine", headers=admin_headers, timeout=10).json()["place_id"]

    # WHEN the admin binds as an inspector too and a hardware scanner types the visitor's code and Enter
    page.click("[data-testid=tab-inspector]")
    page.fill("#join-code-input", join_code)
    page.click("[data-testid=join-submit]")
    expect(page.locator("[data-testid=inspector-venue]")).to_have_count(1, timeout=SLOW_MS)
    expect(page.locator("#check-view")).to_be_visible(timeout=SLOW_MS)  # the one venue opens for checking
    expect(page.locator("#inspector-today")).to_have_text("0")
    page.locator("#check-qr").fill(visitor_qr)
    page.locator("#check-qr").press("Enter")

    # THEN before any decision the masked name and phone and the colour are shown, and nothing is recorded yet
    expect(page.locator("#check-preview")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#check-name")).to_have_text("欧**客")
    expect(page.locator("#check-phone")).to_have_text("137****5678")
    expect(page.locator("#check-color")).to_have_text("绿码")
    expect(page.locator("#check-declaration")).to_be_hidden()
    drain(stack)
    assert _stats(stack, admin_headers, place_id)["checks_total"] == 0

    # WHEN the inspector looks at the health information THEN the latest declaration (none) is shown
    page.click("[data-testid=check-health]")
    expect(page.locator("#check-declaration")).to_have_text("暂无健康申报记录")
    assert "欧阳访客" not in page.content() and "13712345678" not in page.content()
    screenshot("venue_check_preview.png")

    # WHEN they pick 发热 · 提交 THEN it is recorded, the page is back to scanning and 今日检测 counts it at once
    page.click("[data-testid=check-fever]")
    expect(page.locator("#check-done")).to_contain_text("已登记：欧**客 · 绿码 · 体温发热", timeout=SLOW_MS)
    expect(page.locator("#check-preview")).to_be_hidden()
    expect(page.locator("#check-qr")).to_have_value("")
    expect(page.locator("#inspector-today")).to_have_text("1")
    expect(page.locator("#inspector-total")).to_have_text("1")
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

    # WHEN the next check-in fails THEN the old 打卡成功 box goes and only the error is shown
    page.fill("#checkin-qr", "YKM1.forged.code.sig")
    page.click("[data-testid=checkin-submit]")
    expect(page.locator("#venue-error")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#checkin-result")).to_be_hidden()

    # THEN, once the stream is folded, the admin's statistics count both, the fever and the inspector
    drain(stack)
    page.click("[data-testid=tab-admin]")
    expect(page.locator("#my-venue")).to_be_visible(timeout=SLOW_MS)
    page.click("[data-testid=open-stats]")
    expect(page.locator("#stats-checks-total")).to_have_text("2", timeout=SLOW_MS)
    expect(page.locator("#stats-fever-total")).to_have_text("1")
    expect(page.locator("#stats-quick-today")).to_have_text("1")
    expect(page.locator("[data-testid=stats-inspector]")).to_have_count(1)
    expect(page.locator("[data-testid=stats-inspector]")).to_contain_text("罗*理：今日 1")
    screenshot("venue_stats.png")

    # WHEN the admin moves the venue to another township THEN the picker shows the venue's region, and it changes
    page.click("[data-testid=open-edit]")
    expect(page.locator("[data-testid=edit-township]")).to_have_value("440106002")
    page.select_option("[data-testid=edit-township]", "440106003")
    page.fill("#edit-name", "体育西饭堂")
    page.click("[data-testid=edit-submit]")
    expect(page.locator("#venue-name")).to_have_text("体育西饭堂", timeout=SLOW_MS)
    expect(page.locator("#venue-region")).to_have_text("广东省广州市天河区车陂街道（440106003）")
    expect(page.locator("#edit-limit")).to_contain_text("下次可修改日期")
    expect(page.locator("[data-testid=edit-submit]")).to_be_disabled()  # not re-enabled when its request ends


def test_the_successor_logs_in_first_and_accepts_the_named_venue(page: Any, stack: Any,
                                                                 screenshot: Callable[[str], None]) -> None:
    base = stack.base_url.rstrip("/")
    admin, successor = _identity("卢管理"), _identity("韩接任")
    admin_headers = _api_login(stack, admin)
    _api_login(stack, successor)  # registered: the successor has logged in once
    venue = create_venue(stack, admin_headers, "体育东饭堂")

    # GIVEN the admin offers the role in 成员管理 and copies the link
    log_in(page, stack, admin)
    page.goto(base + "/venue.html")
    expect(page.locator("#my-venue")).to_be_visible(timeout=SLOW_MS)
    page.click("[data-testid=open-members]")
    page.fill("#transfer-name", successor["name"])
    page.fill("#transfer-id-number", successor["id_number"])
    page.click("[data-testid=transfer-submit]")
    expect(page.locator("#transfer-link")).to_contain_text("#accept=", timeout=SLOW_MS)
    link = page.locator("#transfer-link").inner_text().split("：", 1)[1].strip()

    # WHEN the successor opens the link in a browser that is not logged in THEN they are asked to log in first, and
    # after the login they come back to the invitation, which names the venue
    accept_after_login(page, link, successor, "接任场所管理员的邀请")
    expect(page.locator("#accept-venue-name")).to_have_text("体育东饭堂", timeout=SLOW_MS)
    expect(page.locator("#accept-venue")).to_contain_text("广东省广州市天河区")
    screenshot("venue_accept.png")

    # WHEN they confirm THEN they are the venue's admin
    page.click("#accept-transfer")
    expect(page.locator("#my-venue")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#venue-name")).to_have_text("体育东饭堂")
    assert requests.get(f"{base}/v1/venues/mine", headers=admin_headers, timeout=10).status_code == 404
    assert requests.get(f"{base}/v1/venues/mine", headers=_api_login(stack, successor),
                        timeout=10).json()["place_id"] == venue["place_id"]


def test_double_clicks_record_one_check_and_create_one_venue(page: Any, stack: Any) -> None:
    base = stack.base_url.rstrip("/")
    admin, visitor = _identity("祝管理"), _identity("尤访客")
    admin_headers = _api_login(stack, admin)
    visitor_qr = requests.get(f"{base}/v1/me/code", headers=_api_login(stack, visitor), timeout=10).json()["qr"]
    keys: list[str] = []
    page.on("request", lambda request: keys.append(request.headers.get("idempotency-key", ""))
            if request.url.endswith("/checks") and request.method == "POST" else None)

    # GIVEN a new admin WHEN they double-click 确认创建 THEN the venue is shown, with no error over it
    log_in(page, stack, admin)
    page.goto(base + "/venue.html")
    expect(page.locator("#create-form")).to_be_visible(timeout=SLOW_MS)
    _pick_region(page, "create", "4401", "440106", "440106001")
    page.fill("#create-address", "天河北路11号")
    page.fill("#create-name", "双击小馆")
    page.fill("#create-phone", "13800138000")
    page.dblclick("[data-testid=create-submit]")
    expect(page.locator("#my-venue")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#venue-error")).to_be_hidden()

    # WHEN the admin, bound as inspector, scans a code and double-clicks 发热 · 提交 THEN one check is recorded
    venue = requests.get(f"{base}/v1/venues/mine", headers=admin_headers, timeout=10).json()
    _bind(stack, admin_headers, venue)
    page.click("[data-testid=tab-inspector]")
    expect(page.locator("#check-view")).to_be_visible(timeout=SLOW_MS)
    page.fill("#check-qr", visitor_qr)
    page.click("[data-testid=check-read]")
    expect(page.locator("#check-preview")).to_be_visible(timeout=SLOW_MS)
    page.dblclick("[data-testid=check-fever]")
    expect(page.locator("#check-done")).to_contain_text("体温发热", timeout=SLOW_MS)
    expect(page.locator("#inspector-today")).to_have_text("1")
    drain(stack)
    assert _stats(stack, admin_headers, venue["place_id"])["checks_total"] == 1
    assert len(set(keys)) == 1 and keys[0]  # whatever was sent went under one key


def test_an_inspector_opening_public_venues_lands_on_checking(page: Any, stack: Any) -> None:
    base = stack.base_url.rstrip("/")
    admin, inspector = _identity("甘管理"), _identity("甘检测")
    venue = create_venue(stack, _api_login(stack, admin), "甘家超市")
    _bind(stack, _api_login(stack, inspector), venue)

    # GIVEN an inspector (no venue of their own) WHEN they open 公共场所 THEN they land on the checking screen
    log_in(page, stack, inspector)
    page.click("[data-testid=open-venues]")
    expect(page.locator("#check-view")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#check-venue")).to_have_text("甘家超市")
    expect(page.locator("[data-testid=tab-inspector]")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#create-form")).to_be_hidden()
    assert page.url == base + "/venue.html"


def test_a_red_code_check_in_shows_the_guidance(page: Any, stack: Any, screenshot: Callable[[str], None]) -> None:
    base = stack.base_url.rstrip("/")
    admin_headers = _api_login(stack, _identity("马管理"))
    venue = create_venue(stack, admin_headers, "马家茶楼")
    quick_qr = requests.get(f"{base}/v1/venues/{venue['place_id']}/quick-code", headers=admin_headers,
                            timeout=10).json()["qr"]
    red, _ = red_resident(stack, "邓红码", "1989", "+8613712345678")

    # GIVEN a resident with a red code WHEN they check in with the venue's 葵花码
    log_in(page, stack, red)
    page.goto(base + "/venue.html#tab=checkin")
    page.fill("#checkin-qr", quick_qr)
    page.click("[data-testid=checkin-submit]")

    # THEN they are told not to enter, with the reason and how to clear it; never 打卡成功
    expect(page.locator("#checkin-result")).to_contain_text("红码，请勿进入", timeout=SLOW_MS)
    expect(page.locator("#checkin-result")).not_to_contain_text("打卡成功")
    expect(page.locator("#checkin-reasons [data-testid=reason-tag]")).to_have_count(1)
    expect(page.locator("#checkin-reasons [data-testid=reason-guide]")).to_be_visible()
    screenshot("venue_checkin_red.png")


def test_the_inspector_scans_with_the_phone_camera(browser: Any, stack: Any, tmp_path: Path) -> None:
    base = stack.base_url.rstrip("/")
    admin, visitor = _identity("钱管理"), _identity("孙访客")
    admin_headers = _api_login(stack, admin)
    venue = create_venue(stack, admin_headers, "钱家餐厅")
    _bind(stack, admin_headers, venue)
    visitor_qr = requests.get(f"{base}/v1/me/code", headers=_api_login(stack, visitor), timeout=10).json()["qr"]

    # GIVEN a phone whose camera sees the visitor's code (Chromium's fake camera playing a video of it)
    with camera_page(browser, base, tmp_path, visitor_qr) as phone:
        log_in(phone, stack, admin)
        phone.goto(base + "/venue.html#tab=inspector")
        expect(phone.locator("#check-view")).to_be_visible(timeout=SLOW_MS)

        # WHEN the inspector taps 摄像头扫码 THEN the code is read from the picture and its preview appears
        phone.click("[data-testid=check-camera]")
        expect(phone.locator("#check-preview")).to_be_visible(timeout=SLOW_MS)
        expect(phone.locator("#check-name")).to_have_text("孙*客")
        expect(phone.locator("#check-qr")).to_have_value(visitor_qr)
        expect(phone.locator("#check-camera-box")).to_be_hidden()  # the camera is closed again
        assert phone.evaluate("document.querySelector('[data-testid=camera-video]').srcObject") is None


def test_the_admin_unbinds_and_readmits_an_inspector_on_the_page(page: Any, stack: Any) -> None:
    base = stack.base_url.rstrip("/")
    admin, inspector = _identity("钟管理"), _identity("易检测")
    admin_headers, inspector_headers = _api_login(stack, admin), _api_login(stack, inspector)
    venue = create_venue(stack, admin_headers, "天河写字楼")
    join = {"join_code": venue["join_code"]}
    assert requests.post(f"{base}/v1/venues/join", headers=inspector_headers, json=join, timeout=10).status_code == 201
    page.on("dialog", lambda dialog: dialog.accept())

    # GIVEN the admin on 成员管理 WHEN they unbind the inspector THEN the inspector moves to 已解除绑定
    log_in(page, stack, admin)
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
    create_venue(stack, admin_headers, "天河酒店")
    page.on("dialog", lambda dialog: dialog.accept())

    # GIVEN the admin on 成员管理 WHEN they offer the role THEN the pending offer is shown with the successor masked
    log_in(page, stack, admin)
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
