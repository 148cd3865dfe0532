"""The inbound page's Language toggle: every red-code reason has its label and its guide in Chinese and English."""

from __future__ import annotations

import re

import pytest
from healthcode.colour.reasons import REASONS, describe


@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_reason_has_label_and_guide_in_both_languages(code: str) -> None:
    text = REASONS[code]
    assert re.search(r"[\u4e00-\u9fff]", text["label"]) and re.search(r"[\u4e00-\u9fff]", text["guide"])
    assert text["label_en"].isascii() and text["guide_en"].isascii() and len(text["guide_en"]) > 20


def test_describe_gives_both_languages_and_the_period() -> None:
    shown = describe([{"code": "HOME_QUARANTINE", "until": "2026-12-10T00:00:00+08:00"}])
    assert shown == [{"code": "HOME_QUARANTINE", "label": "居家隔离人员", "label_en": "Home quarantine",
                      "guide": REASONS["HOME_QUARANTINE"]["guide"], "guide_en": REASONS["HOME_QUARANTINE"]["guide_en"],
                      "until": "2026-12-10T00:00:00+08:00"}]


def test_an_unknown_reason_is_shown_by_its_code() -> None:
    assert describe([{"code": "NEW_RULE"}]) == [{"code": "NEW_RULE", "label": "NEW_RULE", "label_en": "NEW_RULE",
                                                 "guide": "", "guide_en": ""}]
