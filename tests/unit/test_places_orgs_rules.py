"""Organization rules without AWS: what a declaration counts, the stats transaction, the CSV cells, join codes."""

from __future__ import annotations

import pytest

PLACE = "01JORG00000000000000000000"


def _declaration(person="01JP", day="2026-11-27", hour=8, temperature=36.5, symptoms=(), answers=None, place=PLACE):
    from healthcode.models import Declaration

    at = f"{day}T{hour:02d}:00:00.000+08:00"
    return Declaration(person_id=person, sk=f"{at}#{hour}", declaration_id=str(hour), type="ORG_MEMBER",
                       place_id=place, place_date=f"{place}#{day}", temperature_c=temperature,
                       symptoms=list(symptoms), answers=answers or {}, declared_by=person, created_at=at)


@pytest.mark.parametrize("temperature, symptoms, answers, expected", [
    (36.5, [], {}, {"declarations": 1}),
    (37.3, [], {}, {"declarations": 1, "fever": 1, "abnormal": 1}),
    (37.2, ["cough"], {}, {"declarations": 1, "symptomatic": 1, "abnormal": 1}),
    (None, ["fever"], {}, {"declarations": 1, "fever": 1, "symptomatic": 1, "abnormal": 1}),
    (36.5, [], {"contact_with_case": True}, {"declarations": 1, "risk": 1}),
    (36.5, [], {"household_unwell": True}, {"declarations": 1, "risk": 1}),
    (36.5, [], {"contact_with_case": False, "remarks": "true"}, {"declarations": 1}),
])
def test_what_one_declaration_counts(temperature, symptoms, answers, expected):
    from healthcode.places.orgs.stats import counts_of

    counted = counts_of(_declaration(temperature=temperature, symptoms=symptoms, answers=answers))
    assert {k: v for k, v in counted.items() if v} == expected


def _updates(items):
    return [(i["Update"]["Key"]["scope"]["S"], i["Update"]["Key"]["bucket"]["S"], i["Update"]) for i in items]


def test_a_declarants_records_are_one_transaction_anchor_first_each_bucket_once():
    from healthcode.places.orgs.stats import transaction_items

    # GIVEN one member's three declarations: two today (one with a fever), one tomorrow
    records = [("101", _declaration(hour=8)), ("102", _declaration(hour=18, temperature=38.0)),
               ("103", _declaration(day="2026-11-28", hour=8))]

    # WHEN the transaction is built without knowing the anchor
    items = _updates(transaction_items([("01JP", records, None)], "now"))

    # THEN the anchor comes first, assumes nothing was applied or counted yet, and each bucket appears once
    assert [(scope, bucket) for scope, bucket, _ in items] == [
        ("declarant#01JP", "orgs"), (f"org#{PLACE}", "day#2026-11-27"), (f"org#{PLACE}", "day#2026-11-28"),
        (f"org#{PLACE}", "total")]
    anchor = items[0][2]
    assert anchor["ConditionExpression"] == "(attribute_not_exists(#hw) OR #hw < :first) AND " \
                                            "(attribute_not_exists(#o0) OR #o0 < :o0)"
    assert anchor["ExpressionAttributeValues"][":o0"] == {"S": "2026-11-27"}
    assert anchor["ExpressionAttributeValues"][":first"]["S"].endswith("101")
    assert "ConditionExpression" not in items[1][2] and "ConditionExpression" not in items[3][2]
    values = {name: items[1][2]["ExpressionAttributeValues"][f":{key[1:]}"]["N"]
              for key, name in items[1][2]["ExpressionAttributeNames"].items() if key.startswith("#c")}
    assert values == {"declarations": "2", "declarants": "1", "fever": "1", "abnormal": "1"}


def test_declarants_packed_together_share_the_organization_buckets():
    from healthcode.places.orgs.stats import transaction_items

    packed = [(f"01JP{i}", [(f"10{i}", _declaration(person=f"01JP{i}", hour=8 + i))], None) for i in range(3)]
    items = _updates(transaction_items(packed, "now"))
    assert [(scope, bucket) for scope, bucket, _ in items] == [
        ("declarant#01JP0", "orgs"), ("declarant#01JP1", "orgs"), ("declarant#01JP2", "orgs"),
        (f"org#{PLACE}", "day#2026-11-27"), (f"org#{PLACE}", "total")]
    day = items[3][2]
    values = {name: day["ExpressionAttributeValues"][f":{key[1:]}"]["N"]
              for key, name in day["ExpressionAttributeNames"].items() if key.startswith("#c")}
    assert values == {"declarations": "3", "declarants": "3"}


@pytest.mark.parametrize("declarants, per_person, expected", [
    (100, 1, [98, 2]),  # 98 anchors + a day and a total bucket = 100 items; then the rest
    (3, 60, [1, 2, 2, 1]),  # each declarant's 60 records: 49 + 11, in order, never twice in one transaction
    (1, 1, [1]),
])
def test_declarants_are_packed_into_transactions_of_at_most_100_items(declarants, per_person, expected):
    from healthcode.places.orgs.stats import packs

    groups = {f"01JP{i}": [(f"{i}{j:03d}", _declaration(person=f"01JP{i}", hour=j % 24)) for j in range(per_person)]
              for i in range(declarants)}
    packed = packs(groups)
    assert [len(pack) for pack in packed] == expected
    for pack in packed:
        people = [person for person, _ in pack]
        assert len(people) == len(set(people))
    flattened = [sequence for pack in packed for _, chunk in pack for sequence, _ in chunk]
    assert sorted(flattened) == sorted(s for records in groups.values() for s, _ in records)


def test_with_the_anchor_known_the_first_of_the_day_is_decided_against_it():
    from healthcode.core.streams import Bucket, pad
    from healthcode.places.orgs.stats import transaction_items

    anchor = Bucket("declarant#01JP", "orgs", strings={"hw": pad("100"), f"o#{PLACE}": "2026-11-27"})
    items = _updates(transaction_items([("01JP", [("101", _declaration(hour=19))], anchor)], "now"))
    assert items[0][2]["ConditionExpression"] == "#hw = :hw"
    names = items[1][2]["ExpressionAttributeNames"]
    assert "declarants" not in names.values() and "declarations" in names.values()


@pytest.mark.parametrize("value, shown", [
    (True, "是"), (False, "否"), (None, ""), ("广州市", "广州市"), ("=1+1", "'=1+1"), ("+86", "'+86"),
    ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), (36.5, "36.5"),
])
def test_report_cells_are_text_excel_shows_as_typed(value, shown):
    from healthcode.places.orgs.reports import _cell

    assert _cell(value) == shown


def test_the_download_name_keeps_the_organization_name():
    from datetime import date

    from healthcode.places.orgs.reports import content_disposition

    header = content_disposition("天河科技园-健康申报-2026-11-27.csv", date(2026, 11, 27))
    assert header.startswith('attachment; filename="org-declarations-2026-11-27.csv"; filename*=UTF-8\'\'')
    assert header.isascii()


@pytest.mark.parametrize("typed, cleaned", [("123456789012", "123456789012"), (" 1234 5678 9012 ", "123456789012"),
                                            ("1234-5678-9012", "123456789012"), ("12345678901", None),
                                            ("12345678901a", None), ("", None)])
def test_join_codes_as_people_type_them(typed, cleaned):
    from healthcode.places.admin import cleaned_join_code

    assert cleaned_join_code(typed) == cleaned

