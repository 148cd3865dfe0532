"""HK/Macau permit login on the 粤康码 H5 page (guide 二.(二).2.(2)): fill in the permit, agree to the user agreement,
then the face check; an ID card login has no such step."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from browser_support import SLOW_MS, expect

pytestmark = pytest.mark.browser


def fill_permit(page: Any, base_url: str, issue_count: str = "02") -> None:
    page.goto(base_url.rstrip("/") + "/")
    page.evaluate("sessionStorage.clear()")
    page.goto(base_url.rstrip("/") + "/")
    page.select_option("#id-type", "HK_MACAU_PERMIT")
    page.fill("#id-number", f"H{random.randrange(10**8):08d}")
    page.fill("#issue-count", issue_count)
    page.fill("#name", "陈港生")


def test_a_permit_holder_is_asked_to_agree_before_the_face_check(page: Any, stack: Any,
                                                                  screenshot: Callable[[str], None]) -> None:
    # GIVEN the login form with 港澳居民来往内地通行证 chosen and the permit filled in
    logins: list[str] = []
    page.on("request", lambda request: logins.append(request.url) if request.url.endswith("/v1/auth/login") else None)
    fill_permit(page, stack.base_url)

    # THEN the user agreement step is shown, not yet agreed
    expect(page.locator("#agreement-row")).to_be_visible()
    expect(page.locator("#agree")).not_to_be_checked()
    expect(page.locator("#agreement-row")).to_contain_text("用户服务协议")
    screenshot("login_permit_agreement.png")

    # WHEN they go on to the face check without agreeing
    page.click("#login-submit")

    # THEN they are asked to agree first, and no login is sent
    expect(page.locator("#error-agreement")).to_be_visible()
    expect(page.locator("#error-agreement")).to_contain_text("同意")
    assert logins == []
    screenshot("login_permit_agreement_refused.png")

    # WHEN they agree and go on THEN the face check logs them in and their code is drawn
    page.check("#agree")
    expect(page.locator("#error-agreement")).to_be_hidden()
    page.click("#login-submit")
    page.wait_for_selector("#code-qr[data-qr]", state="visible", timeout=SLOW_MS)
    assert len(logins) == 1


def test_an_issue_count_typed_without_its_zero_logs_in(page: Any, stack: Any) -> None:
    # GIVEN a permit holder who types the issue count "2" WHEN they agree and log in THEN the code is drawn
    fill_permit(page, stack.base_url, issue_count="2")
    page.check("#agree")
    page.click("#login-submit")
    page.wait_for_selector("#code-qr[data-qr]", state="visible", timeout=SLOW_MS)


def test_an_id_card_login_has_no_agreement_step(page: Any, stack: Any) -> None:
    # GIVEN the login form as it opens (居民身份证) THEN there is no agreement step; choosing the permit adds it,
    # and going back to the ID card removes it again
    page.goto(stack.base_url.rstrip("/") + "/")
    expect(page.locator("#agreement-row")).to_be_hidden()
    page.select_option("#id-type", "HK_MACAU_PERMIT")
    expect(page.locator("#agreement-row")).to_be_visible()
    page.select_option("#id-type", "ID_CARD")
    expect(page.locator("#agreement-row")).to_be_hidden()
