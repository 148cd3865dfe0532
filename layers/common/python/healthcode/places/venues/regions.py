"""Administrative region codes of venues: 9 digits, a GB/T 2260 county-level code plus a 3-digit township.

The county part is checked against the code list python-stdnum ships (`cn/loc`, the one stdnum's resident ID
validation uses): the code must exist today (no end year), lie in Guangdong (the guide covers "全省所有公共场所"),
and be county level — a province (`xx0000`) or a prefecture with counties (`xxxx00`) is not; a prefecture-level
city without counties (东莞 441900, 中山 442000) is, since its townships hang directly below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from healthcode.core.errors import ValidationFailed

PROVINCE = "44"  # 广东省
_REGION = re.compile(r"^\d{9}$")


@dataclass(frozen=True)
class Region:
    code: str
    province: str
    prefecture: str  # empty for a prefecture-level city without counties (东莞市 is its own county level)
    county: str  # the county-level unit's current name
    township: str  # the 3-digit township / street (乡镇街道) code

    @property
    def name(self) -> str:
        return f"{self.province}{self.prefecture}{self.county}"


def _current_name(names: str) -> str | None:
    """`[1983-1989]南头区办事处,[1990-]南山区` -> 南山区; None when every name has an end year."""
    for entry in names.split(","):
        if not entry.startswith("["):
            return entry
        period, name = entry[1:].split("]", 1)
        if not period.split("-", 1)[1]:
            return name
    return None


@cache
def _county_level() -> dict[str, tuple[str, str, str]]:
    """code6 -> (province, prefecture, county) for every county-level code in use today."""
    from stdnum import numdb

    current: dict[str, tuple[str, str]] = {}
    for length, low, high, props, children in numdb.get("cn/loc").prefixes:
        if length != 2 or low != high:
            continue
        for child_length, child_low, child_high, child_props, _ in children:
            if child_length != 4 or child_low != child_high or "county" not in child_props:
                continue
            name = _current_name(child_props["county"])
            if name and name != "市辖区":
                current[low + child_low] = (props.get("province", ""), name)
    prefectures_with_counties = {code[:4] for code in current if not code.endswith("00")}
    return {
        code: (province, current[code[:4] + "00"][1] if not code.endswith("00") and code[:4] + "00" in current else "",
               county)
        for code, (province, county) in current.items()
        if not code.endswith("0000") and not (code.endswith("00") and code[:4] in prefectures_with_counties)
    }


def parse_region(code: str, field: str = "region_code") -> Region:
    """The validated region of a 9-digit township-level code, or 400 naming the field."""
    code = (code or "").strip()
    if not _REGION.match(code):
        raise ValidationFailed("region_code must be 9 digits: county code (6) + township (3)",
                               "所在区域须为9位乡镇街道级行政区划代码", field=field)
    if not code.startswith(PROVINCE):
        raise ValidationFailed("The venue must be in Guangdong (region code 44xxxxxxx)",
                               "场所须位于广东省（区划代码以44开头）", field=field)
    names = _county_level().get(code[:6])
    if names is None:
        raise ValidationFailed("Unknown county-level region code", "区县级行政区划代码不存在或已撤销", field=field)
    if code[6:] == "000":
        raise ValidationFailed("The last three digits must name a township or street", "请选择到乡镇街道一级",
                               field=field)
    return Region(code=code, province=names[0], prefecture=names[1], county=names[2], township=code[6:])


def current_counties(province: str = PROVINCE) -> dict[str, tuple[str, str, str]]:
    """code6 -> (province, prefecture, county) of every county-level code a venue of the province may name today (the
    venue page's region picker is generated from this, so it offers exactly what parse_region accepts)."""
    return {code: names for code, names in _county_level().items() if code.startswith(province)}
