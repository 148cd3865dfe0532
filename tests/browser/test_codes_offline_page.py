"""The code survives the peak (issue 13): with the service unreachable, overloaded (429) or failing (5xx), the code
page shows the last code it drew, labelled 离线显示 with the server's time, never a blank 亮码失败; the installed
shell (web/sw.js) draws it again on a reload without the network; logging out removes it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import SLOW_MS, expect, fresh_identity, log_in

pytestmark = pytest.mark.browser

STORE = "ykm.lastCodes"


def scanned(page: Any) -> list[str]:
    """What a scanner reads off the QR on screen (zxing-cpp)."""
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pytest.importorskip("PIL.Image")
    found = zxingcpp.read_barcodes(image.open(io.BytesIO(page.locator("#code-qr").screenshot())),
                                   formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found]


def stored(page: Any) -> dict[str, Any]:
    return json.loads(page.evaluate(f"localStorage.getItem('{STORE}') || '{{}}'"))


def test_a_cut_network_shows_the_last_code_with_its_time_and_it_scans_to_the_same_signed_string(
    page: Any, stack: Any, qr_claims: Any
) -> None:
    # GIVEN a resident whose code page has drawn their code once
    log_in(page, stack.base_url, fresh_identity("严离线"))
    shown = page.get_attribute("#code-qr", "data-qr")
    kept = stored(page)
    assert len(json.dumps(kept)) < 4096  # a few kilobytes a person at most
    # WHEN the code route can no longer be reached and the page is reloaded
    page.route("**/v1/me/code*", lambda route: route.abort("internetdisconnected"))
    page.reload()
    # THEN the same signed code is drawn, labelled offline with the server's time, and no 亮码失败
    offline = page.locator("#code-offline")
    expect(offline).to_be_visible(timeout=SLOW_MS)
    expect(offline).to_contain_text("离线显示 · 更新于 ")
    issued = page.evaluate("""async (qr) => {
        const [time, last] = [await import("./core/time.js"), await import("./core/lastcode.js")];
        return time.formatTime(last.issuedAt(qr));
    }""", shown)
    expect(offline).to_contain_text(issued)
    expect(page.locator("#code-error")).to_be_hidden()
    expect(page.locator("#code-color")).to_have_text("绿码")
    assert page.get_attribute("#code-qr", "data-qr") == shown
    assert scanned(page) == [shown]
    assert qr_claims(shown)["t"] == "R"


@pytest.mark.parametrize("status", [429, 503])
def test_an_overloaded_or_failing_service_shows_the_last_code_and_asks_again_later(
    page: Any, stack: Any, status: int
) -> None:
    # GIVEN a resident whose code was drawn once
    log_in(page, stack.base_url, fresh_identity("严高峰"))
    shown = page.get_attribute("#code-qr", "data-qr")
    asked: list[str] = []

    def overloaded(route: Any) -> None:
        asked.append(route.request.url)
        route.fulfill(status=status, headers={"Retry-After": "1", "Content-Type": "application/json"},
                      body=json.dumps({"error": {"code": "THROTTLED", "message": "busy", "message_zh": "系统繁忙"}}))

    # WHEN the service sheds load (429 Retry-After) or fails (5xx) and the resident taps 刷新
    page.route("**/v1/me/code*", overloaded)
    page.click("#refresh")
    # THEN the page keeps the code with the offline label instead of a failure
    expect(page.locator("#code-offline")).to_contain_text("离线显示", timeout=SLOW_MS)
    expect(page.locator("#code-error")).to_be_hidden()
    assert page.get_attribute("#code-qr", "data-qr") == shown
    # AND it asks again by itself (after the Retry-After second), without a tap
    first = len(asked)
    for _ in range(SLOW_MS // 100):
        if len(asked) > first:
            break
        page.wait_for_timeout(100)
    assert len(asked) > first
    expect(page.locator("#code-offline")).to_be_visible()
    # AND once the service is back the fresh code replaces the stored one and the label goes
    page.unroute("**/v1/me/code*")
    page.click("#refresh")
    expect(page.locator("#code-offline")).to_be_hidden(timeout=SLOW_MS)


def test_a_stored_code_past_a_day_is_greyed_with_a_warning(page: Any, stack: Any) -> None:
    # GIVEN a resident's stored code that the server issued 25 hours before now (the phone's now, whatever day)
    log_in(page, stack.base_url, fresh_identity("严过期"))
    page.evaluate(f"""() => {{
        const all = JSON.parse(localStorage.getItem('{STORE}'));
        for (const viewer of Object.values(all)) for (const kept of Object.values(viewer))
            kept.served_at = Date.now() - 25 * 3600 * 1000;
        localStorage.setItem('{STORE}', JSON.stringify(all));
    }}""")
    # WHEN the service cannot be reached
    page.route("**/v1/me/code*", lambda route: route.abort("internetdisconnected"))
    page.reload()
    # THEN the code is drawn grey, its colour marked 待更新, with the warning that the status may have changed
    expect(page.locator("#code-card")).to_have_attribute("data-stale", "true", timeout=SLOW_MS)
    expect(page.locator("#code-offline")).to_contain_text("已超过24小时未能更新，健康状态可能已变化")
    expect(page.locator("#code-color")).to_have_text("绿码（待更新）")
    assert page.evaluate("document.body.dataset.codeColor") == ""


def test_a_stored_code_past_a_week_is_not_shown(page: Any, stack: Any) -> None:
    # GIVEN a stored code issued eight days before now
    log_in(page, stack.base_url, fresh_identity("严一周"))
    page.evaluate(f"""() => {{
        const all = JSON.parse(localStorage.getItem('{STORE}'));
        for (const viewer of Object.values(all)) for (const kept of Object.values(viewer))
            kept.served_at = Date.now() - 8 * 24 * 3600 * 1000;
        localStorage.setItem('{STORE}', JSON.stringify(all));
    }}""")
    # WHEN the service cannot be reached THEN the page says the display failed, and shows no code
    page.route("**/v1/me/code*", lambda route: route.abort("internetdisconnected"))
    page.reload()
    expect(page.locator("#code-error")).to_contain_text("亮码失败", timeout=SLOW_MS)
    expect(page.locator("#code-offline")).to_be_hidden()
    assert page.get_attribute("#code-qr", "data-qr") is None


def test_logging_out_removes_the_stored_codes(page: Any, stack: Any) -> None:
    # GIVEN a resident whose code is stored on the phone
    log_in(page, stack.base_url, fresh_identity("严退出"))
    assert stored(page)
    # WHEN they log out THEN nothing of their codes is left
    page.click("#logout")
    expect(page.locator("#login-view")).to_be_visible()
    assert page.evaluate(f"localStorage.getItem('{STORE}')") is None
    expect(page.locator("#stored-code")).to_be_hidden()  # and the login page offers none


def test_without_a_session_the_login_page_shows_the_stored_code_offline(page: Any, stack: Any) -> None:
    # GIVEN a resident who saw their code and did not log out; the page is opened anew (an installed app
    # relaunched: no session) while the service is down
    log_in(page, stack.base_url, fresh_identity("严重开"))
    shown = page.get_attribute("#code-qr", "data-qr")
    page.evaluate("sessionStorage.clear()")
    page.route("**/v1/**", lambda route: route.abort("internetdisconnected"))
    page.reload()
    # WHEN they cannot log in and ask for the code kept on the phone
    expect(page.locator("#login-view")).to_be_visible()
    page.click("#stored-code-show")
    # THEN their last code is drawn, labelled offline with its time, and it scans to the same signed string
    expect(page.locator("#stored-code-offline")).to_contain_text("离线显示 · 更新于 ")
    expect(page.locator("#stored-code-color")).to_have_text("绿码")
    assert page.get_attribute("#stored-code-qr", "data-qr") == shown
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pytest.importorskip("PIL.Image")
    found = zxingcpp.read_barcodes(image.open(io.BytesIO(page.locator("#stored-code-qr").screenshot())),
                                   formats=zxingcpp.BarcodeFormat.QRCode)
    assert [barcode.text for barcode in found] == [shown]


def test_the_retry_waits_are_fully_jittered_capped_and_honour_retry_after(page: Any, stack: Any) -> None:
    page.goto(stack.base_url.rstrip("/") + "/")
    waits = page.evaluate("""async () => {
        const at = (r) => () => r;
        const LAST = await import("./core/lastcode.js");
        return {
          low: [0, 3, 10].map((n) => LAST.retryDelay(n, 0, at(0))),
          high: [0, 1, 2, 3, 10].map((n) => LAST.retryDelay(n, 0, at(0.999999))),
          after: LAST.retryDelay(0, 30, at(0.5)),
        };
    }""")
    assert waits["low"] == [250, 250, 250]  # full jitter reaches down to (almost) nothing
    assert waits["high"] == [1999, 3999, 7999, 15999, 59999]  # doubling, capped at a minute
    assert waits["after"] == 30_000  # never sooner than Retry-After


@pytest.fixture
def installable(browser: Any, stack: Any) -> Iterator[tuple[Any, Any]]:
    """A phone context that lets the page install its service worker, with the same guard as `page`."""
    from tests.browser.conftest import PageGuard

    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  service_workers="allow")
    guard = PageGuard(stack.base_url)
    opened = guard.open(context)
    try:
        yield context, opened
    finally:
        context.close()
    guard.check()


def wait_for_worker(page: Any) -> None:
    # the worker installs the whole shell (some sixty files) before it controls the page: on a loaded machine that
    # is slower than one page load, so it gets a longer wait than SLOW_MS (a wait, not a timed assertion)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=3 * SLOW_MS)
    page.wait_for_function("""async () => (await caches.keys()).some((name) => name.startsWith('ykm-shell-')) &&
        !!(await caches.match('resident/main.js')) && !!(await caches.match('vendor/qrcode.js'))""", timeout=3 * SLOW_MS)


def test_the_installed_page_reloads_without_a_network_and_draws_the_last_code(
    installable: tuple[Any, Any], stack: Any
) -> None:
    context, page = installable
    # GIVEN a resident who opened the installable page (manifest, service worker) and saw their code
    log_in(page, stack.base_url, fresh_identity("严断网"))
    manifest = page.evaluate("fetch('manifest.json').then((r) => r.json())")
    assert manifest["display"] == "standalone" and {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}
    page.reload()  # the worker now controls the page; the page draws a fresh code
    wait_for_worker(page)
    page.wait_for_selector("#code-qr[data-qr]", state="visible", timeout=SLOW_MS)
    expect(page.locator("#code-offline")).to_be_hidden()
    shown = page.get_attribute("#code-qr", "data-qr")
    # WHEN the phone loses its network and the page is reloaded
    context.set_offline(True)
    page.reload()
    # THEN the shell comes from the cache and the last code is drawn with the offline label, scanning the same
    expect(page.locator("#code-offline")).to_contain_text("离线显示 · 更新于 ", timeout=SLOW_MS)
    page.wait_for_selector("#code-qr[data-qr]", state="visible", timeout=SLOW_MS)
    assert page.get_attribute("#code-qr", "data-qr") == shown
    assert scanned(page) == [shown]
    # AND the worker never kept an API answer
    cached = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
        return urls;
    }""")
    assert cached and not [u for u in cached if "/v1/" in u]
    context.set_offline(False)
