"""Between a reason's end and the next scheduled review (up to a minute), showing, scanning and checking a code
already treat the ended period as over; the stored status is left for the review to rewrite. Clock controlled."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

ENDS = "2026-11-27T10:00:00.000+08:00"
QUARANTINE = {"code": "HOME_QUARANTINE", "since": "2026-11-13T10:00:00.000+08:00", "until": ENDS}
CONFIRMED = {"code": "CONFIRMED", "since": "2026-11-01T10:00:00.000+08:00"}


class Clock:
    def __init__(self, start) -> None:
        self.now = start


@pytest.fixture
def clock(aws, monkeypatch):
    from healthcode.core import clock as product_clock

    frozen = Clock(product_clock.parse(ENDS) + timedelta(seconds=30))  # the end has passed, the review has not run
    monkeypatch.setattr(product_clock, "now", lambda: frozen.now)
    return frozen


def red(person_id, *reasons):
    """The status as the status stream stored it while the quarantine ran."""
    from healthcode.models import Person

    Person.get(person_id).update(actions=[Person.color.set("RED"), Person.reasons.set(list(reasons)),
                                          Person.status_updated_at.set("2026-11-13T10:00:00.000+08:00")])


def qr_of(person_id):
    from healthcode.codes.tokens import CodeType, get_keyring
    from healthcode.core import clock

    return get_keyring().sign(CodeType.RESIDENT, person_id, 1, int(clock.now().timestamp()))


def bound(kind, place_id=None):
    from healthcode.core import clock
    from healthcode.models import Relation

    inspector, place_id = str(uuid.uuid4()), place_id or f"place-{uuid.uuid4().hex[:8]}"
    Relation.make(inspector, kind, place_id, clock.iso(clock.now())).save()
    return inspector, place_id


def show(lambdas, event, invoke, person_id):
    status, body = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=person_id))
    assert status == 200, body
    return body


def test_a_code_shown_after_the_quarantine_ended_is_green(lambdas, event, invoke, clock, resident):
    # GIVEN a stored RED status whose only reason ended 30 s ago
    red(resident["person_id"], QUARANTINE)

    # WHEN the person shows their code THEN it is green, without reasons, updated at the end
    body = show(lambdas, event, invoke, resident["person_id"])
    assert (body["color"], body["reasons"], body["updated_at"]) == ("GREEN", [], ENDS)


def test_the_display_log_records_the_colour_shown(lambdas, event, invoke, clock, resident):
    from healthcode.models import DisplayLogEntry

    red(resident["person_id"], QUARANTINE)
    show(lambdas, event, invoke, resident["person_id"])
    assert [entry.color for entry in DisplayLogEntry.query(resident["person_id"])] == ["GREEN"]


def test_the_stored_status_is_left_to_the_review(lambdas, event, invoke, clock, resident):
    from healthcode.models import Person

    red(resident["person_id"], QUARANTINE)
    before = Person.get(resident["person_id"])
    show(lambdas, event, invoke, resident["person_id"])
    after = Person.get(resident["person_id"])
    assert (after.color, after.reasons, after.version) == ("RED", [QUARANTINE], before.version)


def test_a_code_shown_before_the_end_is_still_red(lambdas, event, invoke, clock, resident):
    from healthcode.core import clock as product_clock

    red(resident["person_id"], QUARANTINE)
    clock.now = product_clock.parse(ENDS) - timedelta(seconds=1)
    body = show(lambdas, event, invoke, resident["person_id"])
    assert body["color"] == "RED" and [r["code"] for r in body["reasons"]] == ["HOME_QUARANTINE"]


def test_a_reason_without_an_end_keeps_the_code_red(lambdas, event, invoke, clock, resident):
    red(resident["person_id"], CONFIRMED, QUARANTINE)
    body = show(lambdas, event, invoke, resident["person_id"])
    assert body["color"] == "RED" and [r["code"] for r in body["reasons"]] == ["CONFIRMED"]


def test_showing_the_code_costs_the_same_dynamodb_calls(lambdas, event, invoke, clock, resident):
    from infra.local.embedded import count_aws_calls

    # GIVEN a stale RED status WHEN the code is shown THEN one GetItem and one PutItem, as for any display
    red(resident["person_id"], QUARANTINE)
    with count_aws_calls() as calls:
        show(lambdas, event, invoke, resident["person_id"])
    assert {op: n for op, n in calls.items() if op.startswith("dynamodb.")} == {"dynamodb.GetItem": 1,
                                                                                "dynamodb.PutItem": 1}


def test_a_scan_after_the_end_shows_green(lambdas, event, invoke, clock, resident):
    # GIVEN a stale RED status and an inspector WHEN the inspector scans the code THEN green, no reasons
    red(resident["person_id"], QUARANTINE)
    inspector, _ = bound("VENUE")
    status, body = invoke(lambdas["ScanFunction"], event("scan-code.json", person_id=inspector,
                                                         body={"qr": qr_of(resident["person_id"])}))
    assert status == 200, body
    assert (body["color"], body["reasons"], body["status_updated_at"]) == ("GREEN", [], ENDS)


def test_a_venue_check_after_the_end_is_recorded_green(lambdas, event, invoke, clock, resident):
    from healthcode.core import clock as product_clock
    from healthcode.models import Check
    from venues_support import check

    # GIVEN a stale RED status and an inspector of a venue
    red(resident["person_id"], QUARANTINE)
    inspector, place_id = bound("VENUE")

    # WHEN the inspector checks the code
    status, body = check(lambdas, place_id, inspector, qr_of(resident["person_id"]))

    # THEN the answer and the stored check are green, with no red alert
    assert status in (200, 201), body
    assert (body["color"], body["red"], body["alert"], body["reasons"]) == ("GREEN", False, None, [])
    day = product_clock.local_date(clock.now).isoformat()
    stored = [c for c in Check.query(f"{place_id}#{day}") if c.check_id == body["check_id"]]
    assert [(c.color, c.details) for c in stored] == [("GREEN", None)]


def test_a_guardians_member_list_shows_the_member_green(clock, resident):
    from healthcode.core import clock as product_clock
    from healthcode.models import Person, Relation
    from healthcode.residents.family import member_view

    # GIVEN a member whose stored status is stale RED WHEN the guardian's page lists them THEN green
    red(resident["person_id"], QUARANTINE)
    link = Relation.make(str(uuid.uuid4()), "MEMBER", resident["person_id"], product_clock.iso(clock.now),
                         relation="CHILD")
    view = member_view(link, Person.get(resident["person_id"]))
    assert (view["color"], view["reasons"]) == ("GREEN", [])


def test_a_macau_code_is_not_revoked_by_an_ended_quarantine(clock, resident):
    from healthcode.core import clock as product_clock
    from healthcode.models import Person
    from healthcode.residents.macau import status_of

    # GIVEN a Macau code valid for a day, and a stale RED status WHEN its state is read THEN it is VALID
    red(resident["person_id"], QUARANTINE)
    data = {"code_version": 1, "valid_until": product_clock.iso(clock.now + timedelta(hours=20))}
    assert status_of(Person.get(resident["person_id"]), data) == "VALID"
