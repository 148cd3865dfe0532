"""stats_stream and the statistics reads: exact counts, replays and half-failed batches counted exactly once."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from streams_support import ConflictingStats, recorded_transactions, redeliver_randomly
from venues_support import (
    api,
    check,
    code_of,
    create_venue,
    deliver,
    drain,
    join,
    new_person,
    stats,
    stream_records,
)

from infra.template import ROOT

VISITORS = [  # (birth year, female): ages 0-17, 18-39, 40-59, 60+
    (2015, False), (2012, True), (1995, True), (1990, False), (1980, True), (1970, False), (1950, True), (1940, False),
]
AGE = {2015: "0-17", 2012: "0-17", 1995: "18-39", 1990: "18-39", 1980: "40-59", 1970: "40-59", 1950: "60+",
       1940: "60+"}


@pytest.fixture
def scene(lambdas):
    """A venue with two inspectors (one is the admin) and eight visitors of every sex and age group."""
    admin, other = new_person(lambdas, name="场所管理"), new_person(lambdas, name="检测员乙")
    venue = create_venue(lambdas, admin)
    join(lambdas, admin, venue["join_code"])
    join(lambdas, other, venue["join_code"])
    visitors = []
    for year, female in VISITORS:
        person = new_person(lambdas, birth_year=year, female=female)
        visitors.append({"person_id": person, "qr": code_of(lambdas, person), "gender": "female" if female else "male",
                         "age": AGE[year]})
    return {"venue": venue, "place_id": venue["place_id"], "admin": admin, "inspectors": [admin, other],
            "visitors": visitors}


def _submit(lambdas, scene, count, seed=1):
    """`count` checks by both inspectors in turn, one in four FEVER, plus two quick check-ins; the expected counts."""
    rng = random.Random(seed)
    submitted = []
    for i in range(count):
        visitor = rng.choice(scene["visitors"])
        inspector = scene["inspectors"][i % 2]
        temperature = "FEVER" if i % 4 == 3 else "NORMAL"
        status, answer = check(lambdas, scene["place_id"], inspector, visitor["qr"], temperature)
        assert status == 201, answer
        submitted.append({"inspector": inspector, "temperature": temperature, "visitor": visitor,
                          "at": answer["checked_at"], "quick": False})
    _, code = api(lambdas, "GET", f"/v1/venues/{scene['place_id']}/quick-code", "/v1/venues/{id}/quick-code",
                  scene["admin"], params={"id": scene["place_id"]})
    for visitor in scene["visitors"][:2]:
        status, answer = api(lambdas, "POST", "/v1/quick-checkin", "/v1/quick-checkin", visitor["person_id"],
                             {"qr": code["qr"]})
        assert status == 201, answer
        submitted.append({"inspector": None, "temperature": "NORMAL", "visitor": visitor, "at": answer["checked_at"],
                          "quick": True})
    return submitted


def _expected(submitted, day):
    def count(rows):
        return {
            "checks": len(rows), "fever": sum(r["temperature"] == "FEVER" for r in rows),
            "quick": sum(r["quick"] for r in rows),
            "gender": {g: sum(r["visitor"]["gender"] == g for r in rows) for g in ("male", "female", "unknown")},
            "age_groups": {a: sum(r["visitor"]["age"] == a for r in rows) for a in ("0-17", "18-39", "40-59", "60+",
                                                                                    "unknown")},
            "hourly": [sum(int(r["at"][11:13]) == h for r in rows) for h in range(24)],
            "inspectors": {i: c for i, c in Counter(r["inspector"] for r in rows if r["inspector"]).items()},
            "fever_by": {i: c for i, c in Counter(r["inspector"] for r in rows
                                                  if r["inspector"] and r["temperature"] == "FEVER").items()},
        }
    return count([r for r in submitted if r["at"][:10] == day]), count(submitted)


def _assert_exact(lambdas, scene, submitted):
    day = submitted[-1]["at"][:10]  # the date of the checks (a run may straddle midnight)
    status, shown = stats(lambdas, scene["place_id"], scene["admin"], day)
    assert status == 200, shown
    today, total = _expected(submitted, day)
    assert (shown["checks_today"], shown["checks_total"]) == (today["checks"], total["checks"])
    assert (shown["fever_today"], shown["fever_total"]) == (today["fever"], total["fever"])
    assert (shown["quick_checkins_today"], shown["quick_checkins_total"]) == (today["quick"], total["quick"])
    assert shown["gender"] == today["gender"] and shown["cumulative"]["gender"] == total["gender"]
    assert shown["age_groups"] == today["age_groups"] and shown["cumulative"]["age_groups"] == total["age_groups"]
    assert shown["hourly"] == today["hourly"] and shown["cumulative"]["hourly"] == total["hourly"]
    rows = {row["person_id"]: row for row in shown["inspectors"]}
    assert set(rows) == set(total["inspectors"])
    for inspector, row in rows.items():
        assert row["today"] == today["inspectors"].get(inspector, 0) and row["total"] == total["inspectors"][inspector]
        assert row["fever_total"] == total["fever_by"].get(inspector, 0)
        assert row["name_masked"] in ("场**理", "检**乙")
    return shown


def test_statistics_equal_exactly_what_was_submitted(lambdas, scene):
    submitted = _submit(lambdas, scene, 24)
    drain(lambdas, scene["place_id"])
    shown = _assert_exact(lambdas, scene, submitted)
    text = str(shown)
    assert all(v["person_id"] not in text for v in scene["visitors"])  # counts only (FAQ 9)


def test_a_replayed_batch_counts_once(lambdas, scene):
    submitted = _submit(lambdas, scene, 12)
    records = stream_records(scene["place_id"])
    assert deliver(lambdas, records) == {"batchItemFailures": []}
    assert deliver(lambdas, records) == {"batchItemFailures": []}
    assert deliver(lambdas, records[3:]) == {"batchItemFailures": []}
    _assert_exact(lambdas, scene, submitted)


def test_a_batch_that_fails_half_way_and_is_retried_counts_once(lambdas, scene, monkeypatch):
    """Two venues interleaved; the second venue's update fails, Lambda re-delivers from its first record on —
    including records of the first venue that were applied — and every count ends up exact."""
    from healthcode.core import streams
    from healthcode.core.aws import client

    other_admin = new_person(lambdas)
    other = create_venue(lambdas, other_admin, name="另一场所")
    join(lambdas, scene["admin"], other["join_code"])
    submitted, other_submitted = [], []
    for i in range(8):
        submitted += _submit(lambdas, scene, 2, seed=i)[:2]
        status, answer = check(lambdas, other["place_id"], scene["admin"], scene["visitors"][i]["qr"])
        other_submitted.append({"inspector": scene["admin"], "temperature": "NORMAL", "visitor": scene["visitors"][i],
                                "at": answer["checked_at"], "quick": False})
    quick = [r for r in stream_records(scene["place_id"]) if "QUICK" in r["dynamodb"]["NewImage"]["kind"]["S"]]
    mine = {scene["place_id"], other["place_id"]}
    records = [r for r in stream_records() if r["dynamodb"]["Keys"]["place_date"]["S"].split("#")[0] in mine
               and r not in quick]
    monkeypatch.setattr(streams, "client",
                        lambda service: ConflictingStats(client(service), f"venue#{other['place_id']}"))
    answer = deliver(lambdas, records)
    failed = [f["itemIdentifier"] for f in answer["batchItemFailures"]]
    sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
    assert failed and set(failed) == {r["dynamodb"]["SequenceNumber"] for r in records
                                      if r["dynamodb"]["Keys"]["place_date"]["S"].startswith(other["place_id"])}
    monkeypatch.setattr(streams, "client", client)
    first_failed = min(sequences.index(s) for s in failed)
    assert deliver(lambdas, records[first_failed:]) == {"batchItemFailures": []}  # Lambda's checkpoint semantics
    _assert_exact(lambdas, scene, [r for r in submitted if not r["quick"]])
    status, shown = stats(lambdas, other["place_id"], other_admin, other_submitted[-1]["at"][:10])
    assert shown["checks_total"] == 8


def test_an_unreadable_record_fails_with_the_later_records_of_its_venue_only(lambdas, scene):
    submitted = _submit(lambdas, scene, 6)[:6]
    records = [r for r in stream_records(scene["place_id"]) if r["dynamodb"]["NewImage"]["kind"]["S"] == "VENUE_CHECK"]
    broken = [dict(r) for r in records]
    broken[2] = {**records[2], "dynamodb": {**records[2]["dynamodb"],
                                            "NewImage": {**records[2]["dynamodb"]["NewImage"],
                                                         "checked_at": {"S": "not a time"}}}}
    answer = deliver(lambdas, broken)
    assert [f["itemIdentifier"] for f in answer["batchItemFailures"]] == [r["dynamodb"]["SequenceNumber"]
                                                                          for r in records[2:]]
    day = submitted[1]["at"][:10]
    assert stats(lambdas, scene["place_id"], scene["admin"], day)[1]["checks_total"] == 2
    assert deliver(lambdas, records[2:]) == {"batchItemFailures": []}  # the record, readable on retry
    _assert_exact(lambdas, scene, submitted)


@pytest.mark.parametrize("seed", range(2))
def test_random_redelivery_with_random_failures_counts_exactly_once(lambdas, scene, monkeypatch, seed):
    """An event source mapping simulated: random batch sizes, random transient failures, replays of old batches."""
    submitted = _submit(lambdas, scene, 16, seed=seed)
    venue = f"venue#{scene['place_id']}"
    redeliver_randomly(lambda batch: deliver(lambdas, batch), stream_records(scene["place_id"]), random.Random(seed),
                       monkeypatch, failing=lambda rng: venue if rng.random() < 0.3 else None)
    _assert_exact(lambdas, scene, submitted)


def test_a_batch_writes_each_bucket_once(lambdas, scene):
    _submit(lambdas, scene, 20)
    with recorded_transactions() as written:
        deliver(lambdas, stream_records(scene["place_id"]))
    keys = [key for transaction in written for key in transaction]
    assert len(keys) == len(set(keys))
    days = {r["dynamodb"]["Keys"]["place_date"]["S"] for r in stream_records(scene["place_id"])}
    assert len(written) == len(days)  # one transaction per (venue, day)


# ---------------------------------------------------------------- reads


def test_inspector_statistics_today_and_cumulative(lambdas, scene):
    submitted = _submit(lambdas, scene, 10)
    drain(lambdas, scene["place_id"])
    inspector = scene["inspectors"][1]
    day = submitted[-1]["at"][:10]
    status, shown = api(lambdas, "GET", "/v1/inspector/stats", "/v1/inspector/stats", inspector, query={"date": day})
    assert status == 200
    mine = [r for r in submitted if r["inspector"] == inspector]
    assert shown["total"] == len(mine) and shown["today"] == sum(r["at"][:10] == day for r in mine)
    assert shown["fever_total"] == sum(r["temperature"] == "FEVER" for r in mine)
    assert shown["venues"] == [{"place_id": scene["place_id"], "name": "天河城", "today": shown["today"],
                                "total": shown["total"], "fever_today": shown["fever_today"],
                                "fever_total": shown["fever_total"]}]


def test_statistics_of_a_venue_without_checks_are_zero(lambdas):
    admin = new_person(lambdas)
    venue = create_venue(lambdas, admin)
    status, shown = stats(lambdas, venue["place_id"], admin)
    assert status == 200
    assert shown["checks_today"] == shown["checks_total"] == 0 and shown["hourly"] == [0] * 24
    assert shown["inspectors"] == []  # nobody bound, not even the admin


def test_an_inspector_may_not_read_the_admin_statistics(lambdas, scene):
    status, body = stats(lambdas, scene["place_id"], scene["inspectors"][1])
    assert status == 403


def test_statistics_of_an_unknown_venue_are_404(lambdas):
    assert stats(lambdas, "01JNOSUCHVENUE000000000000", new_person(lambdas))[0] == 404


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "2999-01-01", "2026-1-1"])
def test_a_bad_date_is_400(lambdas, scene, day):
    status, body = stats(lambdas, scene["place_id"], scene["admin"], day)
    assert status == 400 and body["error"]["field"] == "date"


def test_reading_statistics_never_queries_or_scans_the_checks(lambdas, scene):
    from infra.local.embedded import count_aws_calls

    _submit(lambdas, scene, 4)
    drain(lambdas, scene["place_id"])
    with count_aws_calls() as calls:
        stats(lambdas, scene["place_id"], scene["admin"])
    # one call: the venue, its two buckets (the names ride in the total) and its roster (every bound inspector)
    assert calls == {"dynamodb.BatchGetItem": 1}


def test_statistics_of_a_venue_from_before_the_roster_query_only_the_venues_bindings(lambdas, scene, monkeypatch):
    """GIVEN a venue with checks created before rosters existed (no roster item) WHEN the admin reads the statistics
    THEN the one fallback Query is of the relations' inverse index for this venue: none touches the checks or the
    stats table."""
    from botocore.client import BaseClient
    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    _submit(lambdas, scene, 4)
    drain(lambdas, scene["place_id"])
    client("dynamodb").delete_item(TableName=get_config().stats_table,
                                   Key={"scope": {"S": f"venue#{scene['place_id']}"}, "bucket": {"S": "roster"}})
    queries = []
    original = BaseClient._make_api_call

    def spy(self, operation, params):
        if operation == "Query":
            queries.append(params)
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", spy)
    stats(lambdas, scene["place_id"], scene["admin"])
    assert [(q["TableName"], q.get("IndexName")) for q in queries] == [(get_config().relations_table, "inverse")]


def test_inspectors_whose_checks_carry_no_name_are_named_from_their_person(lambdas, scene):
    """GIVEN checks stored before the inspector's masked name rode along to the statistics
    WHEN the admin reads the statistics THEN the inspectors are still shown with their masked names."""
    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    submitted = _submit(lambdas, scene, 4)
    drain(lambdas, scene["place_id"])
    client("dynamodb").update_item(
        TableName=get_config().stats_table, Key={"scope": {"S": f"venue#{scene['place_id']}"},
                                                 "bucket": {"S": "total"}},
        UpdateExpression="REMOVE #a, #b", ExpressionAttributeNames={"#a": f"n#{scene['inspectors'][0]}",
                                                                     "#b": f"n#{scene['inspectors'][1]}"})
    _assert_exact(lambdas, scene, submitted)


def test_the_sample_stream_event_is_folded_into_the_statistics(lambdas):
    """events/venues-stats-stream.json, as Lambda delivers it: two checks and a quick check-in, counted once."""
    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    sample = json.loads((ROOT / "events" / "venues-stats-stream.json").read_text())
    assert lambdas["StatsStreamFunction"].invoke(sample) == {"batchItemFailures": []}
    assert lambdas["StatsStreamFunction"].invoke(sample) == {"batchItemFailures": []}
    item = client("dynamodb").get_item(TableName=get_config().stats_table, ConsistentRead=True, Key={
        "scope": {"S": "venue#01JVENUE000000000000000000"}, "bucket": {"S": "total"}})["Item"]
    assert (item["checks"]["N"], item["fever"]["N"], item["quick"]["N"]) == ("3", "1", "1")
    assert item["n#01JINSPECTOR00000000000001"] == {"S": "李*红"}  # the inspector's masked name, for the admin's read


def test_an_inspector_bound_without_checks_is_listed_with_zeros(lambdas, scene):
    """GIVEN a venue whose two inspectors have checked people, and a third inspector bound today who has not
    WHEN the admin reads the statistics THEN all three are listed, the new one with zero counts."""
    submitted = _submit(lambdas, scene, 4)
    drain(lambdas, scene["place_id"])
    newcomer = new_person(lambdas, name="新来丙")
    assert join(lambdas, newcomer, scene["venue"]["join_code"])[0] == 201
    status, shown = stats(lambdas, scene["place_id"], scene["admin"], submitted[-1]["at"][:10])
    assert status == 200
    rows = {row["person_id"]: row for row in shown["inspectors"]}
    assert set(rows) == {*scene["inspectors"], newcomer}
    assert rows[newcomer] == {"person_id": newcomer, "name_masked": "新*丙", "bound": True, "is_admin": False,
                              "today": 0, "total": 0, "fever_today": 0, "fever_total": 0}


def test_a_venue_without_checks_lists_its_bound_inspectors(lambdas):
    """GIVEN a new venue whose admin and one inspector are bound WHEN the admin reads the statistics
    THEN both inspectors are listed with zero counts, the admin marked as such."""
    admin, inspector = new_person(lambdas, name="场所管理"), new_person(lambdas, name="检测员乙")
    venue = create_venue(lambdas, admin)
    join(lambdas, admin, venue["join_code"])
    join(lambdas, inspector, venue["join_code"])
    status, shown = stats(lambdas, venue["place_id"], admin)
    assert status == 200
    assert sorted((r["name_masked"], r["is_admin"], r["today"], r["total"]) for r in shown["inspectors"]) == [
        ("场**理", True, 0, 0), ("检**乙", False, 0, 0)]


def test_an_unbound_inspector_keeps_their_counts_marked_unbound(lambdas, scene):
    """GIVEN an inspector who checked people and was then unbound by the admin WHEN the admin reads the
    statistics THEN their counts remain (the venue's history), marked bound: false."""
    submitted = _submit(lambdas, scene, 4)
    drain(lambdas, scene["place_id"])
    gone = scene["inspectors"][1]
    status, _ = api(lambdas, "DELETE", f"/v1/venues/{scene['place_id']}/inspectors/{gone}",
                    "/v1/venues/{id}/inspectors/{person_id}", scene["admin"],
                    params={"id": scene["place_id"], "person_id": gone})
    assert status == 204
    status, shown = stats(lambdas, scene["place_id"], scene["admin"], submitted[-1]["at"][:10])
    row = next(r for r in shown["inspectors"] if r["person_id"] == gone)
    assert row["bound"] is False and row["total"] == 2
