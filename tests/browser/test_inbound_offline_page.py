"""The inbound page keeps the last code too (issue 13): with the code route unreachable it shows the stored code,
labelled offline with its time, in English and in Chinese; logging out removes it."""

from __future__ import annotations

import random
from typing import Any

import pytest
from browser_support import SLOW_MS, expect, fill_inbound_apply

pytestmark = pytest.mark.browser


def test_the_inbound_page_shows_the_last_code_offline_in_both_languages(page: Any, stack: Any) -> None:
    # GIVEN a traveller (of the demo's entry records) who applied on the inbound page and saw his code
    inbound = (getattr(stack, "demo", None) or {}).get("inbound") or []
    if not inbound:
        pytest.skip("the local stack seeds no inbound travellers")
    who = inbound[-1]
    page.goto(f"{stack.base_url.rstrip('/')}/inbound.html")
    page.wait_for_selector("html[data-ready=true]")
    fill_inbound_apply(page, who, f"137{random.randrange(10**8):08d}")
    page.wait_for_selector("#code-qr[data-qr]", timeout=SLOW_MS)
    shown = page.get_attribute("#code-qr", "data-qr")
    # WHEN the code route cannot be reached and the page is reloaded
    page.route("**/v1/me/code*", lambda route: route.abort("internetdisconnected"))
    page.reload()
    # THEN his code is drawn again with the offline label and the server's time
    offline = page.locator("#code-offline")
    expect(offline).to_contain_text("离线显示 · 更新于 ", timeout=SLOW_MS)
    expect(page.locator("#code-error")).to_be_hidden()
    page.wait_for_selector("#code-qr[data-qr]", timeout=SLOW_MS)
    assert page.get_attribute("#code-qr", "data-qr") == shown
    # AND in English the label says so too
    page.click("#lang-toggle")
    expect(offline).to_contain_text("Offline · updated ")
    assert page.get_attribute("#code-qr", "data-qr") == shown
    # WHEN he logs out THEN the stored code is gone
    page.click("#logout")
    assert page.evaluate("localStorage.getItem('ykm.lastCodes')") is None


def test_the_installed_inbound_page_reloads_without_a_network_and_draws_the_last_code(browser: Any, stack: Any) -> None:
    from tests.browser.conftest import PageGuard

    inbound = (getattr(stack, "demo", None) or {}).get("inbound") or []
    if not inbound:
        pytest.skip("the local stack seeds no inbound travellers")
    who = inbound[0]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="zh-CN", timezone_id="Asia/Shanghai", service_workers="allow")
    guard = PageGuard(stack.base_url)
    page = guard.open(context)
    try:
        # GIVEN a traveller on the installable inbound page (its manifest, the shared service worker)
        page.goto(f"{stack.base_url.rstrip('/')}/inbound.html")
        page.wait_for_selector("html[data-ready=true]")
        manifest = page.evaluate("fetch('inbound-manifest.json').then((r) => r.json())")
        assert manifest["start_url"] == "./inbound.html" and manifest["display"] == "standalone"
        fill_inbound_apply(page, who, f"137{random.randrange(10**8):08d}")
        page.wait_for_selector("#code-qr[data-qr]", timeout=SLOW_MS)
        page.reload()  # now under the worker, with a fresh code
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=SLOW_MS)
        page.wait_for_function("async () => !!(await caches.match('inbound.js'))", timeout=SLOW_MS)
        page.wait_for_selector("#code-qr[data-qr]", timeout=SLOW_MS)
        expect(page.locator("#code-offline")).to_be_hidden()
        shown = page.get_attribute("#code-qr", "data-qr")
        # WHEN the phone loses its network and the page is reloaded
        context.set_offline(True)
        page.reload()
        # THEN the page comes from the cache and draws the same code, labelled offline
        expect(page.locator("#code-offline")).to_contain_text("离线显示 · 更新于 ", timeout=SLOW_MS)
        page.wait_for_selector("#code-qr[data-qr]", timeout=SLOW_MS)
        assert page.get_attribute("#code-qr", "data-qr") == shown
        context.set_offline(False)
    finally:
        context.close()
    guard.check()
