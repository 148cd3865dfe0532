"""web/inbound-regions.js (the page's 国家/地区 and 区号 lists) agrees with what the API accepts.

The list is generated from phonenumbers, whose regions are exactly the `country` codes the API accepts and
whose calling codes make the E.164 numbers it validates. Regenerate after a phonenumbers upgrade with
`.venv/bin/python tests/unit/test_inbound_regions.py > web/inbound-regions.js`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import phonenumbers

REGIONS_JS = Path(__file__).resolve().parents[2] / "web" / "inbound-regions.js"
# The guide's own names for the four: 中国大陆(+86) in the 区号 screenshot, and the regions of China.
NAMED_AS_IN_THE_GUIDE = {
    "CN": ("中国大陆", "Chinese mainland"),
    "HK": ("中国香港", "Hong Kong, China"),
    "MO": ("中国澳门", "Macao, China"),
    "TW": ("中国台湾", "Taiwan, China"),
}
FIRST = ["CN", "HK", "MO", "TW"]


def regions() -> list[list[object]]:
    from phonenumbers.geocoder import _region_display_name

    rows = []
    for code in sorted(phonenumbers.SUPPORTED_REGIONS, key=lambda c: (c not in FIRST, FIRST.index(c) if c in FIRST else 0,
                                                                       _region_display_name(c, "en"))):
        zh, en = NAMED_AS_IN_THE_GUIDE.get(code) or (_region_display_name(code, "zh"), _region_display_name(code, "en"))
        if zh and en:
            rows.append([code, zh, en, phonenumbers.country_code_for_region(code)])
    return rows


def generate() -> str:
    lines = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in regions())
    return (
        "/* Countries and regions for web/inbound.html: [ISO 3166-1 alpha-2, Chinese name, English name, calling code].\n"
        "   Generated from phonenumbers (the regions the API accepts as `country`); see tests/unit/test_inbound_regions.py. */\n"
        f"window.YKM_REGIONS = [\n{lines}\n];\n"
    )


def shipped() -> list[list[object]]:
    text = REGIONS_JS.read_text(encoding="utf-8")
    return json.loads(re.search(r"window\.YKM_REGIONS = (\[.*\]);", text, re.S).group(1))


def test_every_region_on_the_page_is_one_the_api_accepts_with_its_calling_code() -> None:
    # GIVEN the page's list WHEN each entry is checked against phonenumbers THEN code and calling code agree
    for code, zh, en, calling in shipped():
        assert code in phonenumbers.SUPPORTED_REGIONS and zh and en
        assert phonenumbers.country_code_for_region(code) == calling


def test_the_page_lists_every_region_with_a_name_and_the_guides_names_first() -> None:
    # GIVEN the page's list THEN it is exactly what the generator makes today, 中国大陆(+86) first
    assert shipped() == regions()
    assert shipped()[0] == ["CN", "中国大陆", "Chinese mainland", 86]
    assert len(shipped()) > 200


if __name__ == "__main__":
    print(generate(), end="")
