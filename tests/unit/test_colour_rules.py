"""The colour table of DESIGN.md, row by row, through the pure rule function healthcode.colour.status.evaluate."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from healthcode.colour.status import Fact, evaluate
from healthcode.core.clock import SHANGHAI

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)
NOW = T0 + timedelta(days=2)


def fact(kind, at=T0, event_id=None, result=None, valid_from=None, valid_until=None):
    return Fact(event_id=event_id or f"{kind}-{at.isoformat()}", kind=kind, occurred_at=at, result=result,
                valid_from=valid_from, valid_until=valid_until)


def codes(status):
    return [reason["code"] for reason in status.reasons]


def test_no_facts_is_green_with_nothing_to_review():
    assert evaluate([], NOW) == ("GREEN", [], None)


@pytest.mark.parametrize("kind", ["CONFIRMED", "SUSPECTED"])
def test_a_standing_case_fact_is_red_since_it_was_recorded(kind):
    status = evaluate([fact(kind)], NOW)
    assert status.color == "RED"
    assert status.reasons == [{"code": kind, "since": "2026-03-01T09:00:00.000+08:00"}]
    assert status.next_review_at is None


def test_positive_nucleic_acid_test_is_red():
    status = evaluate([fact("NUCLEIC_ACID", result="POSITIVE")], NOW)
    assert codes(status) == ["POSITIVE_TEST"]


def test_a_later_negative_test_clears_the_positive_one():
    status = evaluate([fact("NUCLEIC_ACID", result="POSITIVE"),
                       fact("NUCLEIC_ACID", T0 + timedelta(hours=30), result="NEGATIVE")], NOW)
    assert status.color == "GREEN"


def test_an_older_negative_test_does_not_clear_a_newer_positive_one():
    status = evaluate([fact("NUCLEIC_ACID", T0 - timedelta(days=1), result="NEGATIVE"),
                       fact("NUCLEIC_ACID", result="POSITIVE")], NOW)
    assert codes(status) == ["POSITIVE_TEST"]


def test_a_positive_and_a_negative_result_at_the_same_instant_count_as_positive():
    status = evaluate([fact("NUCLEIC_ACID", event_id="a", result="NEGATIVE"),
                       fact("NUCLEIC_ACID", event_id="b", result="POSITIVE")], NOW)
    assert codes(status) == ["POSITIVE_TEST"]


@pytest.mark.parametrize("kind", ["CONFIRMED", "SUSPECTED", "CLOSE_CONTACT", "CENTRAL_QUARANTINE", "HOME_QUARANTINE"])
def test_a_later_release_notice_clears_what_it_releases(kind):
    period = {"valid_until": NOW + timedelta(days=10)} if kind == "CLOSE_CONTACT" else (
        {"valid_from": T0, "valid_until": NOW + timedelta(days=10)} if "QUARANTINE" in kind else {})
    status = evaluate([fact(kind, **period), fact("RELEASE_NOTICE", T0 + timedelta(days=1))], NOW)
    assert status == ("GREEN", [], None)


def test_a_release_notice_clears_a_positive_test():
    status = evaluate([fact("NUCLEIC_ACID", result="POSITIVE"), fact("RELEASE_NOTICE", T0 + timedelta(hours=1))], NOW)
    assert status.color == "GREEN"


def test_a_release_notice_does_not_clear_facts_that_come_after_it():
    status = evaluate([fact("RELEASE_NOTICE", T0), fact("CONFIRMED", T0 + timedelta(hours=1))], NOW)
    assert codes(status) == ["CONFIRMED"]


def test_a_release_notice_does_not_clear_another_provinces_code():
    status = evaluate([fact("OTHER_PROVINCE_CODE", result="RED"), fact("RELEASE_NOTICE", T0 + timedelta(hours=1))],
                      NOW)
    assert codes(status) == ["OTHER_PROVINCE_RED_YELLOW"]


def test_suspected_case_is_cleared_by_a_later_clearance():
    status = evaluate([fact("SUSPECTED"), fact("SUSPECTED_CLEARED", T0 + timedelta(hours=5))], NOW)
    assert status.color == "GREEN"


def test_a_clearance_does_not_clear_a_positive_test():
    status = evaluate([fact("NUCLEIC_ACID", result="POSITIVE"), fact("SUSPECTED_CLEARED", T0 + timedelta(hours=5))],
                      NOW)
    assert codes(status) == ["POSITIVE_TEST"]


def test_close_contact_is_red_until_its_end_and_asks_for_a_review_then():
    until = NOW + timedelta(days=3)
    status = evaluate([fact("CLOSE_CONTACT", valid_until=until)], NOW)
    assert status.reasons == [{"code": "CLOSE_CONTACT", "since": "2026-03-01T09:00:00.000+08:00",
                               "until": "2026-03-06T09:00:00.000+08:00"}]
    assert status.next_review_at == until


def test_close_contact_without_an_end_stays_red_until_released():
    status = evaluate([fact("CLOSE_CONTACT")], NOW + timedelta(days=400))
    assert codes(status) == ["CLOSE_CONTACT"] and status.next_review_at is None


@pytest.mark.parametrize("result,color", [("RED", "RED"), ("YELLOW", "RED"), ("GREEN", "GREEN")])
def test_the_latest_other_province_code_decides(result, color):
    status = evaluate([fact("OTHER_PROVINCE_CODE", T0 - timedelta(days=1), result="RED"),
                       fact("OTHER_PROVINCE_CODE", result=result)], NOW)
    assert status.color == color


@pytest.mark.parametrize("kind", ["CENTRAL_QUARANTINE", "HOME_QUARANTINE"])
def test_quarantine_is_red_only_inside_its_period(kind):
    start, end = NOW + timedelta(days=1), NOW + timedelta(days=15)
    facts = [fact(kind, valid_from=start, valid_until=end)]
    before = evaluate(facts, NOW)
    assert before.color == "GREEN" and before.next_review_at == start
    during = evaluate(facts, start)
    assert during.reasons == [{"code": kind, "since": "2026-03-04T09:00:00.000+08:00",
                               "until": "2026-03-18T09:00:00.000+08:00"}]
    assert during.next_review_at == end
    after = evaluate(facts, end)
    assert after == ("GREEN", [], None)


@pytest.mark.parametrize("kind,result", [("HEALTH_CERTIFICATE", "HIGH_RISK"), ("ANTIBODY", "POSITIVE"),
                                         ("ENTRY_REGISTRATION", None), ("INBOUND_ENTRY", None), ("ITINERARY", None)])
def test_facts_that_are_only_shown_never_change_the_colour(kind, result):
    assert evaluate([fact(kind, result=result)], NOW).color == "GREEN"


def test_reasons_come_in_the_table_order_whatever_the_facts_order():
    facts = [fact("HOME_QUARANTINE", valid_from=T0, valid_until=NOW + timedelta(days=1)),
             fact("OTHER_PROVINCE_CODE", result="YELLOW"), fact("CONFIRMED", T0 + timedelta(hours=2)),
             fact("NUCLEIC_ACID", result="POSITIVE")]
    assert codes(evaluate(facts, NOW)) == ["CONFIRMED", "POSITIVE_TEST", "OTHER_PROVINCE_RED_YELLOW",
                                           "HOME_QUARANTINE"]


def test_overlapping_contact_periods_give_one_reason_until_the_last_end():
    status = evaluate([fact("CLOSE_CONTACT", event_id="a", valid_until=NOW + timedelta(days=1)),
                       fact("CLOSE_CONTACT", T0 + timedelta(hours=1), event_id="b",
                            valid_until=NOW + timedelta(days=4))], NOW)
    assert len(status.reasons) == 1 and status.reasons[0]["until"] == "2026-03-07T09:00:00.000+08:00"
    assert status.next_review_at == NOW + timedelta(days=1)


def test_facts_read_from_items_with_iso_text():
    item = {"event_id": "e1", "kind": "HOME_QUARANTINE", "occurred_at": "2026-03-01T09:00:00.000+08:00",
            "valid_from": "2026-03-01T09:00:00.000+08:00", "valid_until": "2026-03-05T09:00:00.000+08:00"}
    assert evaluate([Fact.of(item)], NOW).color == "RED"
