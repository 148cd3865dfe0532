"""web/inbound-regions.js (the page's 国家/地区 and 区号 lists) is what infra/build_regions.py makes from CLDR and
phonenumbers, and agrees with what the API accepts as `country`."""

from __future__ import annotations

import json
import re

import phonenumbers
import pytest
from healthcode.inbound import travellers as inbound

from infra import build_regions


def shipped() -> list[list[object]]:
    text = build_regions.TARGET.read_text(encoding="utf-8")
    return json.loads(re.search(r"export const REGIONS = (\[.*\]);", text, re.S).group(1))


def test_the_committed_file_is_what_the_script_writes() -> None:
    # GIVEN the committed web/inbound-regions.js WHEN the script runs THEN it writes the same text
    assert build_regions.TARGET.read_text(encoding="utf-8") == build_regions.generate()


def test_every_region_the_api_accepts_is_listed_once_with_its_calling_code() -> None:
    # GIVEN the page's list THEN its codes are exactly the API's `country` codes, each with its calling code
    rows = shipped()
    assert sorted(row[0] for row in rows) == sorted(phonenumbers.SUPPORTED_REGIONS)
    for code, _zh, _en, calling in rows:
        assert inbound.country_of(code) == code
        assert phonenumbers.country_code_for_region(code) == calling


def test_no_name_is_a_placeholder_and_the_guides_four_come_first() -> None:
    # GIVEN the page's list THEN every name is a real name (no CLDR fallback such as "*zh"), 中国大陆(+86) first
    rows = shipped()
    assert all(zh and en and "*" not in zh + en for _code, zh, en, _calling in rows)
    assert [row[0] for row in rows[:4]] == ["CN", "HK", "MO", "TW"]
    assert rows[0] == ["CN", "中国大陆", "Chinese mainland", 86]


@pytest.mark.parametrize(("code", "zh", "en"), [
    ("WS", "萨摩亚", "Samoa"),
    ("KG", "吉尔吉斯斯坦", "Kyrgyzstan"),
    ("ER", "厄立特里亚", "Eritrea"),
    ("FK", "福克兰群岛", "Falkland Islands"),
    ("PR", "波多黎各", "Puerto Rico"),
    ("BZ", "伯利兹", "Belize"),
    ("BA", "波斯尼亚和黑塞哥维那", "Bosnia & Herzegovina"),
    ("AS", "美属萨摩亚", "American Samoa"),
])
def test_regions_carry_their_current_standard_names(code: str, zh: str, en: str) -> None:
    # GIVEN a region the old hand-made list misspelt or named "*zh" THEN it has CLDR's name in both languages
    assert {row[0]: (row[1], row[2]) for row in shipped()}[code] == (zh, en)


@pytest.mark.parametrize("wrong", ["吉尔吉克斯坦", "厄里特尼亚", "富克兰群岛", "波多黎哥", "伯里兹", "波斯尼亚和黑山共和国",
                                   "*zh", "东萨摩亚"])
def test_no_misspelt_or_outdated_name_is_left(wrong: str) -> None:
    assert wrong not in build_regions.TARGET.read_text(encoding="utf-8")
