"""org_stats_stream and the statistics read: exact counts, replays and half-failed batches counted exactly once."""

from __future__ import annotations

import json
import random

import pytest
from orgs_support import create_org, declare, deliver, drain, join, member_of, new_person, stats, stream_records
from streams_support import ConflictingStats, recorded_transactions, redeliver_randomly

from infra.template import ROOT

# (temperature, symptoms, answers): normal, fever by reading, a symptom, the fever symptom, a risk answer
KINDS = [
    (36.5, [], {"contact_with_case": False, "current_city": "广州市"}),
    (37.8, [], {}),
    (36.6, ["cough"], {}),
    (None, ["fever", "fatigue"], {}),
    (36.4, [], {"visited_risk_area": True, "remarks": "出差返回"}),
]


@pytest.fixture
def scene(lambdas):
    """An organization with its admin and five members."""
    admin = new_person(lambdas, name="组织管理")
    org = create_org(lambdas, admin)
    members = [member_of(lambdas, org, name=f"成员{'甲乙丙丁戊'[i]}") for i in range(5)]
    return {"org": org, "place_id": org["place_id"], "admin": admin, "members": members}


def _submit(lambdas, scene, count, seed=1):
    """`count` declarations by random members, of every kind in turn; what each one was."""
    rng = random.Random(seed)
    submitted = []
    for i in range(count):
        member = rng.choice(scene["members"])
        temperature, symptoms, answers = KINDS[i % len(KINDS)]
        status, body = declare(lambdas, member, scene["place_id"], temperature, symptoms, answers)
        assert status == 201, body
        fever = "fever" in symptoms or (temperature is not None and temperature >= 37.3)
        submitted.append({"member": member, "day": body["declared_at"][:10], "fever": fever,
                          "symptomatic": bool(symptoms), "abnormal": fever or bool(symptoms),
                          "risk": any(v is True for v in answers.values())})
    return submitted


def _assert_exact(lambdas, scene, submitted, members=5):
    day = submitted[-1]["day"]  # a run may straddle midnight
    status, shown = stats(lambdas, scene["place_id"], scene["admin"], day)
    assert status == 200, shown
    today = [s for s in submitted if s["day"] == day]
    declared = len({s["member"] for s in today})
    assert shown | {
        "date": day, "place_id": scene["place_id"], "name": "粤康科技有限公司", "members": members,
        "declarations_today": len(today), "declarations_total": len(submitted),
        "declared_members_today": declared, "undeclared_members_today": members - declared,
        **{f"{name}_today": sum(s[name] for s in today) for name in ("fever", "symptomatic", "abnormal", "risk")},
        **{f"{name}_total": sum(s[name] for s in submitted) for name in ("fever", "symptomatic", "abnormal", "risk")},
    } == shown
    return shown


def test_statistics_equal_exactly_what_was_declared(lambdas, scene):
    # GIVEN members' declarations WHEN the stream is folded THEN every counter is exact
    submitted = _submit(lambdas, scene, 15)
    drain(lambdas, set(scene["members"]))
    shown = _assert_exact(lambdas, scene, submitted)
    assert shown["updated_at"] is not None
    assert all(member not in json.dumps(shown) for member in scene["members"])  # counts only


def test_a_member_declaring_twice_a_day_in_two_batches_counts_as_one_declarant(lambdas, scene):
    member = scene["members"][0]
    first = _submit_one(lambdas, scene, member)
    drain(lambdas, {member})
    second = _submit_one(lambdas, scene, member)
    records = stream_records({member})
    assert deliver(lambdas, records[-1:]) == {"batchItemFailures": []}  # the second alone, after the first
    _assert_exact(lambdas, scene, [first, second])


def _submit_one(lambdas, scene, member):
    status, body = declare(lambdas, member, scene["place_id"])
    assert status == 201, body
    return {"member": member, "day": body["declared_at"][:10], "fever": False, "symptomatic": False,
            "abnormal": False, "risk": False}


def test_a_replayed_batch_counts_once(lambdas, scene):
    submitted = _submit(lambdas, scene, 10)
    records = stream_records(set(scene["members"]))
    assert deliver(lambdas, records) == {"batchItemFailures": []}
    assert deliver(lambdas, records) == {"batchItemFailures": []}
    assert deliver(lambdas, records[3:]) == {"batchItemFailures": []}
    _assert_exact(lambdas, scene, submitted)


def test_a_replay_counts_once_where_the_cancellation_does_not_return_the_anchor(lambdas, scene, monkeypatch):
    """Older DynamoDB implementations leave ReturnValuesOnConditionCheckFailure out: the anchor is read instead."""
    from botocore.exceptions import ClientError
    from healthcode.core import streams
    from healthcode.core.aws import client

    class WithoutItem:
        def __getattr__(self, name):
            return getattr(client("dynamodb"), name)

        def transact_write_items(self, **kwargs):
            try:
                return client("dynamodb").transact_write_items(**kwargs)
            except ClientError as error:
                for reason in error.response.get("CancellationReasons", []):
                    reason.pop("Item", None)
                raise

    submitted = _submit(lambdas, scene, 8)
    records = stream_records(set(scene["members"]))
    assert deliver(lambdas, records[:5]) == {"batchItemFailures": []}
    monkeypatch.setattr(streams, "client", lambda service: WithoutItem())
    assert deliver(lambdas, records) == {"batchItemFailures": []}
    _assert_exact(lambdas, scene, submitted)


def test_declarations_of_no_organization_and_of_others_are_not_counted(lambdas, scene):
    member = scene["members"][0]
    other = create_org(lambdas, new_person(lambdas), name="另一组织")
    join(lambdas, member, other["join_code"])
    submitted = _submit(lambdas, scene, 3)
    assert declare(lambdas, member, None, type="PERSONAL")[0] == 201
    assert declare(lambdas, member, other["place_id"])[0] == 201
    drain(lambdas, set(scene["members"]))
    _assert_exact(lambdas, scene, submitted)


def test_a_batch_that_fails_half_way_and_is_retried_counts_once(lambdas, scene, monkeypatch):
    """One member's update fails; Lambda re-delivers from their first record on — including other members' records
    that were applied — and every count ends up exact. (One declarant per transaction here, so that a failure
    touches one member only.)"""
    from healthcode.core import streams
    from healthcode.core.aws import client
    from healthcode.places.orgs import stats as stats_module

    monkeypatch.setattr(stats_module, "PACK_ITEMS", 3)
    submitted = _submit(lambdas, scene, 12)
    records = stream_records(set(scene["members"]))
    unlucky = submitted[4]["member"]
    monkeypatch.setattr(streams, "client",
                        lambda service: ConflictingStats(client(service), f"declarant#{unlucky}"))
    answer = deliver(lambdas, records)
    failed = [f["itemIdentifier"] for f in answer["batchItemFailures"]]
    assert set(failed) == {r["dynamodb"]["SequenceNumber"] for r in records
                           if r["dynamodb"]["Keys"]["person_id"]["S"] == unlucky}
    monkeypatch.setattr(streams, "client", client)
    sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
    first_failed = min(sequences.index(s) for s in failed)
    assert deliver(lambdas, records[first_failed:]) == {"batchItemFailures": []}  # Lambda's checkpoint semantics
    _assert_exact(lambdas, scene, submitted)


def test_an_unreadable_record_fails_with_the_later_records_of_its_member_only(lambdas, scene):
    member, other = scene["members"][:2]
    submitted = [_submit_one(lambdas, scene, person) for person in (member, other, member, other, member)]
    records = stream_records({member, other})
    broken = [dict(r) for r in records]
    broken[2] = {**records[2], "dynamodb": {**records[2]["dynamodb"], "NewImage": {
        **records[2]["dynamodb"]["NewImage"], "place_date": {"S": "not-a-place-date"}}}}
    answer = deliver(lambdas, broken)
    assert [f["itemIdentifier"] for f in answer["batchItemFailures"]] == [records[2]["dynamodb"]["SequenceNumber"],
                                                                          records[4]["dynamodb"]["SequenceNumber"]]
    assert stats(lambdas, scene["place_id"], scene["admin"], submitted[0]["day"])[1]["declarations_total"] == 3
    assert deliver(lambdas, records[2:]) == {"batchItemFailures": []}  # readable on retry
    _assert_exact(lambdas, scene, submitted)


@pytest.mark.parametrize("seed, pack_items", [(0, 100), (1, 100), (2, 5), (3, 3)])
def test_random_redelivery_with_random_failures_counts_exactly_once(lambdas, scene, monkeypatch, seed, pack_items):
    """An event source mapping simulated: random batch sizes, random transient failures, replays of old batches;
    with declarants packed together or one per transaction."""
    from healthcode.places.orgs import stats as stats_module

    monkeypatch.setattr(stats_module, "PACK_ITEMS", pack_items)
    submitted = _submit(lambdas, scene, 16, seed=seed)
    redeliver_randomly(lambda batch: deliver(lambdas, batch), stream_records(set(scene["members"])),
                       random.Random(seed), monkeypatch,
                       failing=lambda rng: f"declarant#{rng.choice(scene['members'])}" if rng.random() < 0.4 else None)
    _assert_exact(lambdas, scene, submitted)


def test_a_batch_is_one_transaction_writing_each_item_once(lambdas, scene):
    submitted = _submit(lambdas, scene, 12)
    with recorded_transactions() as written:
        deliver(lambdas, stream_records(set(scene["members"])))
    assert len(written) == 1  # five declarants' anchors + the organization's day and total buckets
    keys = written[0]
    assert len(keys) == len(set(keys))
    assert {scope for scope, _ in keys if scope.startswith("declarant#")} == {f"declarant#{s['member']}"
                                                                            for s in submitted}
    assert sum(scope == f"org#{scene['place_id']}" for scope, _ in keys) == 1 + len({s["day"] for s in submitted})


def test_a_replay_inside_a_pack_rebuilds_only_the_declarants_already_applied(lambdas, scene):
    """Two members' first declarations are applied; then a batch with those and newer ones of every member comes:
    the applied ones are dropped, the rest counted, in one more transaction."""
    submitted = _submit(lambdas, scene, 10)
    records = stream_records(set(scene["members"]))
    early = {records[0]["dynamodb"]["Keys"]["person_id"]["S"], records[1]["dynamodb"]["Keys"]["person_id"]["S"]}
    assert deliver(lambdas, [r for r in records[:4] if r["dynamodb"]["Keys"]["person_id"]["S"] in early]) == {
        "batchItemFailures": []}
    assert deliver(lambdas, records) == {"batchItemFailures": []}
    _assert_exact(lambdas, scene, submitted)


# ---------------------------------------------------------------- reads


def test_statistics_of_an_organization_without_declarations_are_zero(lambdas):
    admin = new_person(lambdas)
    org = create_org(lambdas, admin)
    status, shown = stats(lambdas, org["place_id"], admin)
    assert status == 200
    assert shown["members"] == shown["declarations_today"] == shown["declarations_total"] == 0
    assert shown["updated_at"] is None


def test_reading_statistics_is_one_batch_get_whatever_the_numbers(lambdas, scene):
    from infra.local.embedded import count_aws_calls

    _submit(lambdas, scene, 5)
    drain(lambdas, set(scene["members"]))
    with count_aws_calls() as calls:
        assert stats(lambdas, scene["place_id"], scene["admin"])[0] == 200
    assert calls == {"dynamodb.BatchGetItem": 1}


def test_a_member_may_not_read_the_statistics(lambdas, scene):
    status, body = stats(lambdas, scene["place_id"], scene["members"][0])
    assert status == 403


@pytest.mark.parametrize("place_id", ["01JNOSUCHORG00000000000000", "x" * 300])
def test_statistics_of_an_unknown_organization_are_404(lambdas, place_id):
    assert stats(lambdas, place_id, new_person(lambdas))[0] == 404


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "2999-01-01", "2026-1-1"])
def test_a_bad_date_is_400(lambdas, scene, day):
    status, body = stats(lambdas, scene["place_id"], scene["admin"], day)
    assert status == 400 and body["error"]["field"] == "date"


def test_the_sample_stream_event_is_folded_exactly_once(lambdas):
    """events/orgs-stats-stream.json as Lambda delivers it: three declarations to one organization (by two members,
    one with a fever and a cough, one a risk answer) and a personal one; delivered twice, counted once."""
    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    sample = json.loads((ROOT / "events" / "orgs-stats-stream.json").read_text())
    assert lambdas["OrgStatsStreamFunction"].invoke(sample) == {"batchItemFailures": []}
    assert lambdas["OrgStatsStreamFunction"].invoke(sample) == {"batchItemFailures": []}
    place_date = sample["Records"][0]["dynamodb"]["NewImage"]["place_date"]["S"]
    place_id, day = place_date.split("#")
    item = client("dynamodb").get_item(TableName=get_config().stats_table, ConsistentRead=True,
                                       Key={"scope": {"S": f"org#{place_id}"}, "bucket": {"S": f"day#{day}"}})["Item"]
    counts = {k: int(v["N"]) for k, v in item.items() if "N" in v}
    assert counts == {"declarations": 3, "declarants": 2, "fever": 1, "symptomatic": 1, "abnormal": 1, "risk": 1}
