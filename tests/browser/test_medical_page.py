"""The medical staff's page (web/medical.html) in Chromium: the demo doctor scans a red resident's code, issues the
release-from-medical-observation e-notice (its Idempotency-Key reused after a lost answer) and finds it under
我的工作台; the resident's code turns green. A resident without the role is refused; a system admin grants the
role from a pasted list of table 4-1 and the listed doctor then finds the page."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests
from browser_support import (
    SLOW_MS,
    camera_page,
    drain,
    expect,
    fresh_identity,
    log_in,
    lose_first_post_answer,
    red_resident,
)
from healthcode.core.clock import SHANGHAI

pytestmark = pytest.mark.browser


def _code(stack: Any, headers: dict[str, str]) -> dict[str, Any]:
    return requests.get(f"{stack.base_url}/v1/me/code", headers=headers, timeout=10).json()


def _demo(stack: Any, role: str) -> dict[str, str]:
    return next(p for p in stack.demo["people"] if role in p["roles"])


def test_without_a_session_the_page_sends_to_the_login(page: Any, stack: Any) -> None:
    # GIVEN no login WHEN the medical page opens THEN it asks to log in first and shows no medical screen
    page.goto(stack.base_url.rstrip("/") + "/medical.html")
    expect(page.locator("#no-session")).to_be_visible()
    expect(page.locator("#medical-main")).to_be_hidden()


def test_a_resident_without_the_medical_role_is_refused(page: Any, stack: Any) -> None:
    # GIVEN a resident without the medical role logged in
    log_in(page, stack, fresh_identity("郑居民", "1991"))

    # THEN the code page offers no medical entry
    expect(page.locator("[data-testid=open-medical]")).to_be_hidden()

    # WHEN they open the medical page anyway THEN they are told the function needs the role, with no form
    page.goto(stack.base_url.rstrip("/") + "/medical.html")
    expect(page.locator("#not-medical")).to_be_visible()
    expect(page.locator("#not-medical")).to_contain_text("仅限在系统后台开通了权限的医护人员使用")
    expect(page.locator("#medical-main")).to_be_hidden()
    expect(page.locator("#open-workbench")).to_be_hidden()


def test_the_doctor_releases_a_red_resident_who_turns_green(page: Any, stack: Any,
                                                            screenshot: Callable[[str], None]) -> None:
    person, resident = red_resident(stack, "邓观察", "1991")
    qr = _code(stack, resident)["qr"]
    doctor = _demo(stack, "medical")

    # GIVEN the demo doctor logged in WHEN they open the medical entry of the code page and scan the red code
    log_in(page, stack, doctor)
    page.click("[data-testid=open-medical]")
    expect(page.locator("#scan-view")).to_be_visible(timeout=SLOW_MS)
    page.fill("#scan-qr", qr)
    page.click("#scan-submit")

    # THEN the notice is prefilled with the masked holder, their document, the red colour and its reason
    expect(page.locator("#notice-view")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#subject-name")).to_have_text("邓*察")
    expect(page.locator("#subject-id")).to_contain_text("居民身份证")
    expect(page.locator("#subject-color")).to_have_text("红码")
    expect(page.locator("#subject-reasons [data-testid=reason-tag]")).to_contain_text("核酸检测阳性")
    assert person["name"] not in page.content() and person["id_number"] not in page.content()
    screenshot("medical_scan.png")

    # WHEN the doctor fills in the observation and submits, and the network loses the first answer
    keys = lose_first_post_answer(page, "**/v1/medical/notices")  # the server issues the notice, the page never hears
    until = datetime.now(SHANGHAI).date()
    page.fill("#observation-from", (until - timedelta(days=14)).isoformat())
    page.fill("#observation-until", until.isoformat())
    page.fill("#observation-place", "白云区集中隔离医学观察点")
    page.click("#notice-submit")
    expect(page.locator("#medical-error")).to_contain_text("网络", timeout=SLOW_MS)
    page.click("#notice-submit")

    # THEN the retry carries the same key and the notice is shown, issued by the doctor's unit
    expect(page.locator("#issued-view")).to_be_visible(timeout=SLOW_MS)
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    issued = page.locator("#issued-notice")
    expect(issued.locator("[data-testid=notice-name]")).to_have_text("邓*察")
    expect(issued.locator("[data-testid=notice-place]")).to_have_text("白云区集中隔离医学观察点")
    expect(issued.locator("[data-testid=notice-unit]")).to_have_text("广州市第八人民医院 主治医师")
    notice_id = issued.get_attribute("data-notice-id")
    screenshot("medical_notice.png")

    # THEN, once the stream has folded the notice, the resident's code is green
    drain(stack)
    shown = _code(stack, resident)
    assert shown["color"] == "GREEN" and shown["reasons"] == []

    # WHEN the doctor opens 我的工作台 > 已出具的电子告知书 THEN the notice is listed once
    page.click("#open-workbench")
    page.click("[data-testid=open-history]")
    expect(page.locator("[data-testid=history-item]").first).to_be_visible(timeout=SLOW_MS)
    expect(page.locator(f"[data-testid=history-item][data-notice-id='{notice_id}']")).to_have_count(1)
    expect(page.locator("[data-testid=history-item]").first).to_have_attribute("data-notice-id", notice_id)
    screenshot("medical_history.png")


def test_a_system_admin_grants_the_role_and_the_listed_doctor_finds_the_page(page: Any, stack: Any) -> None:
    admin = _demo(stack, "system_admin")
    doctor = fresh_identity("冯医生", "1991")
    phone = f"136{random.randint(10000000, 99999999)}"

    # GIVEN the system admin on the page WHEN they paste table 4-1 with a bad phone number
    log_in(page, stack, admin)
    expect(page.locator("[data-testid=open-medical]")).to_have_text("开通医护人员权限")
    page.click("[data-testid=open-medical]")
    expect(page.locator("#staff-view")).to_be_visible(timeout=SLOW_MS)
    header = "序号\t姓名\t联系电话\t单位名称\t职位\n"
    page.fill("#staff-list", header + f"1\t{doctor['name']}\t12345\t广州市红十字会医院\t住院医师\n")
    page.click("#staff-submit")

    # THEN the row and field are named and nobody is granted
    expect(page.locator("[data-testid=staff-problem]")).to_contain_text("第2行：联系电话有误", timeout=SLOW_MS)
    expect(page.locator("#staff-done")).to_be_hidden()

    # WHEN the list is corrected THEN the doctor is granted, shown masked
    page.fill("#staff-list", header + f"1\t{doctor['name']}\t{phone}\t广州市红十字会医院\t住院医师\n")
    page.click("#staff-submit")
    expect(page.locator("[data-testid=staff-granted-item]")).to_have_text(
        f"冯*生 · {phone[:3]}****{phone[-4:]} · 广州市红十字会医院 · 住院医师", timeout=SLOW_MS)

    # WHEN the doctor logs in with the listed phone THEN the medical entry leads to the scan screen
    log_in(page, stack, {**doctor, "phone": phone})
    page.click("[data-testid=open-medical]")
    expect(page.locator("#scan-view")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#home-qr")).to_have_attribute("data-qr", stack.base_url.rstrip("/") + "/")
    expect(page.locator("[data-testid=open-staff]")).to_be_hidden()


def test_the_doctor_scans_with_the_phone_camera_or_a_scanner_gun(browser: Any, stack: Any, tmp_path: Any) -> None:
    person, resident = red_resident(stack, "邓观察", "1991")
    qr = _code(stack, resident)["qr"]
    base = stack.base_url.rstrip("/")

    # GIVEN the demo doctor on a phone whose camera sees the red resident's code
    with camera_page(browser, base, tmp_path, qr) as phone:
        log_in(phone, stack, _demo(stack, "medical"))
        phone.goto(base + "/medical.html")
        expect(phone.locator("#scan-view")).to_be_visible(timeout=SLOW_MS)

        # WHEN they tap 摄像头扫码 THEN the code is read from the picture and the notice is prefilled
        phone.click("[data-testid=scan-camera]")
        expect(phone.locator("#notice-view")).to_be_visible(timeout=SLOW_MS)
        expect(phone.locator("#subject-name")).to_have_text("邓*察")

        # WHEN they go back and a scanner gun types the code and Enter THEN the same
        phone.click("[data-testid=notice-back]")
        expect(phone.locator("#scan-view")).to_be_visible()
        phone.locator("#scan-qr").fill(qr)
        phone.locator("#scan-qr").press("Enter")
        expect(phone.locator("#notice-view")).to_be_visible(timeout=SLOW_MS)
        expect(phone.locator("#subject-color")).to_have_text("红码")
