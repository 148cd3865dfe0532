"""The console's declarations table: a day's declarations of an organization filtered by kind (fever, symptoms, risk
answers, abnormal, normal), a page at a time, read through the day's key (never a scan), audited per member shown."""

from __future__ import annotations

import pytest
from orgs_support import create_org, declarations_of, declare, member_of, new_person


@pytest.fixture
def scene(lambdas):
    """Five members declared today: well, fever by reading, cough only, a yes to a risk question, fever symptom."""
    admin = new_person(lambdas, name="组织管理")
    org = create_org(lambdas, admin, name="海珠实验学校")
    rows = [("欧阳甲", 36.5, [], {"contact_with_case": False}), ("司马乙", 38.0, [], {}),
            ("诸葛丙", 36.6, ["cough"], {}), ("上官丁", 36.4, [], {"visited_risk_area": True}),
            ("东方戊", None, ["fever"], {})]
    members, declared = {}, {}
    for name, temperature, symptoms, answers in rows:
        member = member_of(lambdas, org, name=name)
        status, body = declare(lambdas, member, org["place_id"], temperature, symptoms, answers)
        assert status == 201, body
        members[name], declared[name] = member, body
    return {"place_id": org["place_id"], "admin": admin, "members": members, "declared": declared,
            "day": declared["东方戊"]["declared_at"][:10]}


def names(page: dict) -> list[str]:
    return sorted(row["name_masked"] for row in page["items"])


@pytest.mark.parametrize(("only", "expected"), [
    ("fever", ["东*戊", "司*乙"]),
    ("symptoms", ["东*戊", "诸*丙"]),
    ("risk", ["上*丁"]),
    ("abnormal", ["东*戊", "司*乙", "诸*丙"]),
    ("normal", ["欧*甲"]),
])
def test_a_filter_keeps_the_declarations_of_its_kind(lambdas, scene, only, expected):
    status, page = declarations_of(lambdas, scene["place_id"], scene["admin"], {"date": scene["day"], "filter": only})

    assert status == 200, page
    assert names(page) == sorted(expected) and page["filter"] == only and page["next_cursor"] is None


def test_rows_say_which_risk_questions_were_answered_yes_and_whether_abnormal(lambdas, scene):
    status, page = declarations_of(lambdas, scene["place_id"], scene["admin"], {"date": scene["day"]})

    rows = {row["name_masked"]: row for row in page["items"]}
    assert status == 200 and page["filter"] is None and len(rows) == 5
    assert (rows["上*丁"]["risks"], rows["上*丁"]["abnormal"]) == (["visited_risk_area"], False)
    assert (rows["诸*丙"]["risks"], rows["诸*丙"]["abnormal"]) == ([], True)


def test_a_filtered_list_pages_with_its_cursor(lambdas, scene):
    first = declarations_of(lambdas, scene["place_id"], scene["admin"],
                            {"date": scene["day"], "filter": "abnormal", "limit": "2"})
    assert first[0] == 200 and len(first[1]["items"]) == 2 and first[1]["next_cursor"], first
    second = declarations_of(lambdas, scene["place_id"], scene["admin"], {
        "date": scene["day"], "filter": "abnormal", "limit": "2", "cursor": first[1]["next_cursor"]})

    assert second[0] == 200, second
    assert sorted(names(first[1]) + names(second[1])) == ["东*戊", "司*乙", "诸*丙"]


def test_only_the_declarations_shown_are_audited(lambdas, scene):
    from healthcode.models import AuditEntry

    declarations_of(lambdas, scene["place_id"], scene["admin"], {"date": scene["day"], "filter": "risk"})

    def reads(name: str) -> int:
        return sum(1 for e in AuditEntry.query(scene["members"][name]) if e.action == "ORG_DECLARATIONS_READ")

    assert (reads("上官丁"), reads("欧阳甲")) == (1, 0)


def test_an_unknown_filter_is_400_naming_it_and_reads_nothing(lambdas, scene):
    status, body = declarations_of(lambdas, scene["place_id"], scene["admin"],
                                   {"date": scene["day"], "filter": "everyone"})

    assert status == 400 and body["error"]["field"] == "filter", body


def test_a_filtered_list_of_anyone_elses_organization_is_403(lambdas, scene):
    status, _ = declarations_of(lambdas, scene["place_id"], scene["members"]["欧阳甲"],
                                {"date": scene["day"], "filter": "fever"})

    assert status == 403
