"""The code page in Chromium shows the latest nucleic-acid test beside the colour (FAQ 11)."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import SLOW_MS, expect, log_in

pytestmark = pytest.mark.browser


def demo_person(stack: Any, name: str) -> dict[str, Any]:
    people = (getattr(stack, "demo", None) or {}).get("people") or []
    found = [p for p in people if p.get("name") == name]
    if not found:
        pytest.skip(f"the local stack's demo has no {name}")
    return found[0]


def test_the_red_demo_resident_sees_the_positive_test_on_the_code_page(page: Any, stack: Any) -> None:
    # GIVEN the demo resident whose positive test came through the partner feed
    person = demo_person(stack, "陈红码")
    # WHEN they log in
    log_in(page, stack.base_url, person)
    # THEN the code page names the latest test, its result and institution
    expect(page.locator("#code-color")).to_have_text("红码", timeout=SLOW_MS)
    expect(page.locator("#code-test")).to_be_visible()
    expect(page.locator("#code-test")).to_contain_text("最近一次核酸检测：阳性")


def test_a_green_resident_sees_the_negative_test_with_its_institution(page: Any, stack: Any) -> None:
    # GIVEN a demo resident whose latest test, fed yesterday, was negative
    person = demo_person(stack, "李小红")
    # WHEN they log in
    log_in(page, stack.base_url, person)
    # THEN the green code comes with that test, its result and institution
    expect(page.locator("#code-color")).to_have_text("绿码", timeout=SLOW_MS)
    expect(page.locator("#code-test")).to_contain_text("最近一次核酸检测：阴性")
    expect(page.locator("#code-test")).to_contain_text("广州市第一人民医院")


def test_a_lost_printout_is_reissued_from_the_offline_code(page: Any, stack: Any, qr_claims: Any) -> None:
    # GIVEN a fresh resident looking at their printable code (confirmation dialogs are accepted)
    import random

    from infra.local.demo import id_number

    person = {"name": "冯遗失", "id_number": id_number(
        f"4401001988{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}")}
    log_in(page, stack.base_url, person)
    assert qr_claims(page.get_attribute("#code-qr", "data-qr"))["v"] == 1
    page.click("#offline-open")
    expect(page.locator("#offline-image")).to_be_visible(timeout=SLOW_MS)
    # WHEN they re-issue it
    page.click("#offline-reissue")
    # THEN a new card is shown, and the screen code now carries the new code version
    expect(page.locator("#offline-image")).to_be_visible(timeout=SLOW_MS)
    page.wait_for_function("() => JSON.parse(atob(document.querySelector('#code-qr').dataset.qr.split('.')[2]"
                           ".replace(/-/g, '+').replace(/_/g, '/'))).v === 2", timeout=SLOW_MS)
