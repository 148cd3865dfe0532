"""What the console's browser tests share: logging in to /console/ with phone, image captcha and SMS code as an
administrator would, new phones, and screenshots of the desktop page."""

from __future__ import annotations

import random
import re
import time
from typing import Any
from urllib.parse import quote

import requests
from browser_support import SLOW_MS, expect

from tests.browser.conftest import RESULTS_DIR


def new_phone() -> str:
    """A mainland mobile nobody of this session holds: +86 and 11 digits."""
    return f"+86137{random.randint(10_000_000, 99_999_999)}"


def sms_code(stack: Any, phone: str, after: int = 0) -> str:
    """The code of the newest login SMS to `phone` (E.164) beyond the first `after` messages."""
    for _ in range(50):
        messages = requests.get(f"{stack.base_url}/v1/dev/sms?phone={quote(phone)}", timeout=10).json()["messages"]
        if len(messages) > after:
            return re.search(r"验证码为(\d{6})", messages[-1]["text"]).group(1)
        time.sleep(0.2)
    raise AssertionError(f"no SMS reached {phone}")


def console_login(page: Any, stack: Any, phone: str) -> None:
    """On /console/: the phone (without +86, the 区号 selector's default), the image code, 获取验证码, the SMS code,
    登录; waits for the menu. A phone another test of this stack texted within the resend window (60 s: the demo
    logins) is asked again once the window the page shows has passed."""
    base = stack.base_url.rstrip("/")
    page.goto(f"{base}/console/")
    page.wait_for_selector("html[data-ready=true]")
    before = len(requests.get(f"{base}/v1/dev/sms?phone={quote(phone)}", timeout=10).json()["messages"])
    page.fill("#login-phone", phone.removeprefix("+86"))
    for _ in range(2):
        page.wait_for_selector("#captcha-image[data-captcha-id]", timeout=SLOW_MS)
        captcha_id = page.get_attribute("#captcha-image", "data-captcha-id")
        page.fill("#captcha-answer", requests.get(f"{base}/v1/dev/captcha/{captcha_id}", timeout=10).json()["answer"])
        page.click("#send-code")
        expect(page.locator("#send-code:has-text('秒后重新发送'), #login-info:has-text('秒后可重试')")).to_be_visible(
            timeout=SLOW_MS)
        waiting = re.search(r"(\d+)秒后可重试", page.inner_text("#login-info"))
        if not waiting:
            break
        page.wait_for_timeout((int(waiting.group(1)) + 1) * 1000)  # the resend window of another test's SMS
        page.wait_for_function(f"document.querySelector('#captcha-image').dataset.captchaId !== '{captcha_id}'")
    page.fill("#sms-code", sms_code(stack, phone, before))
    page.click("#login-submit")
    expect(page.locator("#menu a").first).to_be_visible(timeout=SLOW_MS)


def open_view(page: Any, view: str) -> None:
    """A view from the side menu."""
    page.click(f"#menu-{view}")
    expect(page.locator(f"#menu-{view}")).to_have_attribute("aria-current", "page")


def confirm_on_row(page: Any, row: Any, action: str) -> None:
    """The row's button of `action` (its data-action) clicked, and the confirmation dialog it opens answered 确定."""
    row.locator(f"button[data-action={action}]").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    page.click("#confirm-ok")


def chart_table(page: Any, chart: str) -> dict[str, list[str]]:
    """The chart's numbers as its table shows them (the 表格 switch): first cell -> the other cells of each row."""
    card = page.locator(f"[data-testid=chart-{chart}]")
    card.locator("button[data-show=table]").click()
    rows = card.locator(f"[data-testid=chart-{chart}-table] tbody tr")
    shown = {}
    for i in range(rows.count()):
        cells = [c.strip() for c in rows.nth(i).locator("td").all_inner_texts()]
        shown[cells[0]] = cells[1:]
    card.locator("button[data-show=chart]").click()
    return shown


def shot(page: Any, name: str) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / name), full_page=True)


def console_as(page: Any, stack: Any, identity: dict[str, str]) -> None:
    """The console opened with a session of `identity` (face login over the API, as the H5 pages log in), for a test
    whose subject is not the login itself: a phone takes one SMS code a minute."""
    answer = requests.post(f"{stack.base_url}/v1/auth/login", timeout=10, json={
        "id_type": "ID_CARD", "id_number": identity["id_number"], "name": identity["name"], "method": "FACE",
        "proof": "dev-pass"})
    assert answer.status_code == 200, answer.text
    session = answer.json() | {"phone": identity.get("phone", "")}
    base = stack.base_url.rstrip("/")
    page.goto(f"{base}/console/")
    page.evaluate("s => sessionStorage.setItem('ykm.console.session', JSON.stringify(s))", session)
    page.goto(f"{base}/console/")
    expect(page.locator("#user-roles")).not_to_be_empty(timeout=SLOW_MS)  # the grants are read
