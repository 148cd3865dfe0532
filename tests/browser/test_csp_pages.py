"""The pages under the security headers CloudFront adds in AWS (template.yaml, SiteSecurityHeaders): nothing refused.

The local stack serves web/ without those headers; here every answer of the stack gets them, as from the
distribution, and the page records each Content-Security-Policy violation.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import SLOW_MS, expect, fresh_identity, log_in
from playwright.sync_api import Error as PlaywrightError

from infra.template import load_template

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def security_headers() -> dict[str, str]:
    config = load_template()["Resources"]["SiteSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    headers = config["SecurityHeadersConfig"]
    csp = " ".join(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"].split())
    # the local stack is plain http on 127.0.0.1; in AWS the viewer is on https only, where this changes nothing
    csp = "; ".join(d.strip() for d in csp.split(";") if d.strip() != "upgrade-insecure-requests")
    return {"content-security-policy": csp, "x-frame-options": headers["FrameOptions"]["FrameOption"],
            "x-content-type-options": "nosniff", "referrer-policy": headers["ReferrerPolicy"]["ReferrerPolicy"]}


@pytest.fixture
def csp_page(page: Any, stack: Any) -> Iterator[Any]:
    headers = security_headers()
    base = stack.base_url.rstrip("/")

    def add_headers(route: Any) -> None:
        url = route.request.url
        if url == base or url.startswith(base + "/"):
            try:
                answer = route.fetch()
                route.fulfill(response=answer, headers=answer.headers | headers)
            except PlaywrightError:
                if not page.is_closed():
                    raise  # a request still in flight when the test closed its page has no one to answer
        else:
            route.fallback()  # the page fixture's guard aborts it and fails the test

    page.context.route("**/*", add_headers)
    page.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.csp_console = console
    yield page
    page.context.unroute_all(behavior="ignoreErrors")  # requests still in flight end quietly with the test


def violations(page: Any) -> list[str]:
    return page.evaluate("window.__cspViolations") + page.csp_console


def test_the_resident_page_shows_the_code_and_the_printable_card_under_the_csp(csp_page: Any, stack: Any) -> None:
    # GIVEN the pages under the distribution's headers WHEN a resident logs in and opens the printable card
    # (a canvas QR code, a blob: image) THEN the page works and nothing was refused
    log_in(csp_page, stack, fresh_identity("林小雨"))
    csp_page.click("#offline-open")
    expect(csp_page.locator("#offline-image")).to_be_visible(timeout=SLOW_MS)
    assert csp_page.evaluate("document.getElementById('offline-image').src").startswith("blob:")
    assert violations(csp_page) == []


def test_the_inbound_page_shows_its_captcha_under_the_csp(csp_page: Any, stack: Any) -> None:
    # GIVEN the inbound page's return visit (a data: captcha image) WHEN opened THEN nothing was refused
    csp_page.goto(f"{stack.base_url.rstrip('/')}/inbound.html?visit=return")
    csp_page.wait_for_selector("html[data-ready=true]")
    csp_page.wait_for_selector("#captcha-image[data-captcha-id]", timeout=SLOW_MS)
    assert csp_page.evaluate("document.getElementById('captcha-image').src").startswith("data:image/png")
    assert violations(csp_page) == []


@pytest.mark.parametrize("name", ["venue.html", "medical.html", "grid.html", "console/"])
def test_the_staff_pages_load_under_the_csp(csp_page: Any, stack: Any, name: str) -> None:
    csp_page.goto(f"{stack.base_url.rstrip('/')}/{name}")
    csp_page.wait_for_load_state("networkidle")
    assert violations(csp_page) == []


def test_the_organization_admin_page_works_under_the_csp(csp_page: Any, stack: Any) -> None:
    # GIVEN a resident logged in WHEN they open the organization admin's page and bind an organization THEN the page
    # works (its join code shown) and nothing was refused
    log_in(csp_page, stack, fresh_identity("林单位"))
    csp_page.goto(f"{stack.base_url.rstrip('/')}/org.html")
    expect(csp_page.locator("#create-form")).to_be_visible(timeout=SLOW_MS)
    csp_page.fill("#create-name", "林氏商行")
    csp_page.fill("#create-address", "广州市越秀区北京路1号")
    csp_page.select_option("#create-level", "VILLAGE")
    csp_page.fill("#create-phone", f"139{random.randrange(10**8):08d}")  # the console's login (no account phone)
    csp_page.click("[data-testid=create-submit]")
    expect(csp_page.locator("#join-code")).to_have_text(re.compile(r"^\d{12}$"), timeout=SLOW_MS)


def test_the_console_draws_its_charts_and_tooltips_under_the_csp(csp_page: Any, stack: Any) -> None:
    # GIVEN the console under the distribution's headers (ECharts: canvas, richText tooltips) WHEN the demo venue's
    # admin opens its statistics and points at a chart THEN the charts and the tooltip are drawn and nothing was refused
    from console_support import console_as

    csp_page.set_viewport_size({"width": 1440, "height": 900})
    admin = stack.demo["venue"]["admin"]
    console_as(csp_page, stack, admin)
    csp_page.wait_for_selector("#chart-venue-hourly[data-drawn=true] canvas", timeout=SLOW_MS)
    csp_page.wait_for_selector("#chart-venue-gender[data-drawn=true] canvas", timeout=SLOW_MS)
    for chart in ("venue-gender", "venue-hourly"):  # a tooltip shown as a pointer would show it
        csp_page.evaluate("""id => echarts.getInstanceByDom(document.getElementById(id))
                                 .dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})""", f"chart-{chart}")
    csp_page.wait_for_timeout(500)  # the tooltip is drawn, and a refusal reported, in tasks after the action
    csp_page.locator("[data-testid=chart-venue-gender] button[data-show=table]").click()
    expect(csp_page.locator("[data-testid=chart-venue-gender-table]")).to_be_visible()
    assert violations(csp_page) == []


def test_a_violation_would_be_seen(csp_page: Any, stack: Any) -> None:
    # GIVEN the same headers WHEN a page runs an inline script THEN it is refused and recorded (the check can fail)
    csp_page.goto(f"{stack.base_url.rstrip('/')}/venue.html")
    csp_page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';
                                 document.body.appendChild(s); }""")
    csp_page.wait_for_function("window.__cspViolations.length > 0")
    assert any(v.startswith("script-src") for v in violations(csp_page))
