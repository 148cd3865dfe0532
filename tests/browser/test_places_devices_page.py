"""The venue page's scanner devices (web/venue-devices.js, issue 14) in Chromium at a phone viewport: the admin
registers a device and sees its key once, the device works with that key, the admin revokes it and the key is
refused."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests
from browser_support import SLOW_MS, api_login, expect, fresh_identity, log_in

pytestmark = pytest.mark.browser

VENUE = {"region_code": "440106001", "address": "天河路385号", "type": "SHOPPING_MALL", "name": "太古汇",
         "phone": "+8613800138000"}


def _measured_now() -> str:
    return (datetime.now(timezone(timedelta(hours=8))) - timedelta(seconds=5)).isoformat(timespec="seconds")


def _device_check(base: str, key: str, qr: str) -> requests.Response:
    return requests.post(f"{base}/v1/device/checks", timeout=10, headers={
        "x-device-key": key, "Idempotency-Key": uuid.uuid4().hex},
        json={"qr": qr, "temperature_c": 36.6, "measured_at": _measured_now()})


def test_the_admin_registers_lists_and_revokes_a_device(page: Any, stack: Any,
                                                        screenshot: Callable[[str], None]) -> None:
    base = stack.base_url.rstrip("/")
    admin, visitor = fresh_identity("苏管理"), fresh_identity("何访客")
    admin_headers = api_login(stack, admin)
    created = requests.post(f"{base}/v1/venues", json=VENUE, headers=admin_headers, timeout=10)
    assert created.status_code == 201, created.text
    qr = requests.get(f"{base}/v1/me/code", headers=api_login(stack, visitor), timeout=10).json()["qr"]

    # GIVEN the admin on the venue page WHEN they register a device without a name, then with one
    log_in(page, stack, admin)
    page.goto(base + "/venue.html")
    expect(page.locator("[data-testid=devices-view]")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("[data-testid=device-empty]")).to_be_visible()
    page.click("[data-testid=device-register]")
    expect(page.locator("[data-testid=device-error]")).to_contain_text("设备名称")
    page.fill("[data-testid=device-name]", "东门哨兵")
    page.click("[data-testid=device-register]")

    # THEN its key is shown once and the device is listed as in use
    key_box = page.locator("[data-testid=device-key]")
    expect(key_box).to_contain_text("ykd1.dev_", timeout=SLOW_MS)
    key = key_box.inner_text().strip()
    expect(page.locator("[data-testid=device]")).to_have_count(1)
    expect(page.locator("[data-testid=device]")).to_contain_text("东门哨兵（使用中）")
    screenshot("devices-registered.png")

    # AND the device works with that key
    answer = _device_check(base, key, qr)
    assert answer.status_code == 201 and answer.json()["decision"] == "PASS", answer.text

    # WHEN the page is opened again THEN the key is no longer shown, the device still listed
    page.reload()
    expect(page.locator("[data-testid=device]")).to_have_count(1, timeout=SLOW_MS)
    expect(page.locator("[data-testid=device-key-box]")).to_be_hidden()
    assert key not in page.content()

    # WHEN the admin revokes it (confirming) THEN it is listed as revoked and its key is refused at once
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=device-revoke]")
    expect(page.locator("[data-testid=device]")).to_contain_text("东门哨兵（已停用）", timeout=SLOW_MS)
    expect(page.locator("[data-testid=device-revoke]")).to_have_count(0)
    assert _device_check(base, key, qr).status_code == 401
    screenshot("devices-revoked.png")
