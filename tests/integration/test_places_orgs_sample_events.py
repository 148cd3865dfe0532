"""The organizations' sample events (events/orgs-*.json, for `sam local invoke -e`) are ones the handler accepts."""

from __future__ import annotations

import json

import pytest

from infra.template import ROOT

ADMIN, MEMBER = "01JDEMO0000000000000000000", "01JMEMBER00000000000000001"
ORG_ID, JOIN_CODE = "01JORG00000000000000000000", "123456789012"


def sample(name):
    return json.loads((ROOT / "events" / name).read_text())


def _person_with_id(person_id, name, first17):
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, build

    from infra.local.demo import id_number

    person = build(NewPerson(parse_document("ID_CARD", id_number(first17)), name, "+8613800138000"))
    person.person_id = person_id
    person.save()


@pytest.fixture
def sample_org(lambdas):
    """The admin, the member and the organization the samples name, with the join code they use."""
    from healthcode.models import Place
    from healthcode.places.admin import create_with_admin

    _person_with_id(ADMIN, "样例管理", "44010619900101001")
    _person_with_id(MEMBER, "样例成员", "44010619910101002")
    create_with_admin("ORG", ADMIN, lambda _code: Place(
        place_id=ORG_ID, kind="ORG", name="样例单位", join_code=JOIN_CODE, admin_id=ADMIN, address="样例地址",
        level="COUNTY", created_at="2026-11-27T08:00:00.000+08:00"), Exception)
    yield
    # the sample ids are shared with other domains' samples: leave nothing of them behind
    from healthcode.models import AuthItem, Person, Relation

    for item in (Person.get(ADMIN), Person.get(MEMBER), Place.get(ORG_ID),  # read first: they carry a version
                 AuthItem(key=f"admin#ORG#{ADMIN}"), AuthItem(key=f"admin#ORG#{MEMBER}"),
                 AuthItem(key=f"place-admin#{ORG_ID}"), AuthItem(key=f"org-transfer-pending#{ORG_ID}"),
                 AuthItem(key=f"join-code#{JOIN_CODE}"), Relation(owner=MEMBER, sk=f"ORG#{ORG_ID}")):
        item.delete()


def test_every_org_route_has_a_sample_event():
    """GIVEN the template's organization routes THEN each has a sample event under events/ (`sam local invoke -e`)."""
    from infra.template import load_template, routes

    samples = {(e["resource"], e["httpMethod"]) for e in map(sample, (p.name for p in (ROOT / "events").glob(
        "orgs-*.json"))) if "resource" in e}
    org_routes = {(r.path, r.method.upper()) for r in routes(load_template()) if r.function == "OrgsFunction"}
    assert org_routes - samples == set()


def _with_token(event, token):
    """A token sample with the token of a real offer put in for its placeholder."""
    placeholder = event["pathParameters"]["token"]
    event["pathParameters"]["token"] = token
    event["path"] = event["path"].replace(placeholder, token)
    event["requestContext"]["path"] = event["requestContext"]["path"].replace(placeholder, token)
    return event


def test_http_samples_are_answered_by_their_routes_in_the_order_a_user_takes(lambdas, sample_org):
    expected = [
        ("orgs-mine.json", 200), ("orgs-create.json", 409),  # the sample admin already has the sample organization
        ("orgs-join.json", 201), ("orgs-my-orgs.json", 200), ("orgs-stats.json", 200),
        ("orgs-stats-range.json", 200), ("orgs-declarations.json", 200), ("orgs-report.json", 200),
        ("orgs-report-xlsx.json", 200), ("orgs-edit.json", 200),
        ("orgs-admin-transfer.json", 202), ("orgs-admin-transfer-pending.json", 200),  # offered to the member
        ("orgs-admin-transfer-cancel.json", 204), ("orgs-admin-transfer.json", 202),  # withdrawn, offered again
        ("orgs-admin-transfer-offer.json", 200), ("orgs-admin-transfer-accept.json", 200),  # seen, then accepted
        ("orgs-leave.json", 204),
    ]
    answers, token = [], None
    for name, _ in expected:
        event = sample(name)
        if token and "token" in (event.get("pathParameters") or {}):
            event = _with_token(event, token)
        answer = lambdas["OrgsFunction"].invoke(event)
        if name == "orgs-admin-transfer.json" and answer["statusCode"] == 202:
            token = json.loads(answer["body"])["token"]
        answers.append((name, answer))
    assert [(name, answer["statusCode"]) for name, answer in answers] == expected, answers


def test_the_stream_sample_is_processed_without_failures(lambdas):
    assert lambdas["OrgStatsStreamFunction"].invoke(sample("orgs-stats-stream.json")) == {"batchItemFailures": []}
