"""Scanners work offline (issue 13): the inspector's page keeps the JWK Set, verifies a scanned code's Ed25519
signature without the service (colour and revocation said to be unknown), queues the check with its
Idempotency-Key, and sends the queue when the network is back; a check sent twice is counted once."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from browser_support import SLOW_MS, api_login, create_venue, expect, fresh_identity, log_in

pytestmark = pytest.mark.browser


def _code(stack: Any, identity: dict[str, str]) -> str:
    return requests.get(f"{stack.base_url}/v1/me/code", headers=api_login(stack, identity), timeout=10).json()["qr"]


def _scan_offline(page: Any, qr: str) -> None:
    page.fill("#check-qr", qr)
    page.click("#check-read")


def test_chromium_verifies_ed25519_with_webcrypto(page: Any, stack: Any) -> None:
    # The offline check rests on WebCrypto's Ed25519 in the test machine's Chromium: a real code verifies, a code
    # with one byte of its payload changed does not.
    qr = _code(stack, fresh_identity("冼验签"))
    page.goto(stack.base_url.rstrip("/") + "/venue.html")
    page.wait_for_function("window.YKM_SCAN")
    page.evaluate("YKM_SCAN.refreshKeys()")
    good = page.evaluate("(qr) => YKM_SCAN.verify(qr)", qr)
    assert good["valid"] is True and good["type"] == "R" and good["typeLabel"] == "居民粤康码"
    parts = qr.split(".")
    forged = ".".join([parts[0], parts[1], parts[2][:-2] + ("A" if parts[2][-2] != "A" else "B") + parts[2][-1],
                       parts[3]])
    bad = page.evaluate("(qr) => YKM_SCAN.verify(qr)", forged)
    assert bad["valid"] is False


def test_checks_queued_offline_are_sent_on_reconnecting_and_counted_once(page: Any, stack: Any) -> None:
    admin, inspector = fresh_identity("冼管理"), fresh_identity("冼检测")
    admin_headers = api_login(stack, admin)
    venue = create_venue(stack, admin_headers, "冼家商场")
    joined = requests.post(f"{stack.base_url}/v1/venues/join", headers=api_login(stack, inspector), timeout=10,
                           json={"join_code": venue["join_code"]})
    assert joined.status_code == 201, joined.text
    visitors = [_code(stack, fresh_identity("冼访客")), _code(stack, fresh_identity("冼来宾"))]

    # GIVEN an inspector whose page has been online once (keys and venue kept on the phone)
    log_in(page, stack.base_url, inspector)
    page.goto(stack.base_url.rstrip("/") + "/venue.html#tab=inspector")
    expect(page.locator("#check-view")).to_be_visible(timeout=SLOW_MS)
    page.wait_for_function("YKM_SCAN.keptKeys().length > 0", timeout=SLOW_MS)

    # WHEN the network goes and they scan two visitors
    page.context.set_offline(True)
    for qr, button in zip(visitors, ["#check-normal", "#check-fever"], strict=True):
        _scan_offline(page, qr)
        # THEN the code is verified offline: signed by us, a resident's code; colour and revocation unknown
        expect(page.locator("#check-name")).to_contain_text("离线核验：签名有效 · 居民粤康码", timeout=SLOW_MS)
        expect(page.locator("#check-color")).to_have_text("颜色未知（离线）")
        expect(page.locator("#check-alert")).to_contain_text("颜色、是否已作废须联网查询")
        page.click(button)
        expect(page.locator("#check-done")).to_contain_text("已离线保存")
    # AND both checks wait in the queue, its length shown
    expect(page.locator("#check-queue")).to_have_attribute("data-count", "2")
    expect(page.locator("#check-queue")).to_contain_text("待提交的离线检测：2 条")
    # AND a forged code is refused offline and queues nothing
    parts = visitors[0].split(".")
    _scan_offline(page, ".".join(parts[:3] + [parts[3][:-3] + ("AAA" if not parts[3].endswith("AAA") else "BBB")]))
    expect(page.locator("#venue-error")).to_contain_text("离线核验未通过", timeout=SLOW_MS)
    expect(page.locator("#check-queue")).to_have_attribute("data-count", "2")

    # WHEN the network comes back but the first answer is lost on the way (the server did record the check)
    sent: list[str] = []

    def lose_the_answer(route: Any) -> None:
        if not sent:
            route.fetch()  # the first send reaches the server...
        route.abort("connectionreset")  # ...and no answer comes back (nor do the page's retries get through)
        sent.append(route.request.headers.get("idempotency-key", ""))

    page.route("**/v1/venues/*/checks*", lose_the_answer)
    page.context.set_offline(False)
    for _ in range(SLOW_MS // 100):
        if sent:
            break
        page.wait_for_timeout(100)
    assert sent, "the page sent nothing on reconnecting"
    expect(page.locator("#check-queue")).to_have_attribute("data-count", "2")  # nothing confirmed: both kept

    # WHEN the network drops and comes back a second time, now answering
    page.context.set_offline(True)
    page.unroute("**/v1/venues/*/checks*")
    answered: list[tuple[str, int]] = []

    def pass_through(route: Any) -> None:
        response = route.fetch()
        answered.append((route.request.headers.get("idempotency-key", ""), response.status))
        route.fulfill(response=response)

    page.route("**/v1/venues/*/checks*", pass_through)
    page.context.set_offline(False)
    # THEN the queue empties
    expect(page.locator("#check-queue")).to_have_attribute("data-count", "0", timeout=SLOW_MS)
    expect(page.locator("#check-queue")).to_contain_text("离线检测已全部提交")
    expect(page.locator("#inspector-today")).to_have_text("2")
    # AND the check sent twice was answered from the server's idempotency record the second time
    assert (sent[0], 200) in answered and len(answered) >= 2 and len({key for key, _ in answered}) == 2
    # AND the venue counts each check once, the one sent twice included
    assert requests.post(f"{stack.base_url}/v1/dev/streams/drain", timeout=60).json()["failures"] == []
    stats = requests.get(f"{stack.base_url}/v1/venues/{venue['place_id']}/stats", headers=admin_headers,
                         timeout=10).json()
    assert stats["checks_total"] == 2
    assert stats["checks_today"] == 2
