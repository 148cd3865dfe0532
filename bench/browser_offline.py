"""Time from page load to a drawn code with the network cut (issue 13), measured in Chromium on the local stack.

A resident logs in on the installable code page once (the service worker caches the shell, the page stores the
code); then, ROUNDS times, the page is reloaded with the network cut and the time from the navigation's start
(performance.timeOrigin) to the moment the canvas carries the stored code (data-qr set, the offline label shown)
is read in the page with performance.now(). Two cuts:

- offline: the phone has no network at all (context.set_offline): the shell comes from the service worker's cache;
- api-down: the shell loads, GET /v1/me/code is refused (the route aborted, as a dead or unreachable service).

Not a test (no timed assertion anywhere in tests/): figures go to docs/perf/offline.md.

    PORT=18123 .venv/bin/python -m infra.local &          # kill <pid> afterwards
    .venv/bin/python bench/browser_offline.py http://127.0.0.1:18123
"""

from __future__ import annotations

import random
import statistics
import sys
from typing import Any

from playwright.sync_api import sync_playwright
from stdnum.cn import ric

ROUNDS = 20
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
DRAWN = """() => new Promise((resolve) => {
  const done = () => {
    const qr = document.querySelector('#code-qr');
    const label = document.querySelector('#code-offline');
    return qr && qr.dataset.qr && label && !label.hidden;
  };
  const check = () => done() ? resolve(performance.now()) : requestAnimationFrame(check);
  check();
})"""


def identity() -> dict[str, str]:
    first17 = f"440104199{random.randint(0, 9)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}" \
              f"{random.randint(100, 999)}"
    return {"id_number": first17 + ric.calc_check_digit(first17 + "0"), "name": "陈计时"}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(base: str) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"offline": [], "api-down": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                      has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                      service_workers="allow")
        page: Any = context.new_page()
        page.goto(base + "/")
        who = identity()
        page.fill("#id-number", who["id_number"])
        page.fill("#name", who["name"])
        page.check("#method-face")
        page.fill("#proof", "dev-pass")
        page.click("#login-submit")
        page.wait_for_selector("#code-qr[data-qr]", timeout=30_000)
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
        page.wait_for_selector("#code-qr[data-qr]", timeout=30_000)
        for _ in range(ROUNDS):
            context.set_offline(True)
            page.reload(wait_until="commit")
            timings["offline"].append(page.evaluate(DRAWN))
            context.set_offline(False)
        page.route("**/v1/me/code*", lambda route: route.abort("connectionrefused"))
        for _ in range(ROUNDS):
            page.reload(wait_until="commit")
            timings["api-down"].append(page.evaluate(DRAWN))
        browser.close()
    return timings


def main(base: str) -> None:
    for cut, values in measure(base.rstrip("/")).items():
        print(f"{cut:<9} n={len(values)}  median {statistics.median(values):6.1f} ms  "
              f"p95 {percentile(values, 0.95):6.1f} ms  max {max(values):6.1f} ms  (target < 300 ms)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
