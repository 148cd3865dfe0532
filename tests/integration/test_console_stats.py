"""The console's dashboards: an organization's and a venue's statistics over a date range (`from=` / `to=`), read from
the pre-computed day buckets with one Query, whatever the number of declarations or checks.

Days are moved with the `clock` fixture (10:00 Shanghai time on some day), never read from today's date.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from orgs_support import create_org, declare, member_of
from orgs_support import drain as drain_declarations
from orgs_support import stats as org_stats
from venues_support import check, code_of, create_venue, join, new_person
from venues_support import drain as drain_checks
from venues_support import stats as venue_stats_of

from tests.integration.conftest import call, sample_event


@contextlib.contextmanager
def dynamodb_calls():
    """The DynamoDB operations made meanwhile, in order."""
    from botocore.client import BaseClient

    calls: list[str] = []
    original = BaseClient._make_api_call

    def recording(self, operation, params):
        if self.meta.service_model.service_name == "dynamodb":
            calls.append(operation)
        return original(self, operation, params)

    BaseClient._make_api_call = recording
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original


def org_range(lambdas, place_id: str, person: str, query: dict[str, str]) -> tuple[int, dict]:
    return call(lambdas["OrgsFunction"], sample_event(
        "orgs-stats.json", person_id=person, path=(f"/v1/orgs/{place_id}/stats", "/v1/orgs/{id}/stats",
                                                   {"id": place_id}), query=query))


def venue_range(lambdas, place_id: str, person: str, query: dict[str, str]) -> tuple[int, dict]:
    return call(lambdas["VenuesFunction"], sample_event(
        "venues-stats.json", person_id=person, path=(f"/v1/venues/{place_id}/stats", "/v1/venues/{id}/stats",
                                                     {"id": place_id}), query=query))


def day(clock, offset: int) -> str:
    return (clock.now + timedelta(days=offset)).date().isoformat()


@pytest.fixture
def org_scene(lambdas, clock):
    """An organization with three members: on day -3 two declare (one with a fever and a cough, one answering yes to a
    risk question), on day -1 one declares, today all three (one twice)."""
    admin = new_person(lambdas, "林主任")
    org = create_org(lambdas, admin)
    members = [member_of(lambdas, org, name) for name in ("甲成员", "乙成员", "丙成员")]
    start = clock.now
    clock.now = start - timedelta(days=3)
    declare(lambdas, members[0], org["place_id"], 38.2, ["fever", "cough"])
    declare(lambdas, members[1], org["place_id"], 36.5, answers={"contact_with_case": True})
    clock.now = start - timedelta(days=1)
    declare(lambdas, members[2], org["place_id"], 36.6)
    clock.now = start
    for member in members:
        declare(lambdas, member, org["place_id"], 36.4)
    declare(lambdas, members[0], org["place_id"], 36.7)
    drain_declarations(lambdas, set(members))
    return {"org": org, "place_id": org["place_id"], "admin": admin, "members": members}


def test_an_organizations_range_has_every_day_with_its_counts(lambdas, clock, org_scene):
    status, body = org_range(lambdas, org_scene["place_id"], org_scene["admin"],
                             {"from": day(clock, -4), "to": day(clock, 0)})

    assert status == 200, body
    assert (body["from"], body["to"]) == (day(clock, -4), day(clock, 0))
    rows = {row["date"]: row for row in body["daily"]}
    assert [row["date"] for row in body["daily"]] == [day(clock, d) for d in range(-4, 1)]
    assert rows[day(clock, -4)] == {"date": day(clock, -4), "declarants": 0, "undeclared": 3, "declarations": 0,
                                    "fever": 0, "symptomatic": 0, "abnormal": 0, "risk": 0}
    assert rows[day(clock, -3)] | {} == {"date": day(clock, -3), "declarants": 2, "undeclared": 1, "declarations": 2,
                                         "fever": 1, "symptomatic": 1, "abnormal": 1, "risk": 1}
    assert (rows[day(clock, -1)]["declarants"], rows[day(clock, -2)]["declarations"]) == (1, 0)
    assert (rows[day(clock, 0)]["declarants"], rows[day(clock, 0)]["declarations"]) == (3, 4)
    assert body["range"] == {"declarations": 7, "fever": 1, "symptomatic": 1, "abnormal": 1, "risk": 1,
                             "declarant_days": 6}
    # the dashboard's figures of the day are in the same answer
    assert (body["members"], body["declared_members_today"], body["undeclared_members_today"]) == (3, 3, 0)


def test_to_defaults_to_today(lambdas, clock, org_scene):
    status, body = org_range(lambdas, org_scene["place_id"], org_scene["admin"], {"from": day(clock, -1)})

    assert status == 200 and body["to"] == day(clock, 0) and len(body["daily"]) == 2, body


def test_without_a_range_the_answer_is_the_days_as_before(lambdas, clock, org_scene):
    status, body = org_stats(lambdas, org_scene["place_id"], org_scene["admin"])

    assert status == 200 and "daily" not in body and body["declarations_today"] == 4, body


def test_the_series_is_one_query_after_the_one_batch_get(lambdas, clock, org_scene):
    with dynamodb_calls() as calls:
        status, _ = org_range(lambdas, org_scene["place_id"], org_scene["admin"],
                              {"from": day(clock, -29), "to": day(clock, 0)})

    assert status == 200
    assert [c for c in calls if c != "GetItem"] == ["BatchGetItem", "Query"]  # GetItem: the secret's cache is warm


@pytest.mark.parametrize(("query", "field"), [
    ({"from": "2026-13-01"}, "from"),
    ({"from": "20261201"}, "from"),
    ({"from": "2026-12-1"}, "from"),
    ({"from": "yesterday"}, "from"),
    ({"from": "2026-01-01", "to": "2026/01/31"}, "to"),
    ({"to": "2026-01-31"}, "from"),
])
def test_a_malformed_range_is_400_naming_the_field(lambdas, clock, org_scene, query, field):
    status, body = org_range(lambdas, org_scene["place_id"], org_scene["admin"], query)

    assert status == 400 and body["error"]["field"] == field, body


def test_a_range_over_366_days_is_400_naming_from_and_366_days_are_answered(lambdas, clock, org_scene):
    too_long = org_range(lambdas, org_scene["place_id"], org_scene["admin"], {"from": day(clock, -366),
                                                                              "to": day(clock, 0)})
    longest = org_range(lambdas, org_scene["place_id"], org_scene["admin"], {"from": day(clock, -365),
                                                                             "to": day(clock, 0)})

    assert too_long[0] == 400 and too_long[1]["error"]["field"] == "from", too_long
    assert longest[0] == 200 and len(longest[1]["daily"]) == 366


def test_a_range_ending_after_today_or_turned_round_is_400(lambdas, clock, org_scene):
    future = org_range(lambdas, org_scene["place_id"], org_scene["admin"], {"from": day(clock, -1),
                                                                            "to": day(clock, 1)})
    backwards = org_range(lambdas, org_scene["place_id"], org_scene["admin"], {"from": day(clock, -1),
                                                                               "to": day(clock, -2)})

    assert (future[0], future[1]["error"]["field"]) == (400, "to")
    assert (backwards[0], backwards[1]["error"]["field"]) == (400, "from")


def test_anyone_elses_organization_is_403_and_reads_no_series(lambdas, clock, org_scene):
    with dynamodb_calls() as calls:
        status, body = org_range(lambdas, org_scene["place_id"], org_scene["members"][0], {"from": day(clock, -3)})

    assert status == 403, body
    assert "Query" not in calls


# ---------------------------------------------------------------- venues


@pytest.fixture
def venue_scene(lambdas, clock):
    """A venue whose admin checks two visitors on day -2 (one FEVER), and one visitor twice today."""
    admin = new_person(lambdas, "场所管理")
    venue = create_venue(lambdas, admin)
    join(lambdas, admin, venue["join_code"])
    visitors = [new_person(lambdas, "访客甲", 1995, female=True), new_person(lambdas, "访客乙", 1950)]
    start = clock.now
    clock.now = start - timedelta(days=2)
    for visitor, temperature in zip(visitors, ("NORMAL", "FEVER"), strict=True):
        assert check(lambdas, venue["place_id"], admin, code_of(lambdas, visitor), temperature)[0] == 201
    clock.now = start
    for _ in range(2):
        assert check(lambdas, venue["place_id"], admin, code_of(lambdas, visitors[0]))[0] == 201
    drain_checks(lambdas, venue["place_id"])
    return {"place_id": venue["place_id"], "admin": admin}


def test_a_venues_range_has_every_day_and_the_charts_breakdowns_summed(lambdas, clock, venue_scene):
    with dynamodb_calls() as calls:
        status, body = venue_range(lambdas, venue_scene["place_id"], venue_scene["admin"], {"from": day(clock, -2)})

    assert status == 200, body
    assert body["daily"] == [
        {"date": day(clock, -2), "checks": 2, "fever": 1, "red": 0, "quick_checkins": 0},
        {"date": day(clock, -1), "checks": 0, "fever": 0, "red": 0, "quick_checkins": 0},
        {"date": day(clock, 0), "checks": 2, "fever": 0, "red": 0, "quick_checkins": 0},
    ]
    summed = body["range"]
    assert (summed["checks"], summed["fever"]) == (4, 1)
    assert summed["gender"] == {"male": 1, "female": 3, "unknown": 0}
    assert (summed["age_groups"]["18-39"], summed["age_groups"]["60+"]) == (3, 1)
    assert sum(summed["hourly"]) == 4 and summed["hourly"][10] == 4
    assert [(i["person_id"], i["checks"], i["fever"], i["is_admin"]) for i in summed["inspectors"]] == [
        (venue_scene["admin"], 4, 1, True)]
    assert summed["inspectors"][0]["name_masked"]
    assert body["checks_today"] == 2  # the day's figures stay
    assert [c for c in calls if c != "GetItem"] == ["BatchGetItem", "Query"]


def test_a_venues_range_is_validated_and_kept_to_its_admin(lambdas, clock, venue_scene):
    stranger = new_person(lambdas, "路人")
    malformed = venue_range(lambdas, venue_scene["place_id"], venue_scene["admin"], {"from": "2026-02-30"})
    too_long = venue_range(lambdas, venue_scene["place_id"], venue_scene["admin"], {"from": day(clock, -400)})
    refused = venue_range(lambdas, venue_scene["place_id"], stranger, {"from": day(clock, -2)})

    assert (malformed[0], malformed[1]["error"]["field"]) == (400, "from")
    assert (too_long[0], too_long[1]["error"]["field"]) == (400, "from")
    assert refused[0] == 403


def test_a_venues_stats_without_a_range_are_as_before(lambdas, clock, venue_scene):
    status, body = venue_stats_of(lambdas, venue_scene["place_id"], venue_scene["admin"])

    assert status == 200 and "daily" not in body and body["checks_today"] == 2


def test_the_openapi_document_names_the_range_parameters(aws):
    import json

    from healthcode.meta.routes import openapi_document

    document = json.loads(openapi_document())
    for path in ("/v1/orgs/{id}/stats", "/v1/venues/{id}/stats"):
        names = {p["name"] for p in document["paths"][path]["get"]["parameters"]}
        assert {"date", "from", "to"} <= names, (path, names)
