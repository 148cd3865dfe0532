"""The H5 declaration form sends an Idempotency-Key per submission and reuses it when a lost answer is retried."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import SLOW_MS, expect, fresh_identity, log_in, lose_first_post_answer

pytestmark = pytest.mark.browser


def test_a_submit_whose_answer_was_lost_is_retried_with_its_key_and_stored_once(page: Any, stack: Any) -> None:
    # GIVEN a resident on the declaration form, on a network that loses the first answer after the server got it
    log_in(page, stack, fresh_identity("吴重试", "1987"))
    page.click("[data-testid=open-declare]")
    keys = lose_first_post_answer(page, "**/v1/me/declarations*")
    page.fill("#declare-temperature", "36.6")
    page.fill("#declare-city", "广州市")
    page.click("#declare-submit")
    expect(page.locator("#declare-error")).to_contain_text("网络", timeout=SLOW_MS)

    # WHEN the resident submits the same form again
    page.click("#declare-submit")

    # THEN the retry carries the same key, succeeds, and one declaration is listed
    expect(page.locator("#declare-done")).to_contain_text("申报成功", timeout=SLOW_MS)
    expect(page.locator("[data-testid=declaration-item]")).to_have_count(1)
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]

    # WHEN a new declaration is submitted after the success THEN it has a key of its own and is stored too
    page.fill("#declare-temperature", "36.6")
    page.click("#declare-submit")
    expect(page.locator("[data-testid=declaration-item]")).to_have_count(2, timeout=SLOW_MS)
    assert len(keys) == 3 and keys[2] not in keys[:2]
