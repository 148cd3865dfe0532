"""FAQ 11: the code page shows the latest nucleic-acid result from 20 April 2020 on (healthcode.colour.status.latest_test)."""

from __future__ import annotations

from datetime import datetime, timedelta

from healthcode.colour.status import Fact, latest_test
from healthcode.core.clock import SHANGHAI

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)


def nat(at=T0, result="NEGATIVE", institution="广州金域医学检验中心", kind="NUCLEIC_ACID", event_id=None):
    return Fact(event_id=event_id or f"{kind}-{at.isoformat()}-{result}", kind=kind, occurred_at=at, result=result,
                institution=institution)


def test_no_test_shows_nothing():
    assert latest_test([]) is None


def test_the_latest_test_is_shown_with_result_institution_and_time():
    shown = latest_test([nat(T0, "POSITIVE", "甲医院"), nat(T0 + timedelta(days=1), "NEGATIVE", "乙医院")])
    assert shown == {"result": "NEGATIVE", "institution": "乙医院", "tested_at": "2026-03-02T09:00:00.000+08:00"}


def test_the_order_of_arrival_does_not_matter():
    tests = [nat(T0 + timedelta(days=d), result) for d, result in ((2, "NEGATIVE"), (0, "POSITIVE"), (1, "POSITIVE"))]
    assert latest_test(tests) == latest_test(list(reversed(tests))) == latest_test(tests + tests)


def test_a_positive_and_a_negative_at_the_same_instant_show_positive():
    shown = latest_test([nat(T0, "NEGATIVE", event_id="b"), nat(T0, "POSITIVE", event_id="a")])
    assert shown["result"] == "POSITIVE"


def test_tests_before_20_april_2020_are_not_shown():
    before = datetime(2020, 4, 19, 23, 59, tzinfo=SHANGHAI)
    assert latest_test([nat(before, "POSITIVE")]) is None


def test_a_test_on_20_april_2020_is_shown():
    first_day = datetime(2020, 4, 20, 0, 0, tzinfo=SHANGHAI)
    assert latest_test([nat(first_day)])["tested_at"] == "2020-04-20T00:00:00.000+08:00"


def test_other_kinds_are_not_a_nucleic_acid_test():
    assert latest_test([nat(kind="ANTIBODY", result="POSITIVE"), Fact("c", "CONFIRMED", T0)]) is None


def test_a_fact_read_from_an_item_carries_its_institution():
    item = {"event_id": "e1", "kind": "NUCLEIC_ACID", "occurred_at": "2026-03-01T09:00:00+08:00",
            "result": "NEGATIVE", "details": {"institution": "广州市第八人民医院"}}
    assert latest_test([Fact.of(item)])["institution"] == "广州市第八人民医院"
