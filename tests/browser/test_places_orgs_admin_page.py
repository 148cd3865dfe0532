"""The organization admin's page (web/org.html, guide 四.(一).1, FAQ (四)) in Chromium on a phone: reached from
防疫工作台, register and bind the organization, copy the join code, the members' and declarations' counts after a member
joins and declares, the weekly edit filled from the current details and a second edit of the week refused in words,
and the admin role handed to a successor who confirms it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import requests
from browser_support import SLOW_MS, accept_after_login, api_login, drain, expect, fresh_identity, log_in

pytestmark = pytest.mark.browser


def _session_of(page: Any) -> str:
    return page.evaluate("sessionStorage.getItem('ykm.session')")


def _second_phone(page: Any, base: str, session: str) -> Any:
    """Another page of the same admin (the page on a second phone): the same session, its own sessionStorage."""
    other = page.context.new_page()
    other.add_init_script(f"sessionStorage.setItem('ykm.session', {session!r});")
    other.goto(base + "/org.html")
    return other


def test_the_organization_admin_page_on_a_phone(page: Any, stack: Any, screenshot: Callable[[str], None]) -> None:
    base = stack.base_url.rstrip("/")
    admin, member, successor = fresh_identity("霍管理"), fresh_identity("林成员"), fresh_identity("谭接任")
    member_headers = api_login(stack, member)
    api_login(stack, successor)  # registered: the successor has logged in once
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)

    # GIVEN a resident logged in WHEN they open 组织机构 from 防疫工作台 THEN the page asks them to bind one
    log_in(page, stack, admin | {"phone": "13922223333"})
    page.click("[data-testid=open-orgs]")
    expect(page.locator("#create-form")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#my-org")).to_be_hidden()

    # WHEN they submit without the level THEN the field is named and nothing is sent
    page.fill("#create-name", "粤康科技有限公司")
    page.fill("#create-address", "广州市天河区天河路385号")
    page.click("[data-testid=create-submit]")
    expect(page.locator("#org-error")).to_have_text("请选择行政归属层级")
    expect(page.locator("#create-level")).to_be_focused()
    assert requests.get(f"{base}/v1/orgs/mine", headers=api_login(stack, admin), timeout=10).status_code == 404
    page.select_option("#create-level", "COUNTY")
    screenshot("org_create.png")
    page.click("[data-testid=create-submit]")

    # THEN the organization is bound with its 12-digit join code, and the admin copies it
    expect(page.locator("#my-org")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#org-name")).to_have_text("粤康科技有限公司")
    expect(page.locator("#org-level")).to_have_text("区县级")
    expect(page.locator("#org-phone")).to_have_text("13922223333")  # the phone bound at login
    join_code = page.locator("#join-code").inner_text()
    assert re.fullmatch(r"\d{12}", join_code), join_code
    page.click("[data-testid=copy-join-code]")
    expect(page.locator("#copy-status")).to_contain_text("已复制组织机构申报码 " + join_code)
    assert page.evaluate("navigator.clipboard.readText()") == join_code
    expect(page.locator("#stats-members")).to_have_text("0")

    # WHEN a member binds with the copied code and declares today (over the API, as on their own phone)
    joined = requests.post(f"{base}/v1/orgs/join", headers=member_headers, timeout=10, json={"join_code": join_code})
    assert joined.status_code == 201, joined.text
    place_id = joined.json()["place_id"]
    declared = requests.post(f"{base}/v1/me/declarations", headers=member_headers, timeout=10, json={
        "type": "ORG_MEMBER", "place_id": place_id, "temperature_c": 37.6, "symptoms": ["fever"],
        "answers": {"contact_with_case": False, "current_city": "广州市"}})
    assert declared.status_code == 201, declared.text
    drain(stack)

    # THEN after 刷新 the page counts the member, today's declaration and the fever
    page.click("[data-testid=stats-refresh]")
    expect(page.locator("#stats-members")).to_have_text("1", timeout=SLOW_MS)
    expect(page.locator("#stats-declared")).to_have_text("1")
    expect(page.locator("#stats-undeclared")).to_have_text("0")
    expect(page.locator("#stats-declarations-today")).to_have_text("1")
    expect(page.locator("#stats-fever-today")).to_have_text("1")
    assert "林成员" not in page.content()
    screenshot("org_admin.png")

    # GIVEN the admin's page also open on a second phone, from before any edit
    other = _second_phone(page, base, _session_of(page))
    expect(other.locator("#my-org")).to_be_visible(timeout=SLOW_MS)

    # WHEN the admin opens 绑定人信息 > 修改信息 THEN the form holds the current level, name and phone
    page.click("[data-testid=open-edit]")
    expect(page.locator("#edit-form")).to_be_visible()
    expect(page.locator("#edit-level")).to_have_value("COUNTY")
    expect(page.locator("#edit-name")).to_have_value("粤康科技有限公司")
    expect(page.locator("#edit-phone")).to_have_value("13922223333")
    screenshot("org_edit.png")

    # WHEN they change the name and the level THEN both are saved and the next edit date is told
    page.fill("#edit-name", "粤康科技（广州）有限公司")
    page.select_option("#edit-level", "CITY")
    page.click("[data-testid=edit-submit]")
    expect(page.locator("#org-name")).to_have_text("粤康科技（广州）有限公司", timeout=SLOW_MS)
    expect(page.locator("#org-level")).to_have_text("地市级")
    expect(page.locator("#org-done")).to_contain_text("下次可修改日期")
    page.click("[data-testid=open-edit]")
    expect(page.locator("#edit-name")).to_have_value("粤康科技（广州）有限公司")
    expect(page.locator("#edit-limit")).to_contain_text("本周已修改过信息")
    expect(page.locator("[data-testid=edit-submit]")).to_be_disabled()

    # WHEN the second phone, which still offers the edit, saves another change in the same week
    other.click("[data-testid=open-edit]")
    expect(other.locator("#edit-name")).to_have_value("粤康科技有限公司")  # what it read before the edit
    other.fill("#edit-phone", "13800138000")
    other.click("[data-testid=edit-submit]")

    # THEN the refusal (409 EDIT_LIMIT) is shown in words with the date it is allowed again, and nothing changed
    expect(other.locator("#org-error")).to_contain_text("每周仅可修改一次（按自然周计算），下次可修改日期：",
                                                         timeout=SLOW_MS)
    assert other.locator("#org-error").get_attribute("data-code") == "EDIT_LIMIT"
    expect(other.locator("#edit-limit")).to_contain_text("下次可修改日期")
    expect(other.locator("[data-testid=edit-submit]")).to_be_disabled()
    expect(other.locator("#edit-name")).to_have_value("粤康科技（广州）有限公司", timeout=SLOW_MS)  # as it is now
    expect(other.locator("#org-name")).to_have_text("粤康科技（广州）有限公司")
    other.screenshot(path=str(_results() / "org_edit_limit.png"), full_page=True)
    mine = requests.get(f"{base}/v1/orgs/mine", headers=api_login(stack, admin), timeout=10).json()
    assert mine["phone"] == "+8613922223333" and mine["name"] == "粤康科技（广州）有限公司"
    other.close()

    # WHEN the admin offers the role to a successor in 更换管理员 THEN a link and the pending offer are shown
    page.click("[data-testid=open-transfer]")
    page.fill("#transfer-name", successor["name"])
    page.fill("#transfer-id-number", successor["id_number"])
    page.click("[data-testid=transfer-submit]")
    expect(page.locator("#transfer-link")).to_contain_text("#accept=", timeout=SLOW_MS)
    expect(page.locator("[data-testid=transfer-pending-text]")).to_contain_text("谭*任", timeout=SLOW_MS)
    screenshot("org_transfer.png")
    link = page.locator("#transfer-link").inner_text().split("：", 1)[1].strip()

    # WHEN the successor opens the link in a browser not logged in THEN they log in first and come back to it
    accept_after_login(page, link, successor, "接任组织机构管理员的邀请")
    expect(page.locator("#accept-org-name")).to_have_text("粤康科技（广州）有限公司", timeout=SLOW_MS)
    expect(page.locator("#accept-org-level")).to_have_text("地市级")
    expect(page.locator("#accept-org")).not_to_contain_text(join_code)
    screenshot("org_accept.png")

    # WHEN they confirm THEN they administer the organization, with its join code and counts; the former admin not
    page.click("[data-testid=accept-transfer]")
    expect(page.locator("#my-org")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#org-done")).to_contain_text("您已接任组织机构")
    expect(page.locator("#join-code")).to_have_text(join_code)
    expect(page.locator("#stats-members")).to_have_text("1", timeout=SLOW_MS)
    assert "#accept=" not in page.url
    assert requests.get(f"{base}/v1/orgs/mine", headers=api_login(stack, admin), timeout=10).status_code == 404
    screenshot("org_accepted.png")


def test_without_a_session_the_page_sends_to_the_login(page: Any, stack: Any) -> None:
    page.goto(stack.base_url.rstrip("/") + "/org.html")
    expect(page.locator("#no-session")).to_be_visible()
    expect(page.locator("#org-main")).to_be_hidden()


def _results() -> Any:
    from tests.browser.conftest import RESULTS_DIR

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    return RESULTS_DIR
