"""Properties of the colour rules (hypothesis): arrival order, replays and time boundaries never surprise."""

from __future__ import annotations

from datetime import datetime, timedelta

from healthcode.colour.status import Fact, evaluate
from healthcode.core.clock import SHANGHAI
from hypothesis import given, settings
from hypothesis import strategies as st

BASE = datetime(2026, 5, 1, tzinfo=SHANGHAI)
RESULTS = {
    "NUCLEIC_ACID": ["POSITIVE", "NEGATIVE"], "ANTIBODY": ["POSITIVE", "NEGATIVE"],
    "OTHER_PROVINCE_CODE": ["RED", "YELLOW", "GREEN"], "HEALTH_CERTIFICATE": ["LOW_RISK", "MEDIUM_RISK", "HIGH_RISK"],
}
PLAIN = ["CONFIRMED", "SUSPECTED", "SUSPECTED_CLEARED", "RELEASE_NOTICE", "ENTRY_REGISTRATION", "INBOUND_ENTRY",
         "ITINERARY"]
PERIODS = ["CLOSE_CONTACT", "CENTRAL_QUARANTINE", "HOME_QUARANTINE"]

minutes = st.integers(min_value=0, max_value=60 * 24 * 30)


@st.composite
def facts(draw, kinds=None):
    kind = draw(st.sampled_from(kinds or (list(RESULTS) + PLAIN + PERIODS)))
    occurred = BASE + timedelta(minutes=draw(minutes))
    result = draw(st.sampled_from(RESULTS[kind])) if kind in RESULTS else None
    valid_from = valid_until = None
    if kind in PERIODS:
        valid_from = occurred + timedelta(minutes=draw(st.integers(0, 60 * 24 * 3)))
        valid_until = valid_from + timedelta(minutes=draw(st.integers(1, 60 * 24 * 14)))
        if kind == "CLOSE_CONTACT" and draw(st.booleans()):
            valid_from = None
    event_id = draw(st.text("abcdef0123456789", min_size=6, max_size=10))
    return Fact(event_id=f"{kind}-{event_id}", kind=kind, occurred_at=occurred, result=result, valid_from=valid_from,
                valid_until=valid_until)


fact_lists = st.lists(facts(), max_size=12, unique_by=lambda f: f.event_id)
instants = minutes.map(lambda m: BASE + timedelta(minutes=m))


@given(fact_lists, instants, st.randoms())
def test_order_of_arrival_never_changes_the_result(facts_, now, rnd):
    shuffled = list(facts_)
    rnd.shuffle(shuffled)
    assert evaluate(shuffled, now) == evaluate(facts_, now)


@given(fact_lists, instants, st.data())
def test_replayed_facts_never_change_the_result(facts_, now, data):
    replays = data.draw(st.lists(st.sampled_from(facts_), max_size=10)) if facts_ else []
    assert evaluate(facts_ + replays, now) == evaluate(facts_, now)


@given(fact_lists, instants)
def test_red_exactly_when_there_are_reasons(facts_, now):
    status = evaluate(facts_, now)
    assert (status.color == "RED") == bool(status.reasons)
    assert status.next_review_at is None or status.next_review_at > now


@given(fact_lists, instants, st.floats(min_value=0, max_value=1, exclude_max=True))
def test_nothing_changes_before_the_next_review(facts_, now, fraction):
    status = evaluate(facts_, now)
    if status.next_review_at is None:
        later = now + timedelta(days=60)
    else:
        span = (status.next_review_at - now) // timedelta(microseconds=1)
        later = now + timedelta(microseconds=min(span - 1, int(span * fraction)))
    assert evaluate(facts_, later) == status


@given(st.lists(facts(["NUCLEIC_ACID", "ANTIBODY", "HEALTH_CERTIFICATE", "ENTRY_REGISTRATION", "ITINERARY"]),
                max_size=6, unique_by=lambda f: f.event_id).filter(
    lambda fs: all(f.result != "POSITIVE" or f.kind != "NUCLEIC_ACID" for f in fs)),
       facts(["CENTRAL_QUARANTINE", "HOME_QUARANTINE", "CLOSE_CONTACT"]))
def test_a_period_ends_exactly_at_valid_until(background, period):
    facts_ = background + [period]
    just_before = period.valid_until - timedelta(milliseconds=1)
    before = evaluate(facts_, just_before)
    assert before.color == "RED" and [r["code"] for r in before.reasons] == [period.kind]
    assert before.next_review_at == period.valid_until
    assert evaluate(facts_, period.valid_until) == ("GREEN", [], None)


@given(fact_lists, instants, st.lists(facts(["HEALTH_CERTIFICATE"]), min_size=1, max_size=4))
def test_health_certificates_never_change_the_colour(facts_, now, certificates):
    ids = {f.event_id for f in facts_}
    extra = [c for c in certificates if c.event_id not in ids]
    assert evaluate(facts_ + extra, now) == evaluate(facts_, now)


@settings(max_examples=50)
@given(fact_lists, instants)
def test_a_release_notice_after_everything_leaves_only_another_provinces_code(facts_, now):
    last = max([f.occurred_at for f in facts_] + [BASE])
    release = Fact(event_id="release-final", kind="RELEASE_NOTICE", occurred_at=last)
    codes = {r["code"] for r in evaluate(facts_ + [release], now).reasons}
    assert codes <= {"OTHER_PROVINCE_RED_YELLOW"}
