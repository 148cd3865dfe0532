"""Every function publishes real Powertools metrics: its handler, on a representative event, prints an EMF blob
(what CloudWatch turns into metrics) holding the business metric named here — not only a handler that could."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from venues_support import check, code_of, create_venue, join, new_person, stream_records

from infra.local.demo import id_number, record_inbound_entry
from infra.template import functions, load_template
from tests.integration.conftest import call, sample_event

Act = Callable[[], Any]


def _new_id_card() -> str:
    return id_number(f"440106{random.randint(1986, 2000)}0{random.randint(1, 9)}{random.randint(10, 28)}"
                     f"{random.randint(100, 999)}")


def _resident(lambdas: dict[str, Any]) -> dict[str, Any]:
    status, body = call(lambdas["AuthFunction"], sample_event("auth-login.json", body={
        "id_type": "ID_CARD", "id_number": _new_id_card(), "name": "陈大文", "method": "FACE", "proof": "dev-pass"}))
    assert status == 200, body
    return body


def _as(lambdas: dict[str, Any], function: str, sample: str, person_id: str, **changes: Any) -> Act:
    return lambda: call(lambdas[function], sample_event(sample, person_id=person_id, **changes))


# ---------------------------------------------------------------- one scenario per function: setup, then the act


def auth(lambdas):
    return lambda: _resident(lambdas)


def authorizer(lambdas):
    token = _resident(lambdas)["token"]
    request = sample_event_raw("authorizer-request.json")
    request["headers"] = {"authorization": f"Bearer {token}"}
    return lambda: lambdas["AuthorizerFunction"].invoke(request)


def codes(lambdas):
    return _as(lambdas, "CodesFunction", "codes-my-code.json", _resident(lambdas)["person_id"])


def declarations(lambdas):
    return _as(lambdas, "DeclarationsFunction", "declarations-declare.json", _resident(lambdas)["person_id"],
               body={"type": "PERSONAL", "temperature_c": 36.5, "symptoms": [], "answers": {}},
               headers={"Idempotency-Key": f"m-{uuid.uuid4().hex}"})


def devices(lambdas):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    place_id = venue["place_id"]
    return _as(lambdas, "DevicesFunction", "devices-register.json", admin, body={"name": "东门哨兵"},
               path=(f"/v1/venues/{place_id}/devices", "/v1/venues/{id}/devices", {"id": place_id}))


def family(lambdas):
    return _as(lambdas, "FamilyFunction", "family-add.json", _resident(lambdas)["person_id"], body={
        "relation": "CHILD", "name": "陈小文", "id_type": "ID_CARD",
        "id_number": id_number(f"4401002015{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
                               f"{random.randint(100, 999)}"),
        "verification": {"method": "FACE", "proof": "dev-pass"}})


def feeds(lambdas):
    record = {"event_id": f"m-{uuid.uuid4().hex}", "kind": "NUCLEIC_ACID", "result": "NEGATIVE",
              "person": {"id_type": "ID_CARD", "id_number": _new_id_card(), "name": "林测试"},
              "occurred_at": "2026-11-27T08:00:00+08:00", "details": {"institution": "广州市第八人民医院"}}
    return lambda: call(lambdas["FeedsFunction"], sample_event("feeds-health-events.json", body=[record]))


def inbound(lambdas):
    number = f"T{random.randrange(10**9, 10**10)}"
    record_inbound_entry("PASSPORT", number, "SMITH JOHN PAUL", "US")
    return lambda: call(lambdas["InboundFunction"], sample_event("inbound-apply.json", body={
        "name": "SMITH JOHN PAUL", "country": "US", "doc_type": "PASSPORT", "doc_number": number,
        "phone": f"+86139{random.randrange(10**8):08d}"}))


def itinerary(lambdas):
    return _as(lambdas, "ItineraryFunction", "itinerary-sms-code.json", _resident(lambdas)["person_id"],
               body={"phone": f"+86139{random.randrange(10**8):08d}"})


def macau(lambdas):
    return _as(lambdas, "MacauFunction", "macau-issue.json", _resident(lambdas)["person_id"], body={"declaration": {
        "entry_port": "GONGBEI", "temperature_c": 36.5, "symptoms": [], "contact_with_case": False,
        "visited_risk_area": False, "returned_from_abroad": False, "confirmed": True}})


def medical(lambdas):
    staff = [{"name": "赵医生", "phone": f"+86139{random.randrange(10**8):08d}", "unit": "广州市第八人民医院",
              "position": "主治医师"}]
    return _as(lambdas, "MedicalFunction", "medical-staff-grant.json", str(uuid.uuid4()),
               roles=["resident", "system_admin"], body=staff)


def meta(lambdas):
    return lambda: call(lambdas["MetaFunction"], sample_event("meta-keys.json"))


def orgs(lambdas):
    return _as(lambdas, "OrgsFunction", "orgs-create.json", new_person(lambdas))


def printed_codes(lambdas):
    return _as(lambdas, "PrintedCodesFunction", "printed-codes-reissue.json", _resident(lambdas)["person_id"])


def records(lambdas):
    return _as(lambdas, "RecordsFunction", "records-list.json", _resident(lambdas)["person_id"],
               query={"kind": "nucleic_acid"})


def scan(lambdas):
    inspector, visitor = new_person(lambdas), new_person(lambdas)
    venue = create_venue(lambdas, new_person(lambdas))
    join(lambdas, inspector, venue["join_code"])
    return _as(lambdas, "ScanFunction", "scan-code.json", inspector, body={"qr": code_of(lambdas, visitor)})


def venue_checks(lambdas):
    inspector, visitor = new_person(lambdas), new_person(lambdas)
    venue = create_venue(lambdas, new_person(lambdas))
    join(lambdas, inspector, venue["join_code"])
    qr = code_of(lambdas, visitor)
    return lambda: check(lambdas, venue["place_id"], inspector, qr)


def venues(lambdas):
    from venues_support import VENUE, api

    admin = new_person(lambdas)
    return lambda: api(lambdas, "POST", "/v1/venues", "/v1/venues", admin, VENUE)


def stats_stream(lambdas):
    inspector = new_person(lambdas)
    venue = create_venue(lambdas, new_person(lambdas))
    join(lambdas, inspector, venue["join_code"])
    assert check(lambdas, venue["place_id"], inspector, code_of(lambdas, new_person(lambdas)))[0] == 201
    records = stream_records(venue["place_id"])
    return lambda: lambdas["StatsStreamFunction"].invoke({"Records": records})


def org_stats_stream(lambdas):
    from orgs_support import create_org, declare, member_of
    from orgs_support import stream_records as declarations_stream

    org = create_org(lambdas, new_person(lambdas))
    member = member_of(lambdas, org)
    assert declare(lambdas, member, org["place_id"])[0] == 201
    records = declarations_stream({member})
    return lambda: lambdas["OrgStatsStreamFunction"].invoke({"Records": records})


def status_stream(lambdas):
    return lambda: lambdas["StatusStreamFunction"].invoke(sample_event_raw("status-stream-batch.json"))


def code_images(lambdas):
    return lambda: lambdas["CodeImagesFunction"].invoke(sample_event_raw("code-images-person.json"))


def feed_import(lambdas):
    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    line = {"event_id": f"m-{uuid.uuid4().hex}", "kind": "NUCLEIC_ACID", "result": "NEGATIVE",
            "person": {"id_type": "ID_CARD", "id_number": _new_id_card(), "name": "黄导入"},
            "occurred_at": "2026-11-27T08:00:00+08:00", "details": {"institution": "金域检验"}}
    client("s3").put_object(Bucket=get_config().code_bucket, Key=f"inbox/metrics-{uuid.uuid4().hex}.jsonl",
                            Body=(json.dumps(line, ensure_ascii=False) + "\n").encode())
    return lambda: lambdas["FeedImportFunction"].invoke(sample_event_raw("feed-import-schedule.json"))


def status_review(lambdas):
    return lambda: lambdas["StatusReviewFunction"].invoke(sample_event_raw("status-review-schedule.json"))


def grids(lambdas):
    return _as(lambdas, "GridsFunction", "grids-create.json", new_person(lambdas))


def grid_key_persons(lambdas):
    return lambda: lambdas["GridKeyPersonsFunction"].invoke(sample_event_raw("grids-key-persons-stream.json"))


def grid_purge(lambdas):
    from grids_support import approved_grid, bound_worker
    from healthcode.places.grids import purge

    grid = approved_grid(lambdas, name="指标解散网格")
    bound_worker(lambdas, grid)
    # a dissolve left half done (no time for more than its first step): what the schedule carries on
    assert purge.dissolve(grid["place_id"], grid["admin"], "指标解散网格", budget_seconds=0.0)["done"] is False
    return lambda: lambdas["GridPurgeFunction"].invoke(sample_event_raw("grid-purge-schedule.json"))


def sample_event_raw(name: str) -> dict[str, Any]:
    from infra.template import ROOT

    return json.loads((ROOT / "events" / name).read_text())


#: function -> (its scenario, the metric its representative event must publish)
SCENARIOS: dict[str, tuple[Callable[[dict[str, Any]], Act], str]] = {
    "AuthFunction": (auth, "Login"),
    "AuthorizerFunction": (authorizer, "Authorized"),
    "CodesFunction": (codes, "CodeDisplayed"),
    "DeclarationsFunction": (declarations, "DeclarationRecorded"),
    "DevicesFunction": (devices, "DeviceRegistered"),
    "FamilyFunction": (family, "FamilyMemberAdded"),
    "FeedsFunction": (feeds, "FeedRecordsStored"),
    "InboundFunction": (inbound, "InboundApplied"),
    "ItineraryFunction": (itinerary, "ItinerarySmsCodeSent"),
    "MacauFunction": (macau, "MacauCodeIssued"),
    "MedicalFunction": (medical, "MedicalStaffGranted"),
    "MetaFunction": (meta, "PublicKeysServed"),
    "OrgsFunction": (orgs, "OrgCreated"),
    "PrintedCodesFunction": (printed_codes, "CodeReissued"),
    "RecordsFunction": (records, "HealthRecordsRead"),
    "ScanFunction": (scan, "CodeScanned"),
    "VenueChecksFunction": (venue_checks, "VenueCheck"),
    "VenuesFunction": (venues, "VenueCreated"),
    "StatsStreamFunction": (stats_stream, "VenueChecksCounted"),
    "OrgStatsStreamFunction": (org_stats_stream, "OrgDeclarationsCounted"),
    "StatusStreamFunction": (status_stream, "ColourRecomputed"),
    "CodeImagesFunction": (code_images, "PrintedCodeRendered"),
    "FeedImportFunction": (feed_import, "FeedRecordsAccepted"),
    "StatusReviewFunction": (status_review, "StatusReviewsDue"),
    "GridsFunction": (grids, "GridCreated"),
    "GridKeyPersonsFunction": (grid_key_persons, "ColourChangesSeen"),
    "GridPurgeFunction": (grid_purge, "GridsDissolved"),
}


def _published(output: str) -> dict[str, float]:
    """The metrics of the EMF blobs printed (one JSON object a line with `_aws`), summed by name."""
    found: dict[str, float] = {}
    for text in output.splitlines():
        if '"_aws"' not in text:
            continue
        blob = json.loads(text)
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                values = blob[metric["Name"]]
                found[metric["Name"]] = found.get(metric["Name"], 0) + sum(values if isinstance(values, list)
                                                                            else [values])
    return found


def test_every_function_has_a_scenario():
    assert set(SCENARIOS) == set(functions(load_template()))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_handler_publishes_its_metric(lambdas, capsys, name):
    # GIVEN what the function's representative event needs
    scenario, metric = SCENARIOS[name]
    act = scenario(lambdas)
    capsys.readouterr()
    # WHEN the handler runs on it
    act()
    # THEN its EMF output holds the metric, counting something
    published = _published(capsys.readouterr().out)
    assert metric in published, published
    if name not in ("StatusReviewFunction",):  # the review publishes how many were due, none when nobody is
        assert published[metric] >= 1, published

