"""The console's login page on a desktop: a wrong image code sends nothing and shows a new image; a phone nobody
holds is told so only after its SMS code; logging out returns to the login."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import requests
from browser_support import SLOW_MS, expect, fresh_identity
from console_support import console_as, new_phone, sms_code

pytestmark = pytest.mark.browser


def open_login(page: Any, stack: Any) -> str:
    page.goto(f"{stack.base_url.rstrip('/')}/console/")
    page.wait_for_selector("#captcha-image[data-captcha-id]", timeout=SLOW_MS)
    return page.get_attribute("#captcha-image", "data-captcha-id")


def captcha_answer(stack: Any, captcha_id: str) -> str:
    return requests.get(f"{stack.base_url}/v1/dev/captcha/{captcha_id}", timeout=10).json()["answer"]


def test_a_wrong_image_code_sends_nothing_and_shows_a_new_image(desktop: Any, stack: Any) -> None:
    phone = new_phone()
    first = open_login(desktop, stack)
    answer = captcha_answer(stack, first)
    desktop.fill("#login-phone", phone.removeprefix("+86"))
    desktop.fill("#captcha-answer", "22222" if answer != "22222" else "33333")
    desktop.click("#send-code")
    expect(desktop.locator("#login-error-captcha_answer")).not_to_be_empty(timeout=SLOW_MS)
    desktop.wait_for_function(f"document.querySelector('#captcha-image').dataset.captchaId !== '{first}'",
                              timeout=SLOW_MS)
    assert requests.get(f"{stack.base_url}/v1/dev/sms?phone={quote(phone)}", timeout=10).json()["messages"] == []
    expect(desktop.locator("#send-code")).to_be_enabled()


def test_a_malformed_phone_is_refused_on_the_page(desktop: Any, stack: Any) -> None:
    open_login(desktop, stack)
    desktop.fill("#login-phone", "12345")
    desktop.click("#send-code")
    expect(desktop.locator("#login-error-phone")).to_have_text("请输入正确的手机号码")


def test_a_phone_nobody_holds_learns_it_only_with_its_sms_code(desktop: Any, stack: Any) -> None:
    # GIVEN a phone no one bound or registered WHEN a code is asked for it THEN it is "sent" like any other
    phone = new_phone()
    captcha_id = open_login(desktop, stack)
    desktop.fill("#login-phone", phone.removeprefix("+86"))
    desktop.fill("#captcha-answer", captcha_answer(stack, captcha_id))
    desktop.click("#send-code")
    expect(desktop.locator("#send-code")).to_contain_text("秒后重新发送", timeout=SLOW_MS)
    expect(desktop.locator("#login-info")).to_have_text("验证码已发送，请查收短信")
    # WHEN its right SMS code is given THEN the phone field says no code was applied for with it
    desktop.fill("#sms-code", sms_code(stack, phone))
    desktop.click("#login-submit")
    expect(desktop.locator("#login-error-phone")).to_contain_text("未申领粤康码", timeout=SLOW_MS)
    expect(desktop.locator("#app-view")).to_be_hidden()


def test_logging_out_returns_to_the_login(desktop: Any, stack: Any) -> None:
    console_as(desktop, stack, fresh_identity("路过者"))
    expect(desktop.locator("#view-none")).to_be_visible()  # no grants: nothing to administer
    desktop.click("#logout")
    expect(desktop.locator("#login-view")).to_be_visible()
    assert desktop.evaluate("sessionStorage.getItem('ykm.console.session')") is None
