"""The venues' sample events (events/venues-*.json, for `sam local invoke -e`) are ones their handlers accept."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from infra.template import ROOT

ADMIN, MEMBER = "01JDEMO0000000000000000000", "01JMEMBER00000000000000001"
VENUE_ID, JOIN_CODE = "01JVENUE000000000000000000", "123456789012"
CHECK_ROUTES = ("/v1/venues/{id}/checks", "/v1/quick-checkin")


def sample(name):
    return json.loads((ROOT / "events" / name).read_text())


def _with_body(event, **fields):
    event = copy.deepcopy(event)
    event["body"] = json.dumps(json.loads(event["body"]) | fields, ensure_ascii=False)
    return event


def _with_token(event, token):
    event = copy.deepcopy(event)
    placeholder = event["pathParameters"]["token"]
    event["pathParameters"]["token"] = token
    event["path"] = event["path"].replace(placeholder, token)
    event["requestContext"]["path"] = event["requestContext"]["path"].replace(placeholder, token)
    return event


def _person_with_id(person_id, name, first17):
    """A registered person with the samples' id (and the document marker a first login writes); the marker's key."""
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, build, marker_key
    from healthcode.models import AuthItem

    from infra.local.demo import id_number

    document = parse_document("ID_CARD", id_number(first17))
    person = build(NewPerson(document, name, "+8613800138000"))
    person.person_id = person_id
    person.save()
    AuthItem(key=marker_key(document), value=person_id).save()
    return marker_key(document)


def _forget(*keys):
    """Delete items by key, present or not: (table attribute of the config, key dict)."""
    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    config = get_config()
    for table, key in keys:
        client("dynamodb").delete_item(TableName=getattr(config, table),
                                       Key={name: {"S": value} for name, value in key.items()})


@pytest.fixture
def sample_venue(lambdas):
    """The admin, the inspector and the venue the samples name, with the join code they use."""
    from healthcode.models import Place
    from healthcode.places.admin import create_with_admin
    from healthcode.places.venues import inspectors

    markers = [_person_with_id(ADMIN, "样例管理", "44010619900101001"),
               _person_with_id(MEMBER, "样例成员", "44010619910101002")]  # the samples' transfer names this person
    create_with_admin("VENUE", ADMIN, lambda _code: Place(
        place_id=VENUE_ID, kind="VENUE", name="样例场所", join_code=JOIN_CODE, admin_id=ADMIN, region_code="440106001",
        address="样例地址", type="SHOPPING_MALL", created_at="2026-11-27T08:00:00.000+08:00"), Exception)
    inspectors.join(MEMBER, JOIN_CODE)
    yield
    # the sample ids are shared with other domains' samples: leave nothing of them behind
    _forget(("people_table", {"person_id": ADMIN}), ("people_table", {"person_id": MEMBER}),
            ("places_table", {"place_id": VENUE_ID}),
            *[("auth_table", {"key": key}) for key in (f"admin#VENUE#{ADMIN}", f"admin#VENUE#{MEMBER}",
                                                        f"place-admin#{VENUE_ID}", f"join-code#{JOIN_CODE}",
                                                        *markers)],
            *[("relations_table", {"owner": owner, "sk": f"{kind}#{VENUE_ID}"})
              for owner in (ADMIN, MEMBER) for kind in ("VENUE", "UNBOUND_VENUE")])


def _invoke(lambdas, event):
    function = "VenueChecksFunction" if event["resource"] in CHECK_ROUTES else "VenuesFunction"
    answer = lambdas[function].invoke(event)
    body = answer.get("body")
    if answer.get("isBase64Encoded") or not body:  # the PNG poster, or 204
        return answer["statusCode"], None
    return answer["statusCode"], json.loads(body)


def test_every_venue_route_has_a_sample_event():
    """GIVEN the template's venue routes THEN each has a sample event under events/ (for `sam local invoke -e`)."""
    from infra.template import load_template, routes

    samples = {(e["resource"], e["httpMethod"]) for e in map(sample, (p.name for p in
               Path(ROOT / "events").glob("venues-*.json"))) if "resource" in e}
    venue_routes = {(r.path, r.method.upper()) for r in routes(load_template())
                    if r.function in ("VenuesFunction", "VenueChecksFunction")}
    assert venue_routes - samples == set()


def test_http_samples_are_answered_by_their_routes_in_the_order_a_user_takes(lambdas, sample_venue):
    """GIVEN the samples' admin, inspector and venue WHEN each sample is invoked in a user's order (the scanned codes
    and the transfer token put in for their placeholders) THEN each route answers its success status."""
    from healthcode.models import Place
    from healthcode.places.venues.checks import quick_code_text
    from venues_support import code_of

    statuses = []

    def run(name, event=None):
        status, body = _invoke(lambdas, event or sample(name))
        statuses.append((name, status))
        return body

    run("venues-mine.json")
    run("venues-create.json")  # the sample admin already has the sample venue: 409
    run("venues-join.json")  # the admin binds as an inspector of their own venue
    run("venues-inspector-venues.json")
    run("venues-check.json")  # the placeholder code: 400 INVALID_CODE, nothing written
    run("venues-check.json", _with_body(sample("venues-check.json"), qr=code_of(lambdas, MEMBER)))
    run("venues-quick-code.json")
    quick = quick_code_text(Place.get(VENUE_ID))  # what the poster of venues-quick-code.json holds
    run("venues-quick-checkin.json", _with_body(sample("venues-quick-checkin.json"), qr=quick))
    run("venues-inspector-stats.json")
    run("venues-stats.json")
    run("venues-stats-range.json")  # the console's charts: from= / to=
    run("venues-members.json")
    run("venues-unbind-inspector.json")
    run("venues-revocations.json")  # the member just unbound
    run("venues-readmit.json")  # the join code admits them again
    run("venues-edit.json")
    run("venues-admin-transfer.json")
    run("venues-admin-transfer-pending.json")  # the offer just made
    run("venues-admin-transfer-cancel.json")  # withdrawn
    offer = run("venues-admin-transfer.json")  # offered again, to be accepted
    run("venues-admin-transfer-offer.json", _with_token(sample("venues-admin-transfer-offer.json"), offer["token"]))
    run("venues-admin-transfer-accept.json", _with_token(sample("venues-admin-transfer-accept.json"), offer["token"]))
    run("venues-leave.json")
    assert statuses == [
        ("venues-mine.json", 200), ("venues-create.json", 409), ("venues-join.json", 201),
        ("venues-inspector-venues.json", 200), ("venues-check.json", 400), ("venues-check.json", 201),
        ("venues-quick-code.json", 200), ("venues-quick-checkin.json", 201), ("venues-inspector-stats.json", 200),
        ("venues-stats.json", 200), ("venues-stats-range.json", 200), ("venues-members.json", 200), ("venues-unbind-inspector.json", 204),
        ("venues-revocations.json", 200), ("venues-readmit.json", 204), ("venues-edit.json", 200), ("venues-admin-transfer.json", 202), ("venues-admin-transfer-pending.json", 200),
        ("venues-admin-transfer-cancel.json", 204), ("venues-admin-transfer.json", 202),
        ("venues-admin-transfer-offer.json", 200),
        ("venues-admin-transfer-accept.json", 200),
        ("venues-leave.json", 204),
    ]
