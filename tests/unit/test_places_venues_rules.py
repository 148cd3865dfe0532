"""Venue rules without AWS: region codes, age groups, join codes, the weekly edit limit, stats counters."""

from __future__ import annotations

from datetime import date

import pytest


@pytest.mark.parametrize("code, name", [
    ("440106001", "广东省广州市天河区"), ("441900003", "广东省东莞市"), ("442000101", "广东省中山市"),
    ("440305010", "广东省深圳市南山区"),
])
def test_valid_township_codes(code, name):
    from healthcode.places.venues.regions import parse_region

    assert parse_region(code).name == name


@pytest.mark.parametrize("code", ["", "44010600", "4401060011", "44010600a", "440106000", "440100001", "440000001",
                                  "110101001", "440102001", "449999001"])
def test_invalid_region_codes(code):
    from healthcode.core.errors import ValidationFailed
    from healthcode.places.venues.regions import parse_region

    with pytest.raises(ValidationFailed) as raised:
        parse_region(code)
    assert raised.value.field == "region_code"


@pytest.mark.parametrize("birth, group", [
    ("2010-11-28", "0-17"), ("2008-11-27", "18-39"), ("1986-11-28", "18-39"), ("1986-11-27", "40-59"),
    ("1966-11-27", "60+"), (None, "unknown"),
])
def test_age_groups_on_the_check_date(birth, group):
    from healthcode.places.venues.checks import age_group

    assert age_group(birth, date(2026, 11, 27)) == group


@pytest.mark.parametrize("typed", ["123456789012", " 1234 5678 9012 ", "123456-789012"])
def test_join_codes_are_normalised(typed):
    from healthcode.places.venues.places import normalise_join_code

    assert normalise_join_code(typed) == "123456789012"


def test_the_next_edit_is_the_following_monday():
    from healthcode.models import Place
    from healthcode.places.admin import next_edit_date

    place = Place(place_id="p", kind="VENUE", name="n", join_code="1", created_at="x", last_edited_week="2026-11-23")
    assert next_edit_date(place, date(2026, 11, 29)) == date(2026, 11, 30)  # Sunday -> Monday
    assert next_edit_date(place, date(2026, 11, 30)) is None


def test_a_transaction_adds_every_counter_once_and_conditions_only_the_anchor():
    from healthcode.core.streams import pad
    from healthcode.models import Check
    from healthcode.places.venues.stats import Source, transaction_items

    checks = [Check(place_date="P#2026-11-27", sk=f"s{i}", check_id=str(i), place_id="P", kind="VENUE_CHECK",
                    person_id="v", inspector_id=f"I{i % 2}", temperature="FEVER" if i == 0 else "NORMAL",
                    color="GREEN", code_type="R", gender="female", age_group="60+",
                    checked_at=f"2026-11-27T0{i}:00:00.000+08:00") for i in range(3)]
    items = transaction_items(Source("P", "2026-11-27", [(str(10 + i), c) for i, c in enumerate(checks)]), "now")
    anchor = items[0]["Update"]
    assert anchor["ConditionExpression"] == "attribute_not_exists(#hw) OR #hw < :first"
    assert anchor["ExpressionAttributeValues"][":first"]["S"] == pad("10")
    assert all("ConditionExpression" not in item["Update"] for item in items[1:])
    counters = {anchor["ExpressionAttributeNames"][k.split(" ")[0]]: anchor["ExpressionAttributeValues"][k.split(" ")[1]]["N"]
                for k in anchor["UpdateExpression"].split(" ADD ")[1].split(", ")}
    assert counters["checks"] == "3" and counters["fever"] == "1" and counters["g#female"] == "3"
    assert counters["i#I0#checks"] == "2" and counters["h#02"] == "1"
    assert [i["Update"]["Key"]["bucket"]["S"] for i in items] == ["day#2026-11-27", "total", "day#2026-11-27#P",
                                                                   "total#P", "day#2026-11-27#P", "total#P"]
