"""The organizations a resident is bound to (绑定组织机构管理, 指引 四.(一).2.(3), 图 4-8) on the resident page, on a
phone: listed from GET /v1/me/orgs, bound by join code, declared for, and unbound after a confirmation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from browser_support import SLOW_MS, api_login, expect, fresh_identity, log_in

pytestmark = pytest.mark.browser


def test_a_member_binds_an_organization_sees_it_listed_and_unbinds_it_after_confirming(
        page: Any, stack: Any, screenshot: Callable[[str], None]) -> None:
    org = stack.demo["org"]
    person = fresh_identity("林成员", "1991")
    # GIVEN a resident bound to no organization, on 我的组织机构 (opened from the services under the code)
    log_in(page, stack, person)
    page.click("[data-testid=open-my-orgs]")
    expect(page.locator("[data-testid=orgs-view]")).to_be_visible()
    expect(page.locator("[data-testid=orgs-empty]")).to_be_visible(timeout=SLOW_MS)

    # WHEN they bind with the organization's join code
    page.fill("[data-testid=orgs-join-code]", org["join_code"])
    page.click("[data-testid=orgs-join]")

    # THEN the organization is listed by name, with its level and the time of binding
    item = page.locator("[data-testid=org-item]")
    expect(item).to_have_count(1, timeout=SLOW_MS)
    expect(item.locator("[data-testid=org-name]")).to_have_text(org["name"])
    expect(item).to_contain_text("绑定时间")
    expect(page.locator("[data-testid=orgs-done]")).to_contain_text(org["name"])
    expect(page.locator("[data-testid=orgs-empty]")).to_be_hidden()
    screenshot("orgs-members-bound.png")

    # WHEN they cancel the confirmation of 解绑 THEN nothing changes
    page.evaluate("() => { window.__confirm = window.confirm; window.confirm = () => false; }")
    page.click("[data-testid=org-unbind]")
    expect(item).to_have_count(1)
    page.evaluate("() => { window.confirm = window.__confirm; }")

    # WHEN they confirm it (the page's dialogs are accepted)
    page.click("[data-testid=org-unbind]")

    # THEN the list is empty, and so is the API's
    expect(page.locator("[data-testid=orgs-empty]")).to_be_visible(timeout=SLOW_MS)
    expect(item).to_have_count(0)
    expect(page.locator("[data-testid=orgs-done]")).to_contain_text("已解绑")
    mine = requests.get(f"{stack.base_url}/v1/me/orgs", headers=api_login(stack, person), timeout=10).json()
    assert mine["items"] == []
    screenshot("orgs-members-unbound.png")


def test_declaring_for_a_listed_organization_opens_the_form_with_it_chosen(page: Any, stack: Any) -> None:
    org = stack.demo["org"]
    person = fresh_identity("林申报", "1990")
    log_in(page, stack, person)
    requests.post(f"{stack.base_url}/v1/orgs/join", json={"join_code": org["join_code"]},
                  headers=api_login(stack, person), timeout=10).raise_for_status()
    # GIVEN the organization in 我的组织机构 WHEN they tap 去申报
    page.click("[data-testid=open-my-orgs]")
    page.click("[data-testid=org-declare]", timeout=SLOW_MS)
    # THEN the declaration form is for organization members, with this organization chosen
    expect(page.locator("[data-testid=declare-view]")).to_be_visible()
    expect(page.locator("#declare-type")).to_have_value("ORG_MEMBER")
    expect(page.locator("#declare-place")).to_have_value(org["place_id"], timeout=SLOW_MS)
    # AND the phone's back button returns to the code, not to the list
    page.go_back()
    expect(page.locator("[data-testid=code-view]")).to_be_visible()


def test_a_wrong_join_code_is_said_and_binds_nothing(page: Any, stack: Any) -> None:
    log_in(page, stack, fresh_identity("林错码", "1992"))
    page.click("[data-testid=open-my-orgs]")
    expect(page.locator("[data-testid=orgs-empty]")).to_be_visible(timeout=SLOW_MS)
    page.fill("[data-testid=orgs-join-code]", "000000000000")
    page.click("[data-testid=orgs-join]")
    expect(page.locator("[data-testid=orgs-join-error]")).to_contain_text("申报码", timeout=SLOW_MS)
    expect(page.locator("[data-testid=org-item]")).to_have_count(0)
