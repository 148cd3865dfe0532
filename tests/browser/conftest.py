"""Fixtures of the browser suite: the local stack, Debian's chromium, and a phone-sized page that fails the test
when it raises a JavaScript error or asks for anything outside the stack."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    from playwright import sync_api
except ImportError:  # each test module skips itself with pytest.importorskip
    sync_api = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest) -> Any:
    """The running local stack from tests/conftest.py, or a skip when this checkout has none."""
    try:
        return request.getfixturevalue("local_stack")
    except pytest.FixtureLookupError:
        pytest.skip("no local_stack fixture: the browser tests need the local stack")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if sync_api is None:
        pytest.skip("playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


class PageGuard:
    """What a page did wrong: requests outside the stack (aborted) and uncaught JavaScript errors."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.outside: list[str] = []
        self.page_errors: list[str] = []

    def only_same_origin(self, route: Any) -> None:
        url = route.request.url
        if url == self.base_url or url.startswith(self.base_url + "/"):
            route.fallback()  # on to the page's own routes, if a test set any, else to the stack
        else:
            self.outside.append(url)
            route.abort()

    def open(self, context: Any) -> Any:
        """A new page of the context, watched from its first request."""
        context.route("**/*", self.only_same_origin)
        opened = context.new_page()
        opened.on("pageerror", lambda error: self.page_errors.append(str(error)))
        return opened

    def check(self) -> None:
        assert not self.outside, f"the page requested outside resources: {self.outside}"
        assert not self.page_errors, f"uncaught errors in the page: {self.page_errors}"


@pytest.fixture
def page(browser: Any, stack: Any) -> Iterator[Any]:
    """A phone-sized page, in Chinese on Beijing time, that may load nothing but the stack itself (no CDN, no outside
    calls) and raises no page errors; confirmation dialogs are accepted."""
    # Service workers blocked: Playwright's routes do not see what a worker fetches (web/sw.js serves the shell);
    # the offline tests (test_offline_*.py) open contexts of their own that allow them.
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  service_workers="block")
    guard = PageGuard(stack.base_url)
    opened = guard.open(context)
    opened.on("dialog", lambda dialog: dialog.accept())
    try:
        yield opened
    finally:
        context.close()
    guard.check()


@pytest.fixture
def screenshot(page: Any) -> Callable[[str], None]:
    """screenshot("name.png"): the whole page, into test-results/."""

    def take(name: str) -> None:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(RESULTS_DIR / name), full_page=True)

    return take


@pytest.fixture
def qr_claims() -> Callable[[str], dict[str, Any]]:
    """qr_claims(qr): the claims of a signed YKM1 code as drawn (data-qr), e.g. "s" the person, "t" the kind."""

    def decode(qr: str) -> dict[str, Any]:
        payload = qr.split(".")[2]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))

    return decode


@pytest.fixture
def desktop(browser: Any, stack: Any) -> Iterator[Any]:
    """A desktop-sized page (the management console, /console/), guarded as `page` is: nothing outside the stack,
    no page errors; downloads accepted."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", service_workers="block", accept_downloads=True)
    guard = PageGuard(stack.base_url)
    opened = guard.open(context)
    try:
        yield opened
    finally:
        context.close()
    guard.check()
