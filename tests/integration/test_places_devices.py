"""Scanner devices (数字哨兵, issue 14): registration by the venue admin, the authorizer's device keys, device checks
(decision, fever threshold, ID cards, privacy, idempotency), offline checks placed by measured_at, bad input."""

from __future__ import annotations

import json
import random
import uuid
from datetime import timedelta

import pytest
from devices_support import device_check, device_keys, listing, new_device, register, revoke
from venues_support import check, code_of, create_venue, drain, join, new_person, stats

from infra.local.demo import id_number


@pytest.fixture
def venue(lambdas):
    admin = new_person(lambdas, name="场所管理")
    created = create_venue(lambdas, admin)
    return created | {"admin": admin}


@pytest.fixture
def device(lambdas, venue):
    return new_device(lambdas, venue["admin"], venue["place_id"]) | {"place_id": venue["place_id"]}


def _now():
    from healthcode.core import clock

    return clock.now()


def _iso(moment):
    from healthcode.core import clock

    return clock.iso(moment)


def _checks(place_id, days=(0, 1, 2, 3)):
    from healthcode.core import clock
    from healthcode.models import Check

    today = clock.local_date(clock.now())
    return [c for d in days for c in Check.query(f"{place_id}#{(today - timedelta(days=d)).isoformat()}",
                                                 consistent_read=True)]


def _audit(subject):
    from healthcode.models import AuditEntry

    return list(AuditEntry.query(subject, consistent_read=True))


def _body(qr=None, id_card=None, temperature_c=36.5, measured_at=None, **more):
    body = {"temperature_c": temperature_c, "measured_at": measured_at or _iso(_now() - timedelta(seconds=5))}
    if qr is not None:
        body["qr"] = qr
    if id_card is not None:
        body["id_card"] = id_card
    return body | more


def _resident_with_card(lambdas, name="李阿婆", year=1948):
    """A person known by ID number (as a login or a feed writes them); (person_id, id number)."""
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create

    while True:
        number = id_number(f"{'440104' if year >= 1983 else '440100'}{year}0{random.randint(1, 9)}{random.randint(10, 28)}{random.randint(100, 999)}")
        person, created = find_or_create(NewPerson(parse_document("ID_CARD", number), name, "+8613912345678"))
        if created:
            return person.person_id, number


def _unknown_number():
    return id_number(f"440104{random.randint(1985, 2000)}0{random.randint(1, 9)}{random.randint(10, 28)}"
                     f"{random.randint(100, 999)}")


# ---------------------------------------------------------------- registration


def test_the_admin_registers_a_device_whose_key_is_shown_once_and_stored_hashed(lambdas, venue):
    from healthcode.core.pii import key_digest
    from healthcode.models import AuthItem

    created = new_device(lambdas, venue["admin"], venue["place_id"], "  东门  哨兵 ")
    assert created["name"] == "东门 哨兵" and created["status"] == "ACTIVE"
    assert created["device_key"].startswith(f"ykd1.{created['device_id']}.")
    stored = AuthItem.get(f"device#{created['device_id']}", consistent_read=True)
    assert stored.value == venue["place_id"] and stored.data["key_hash"] == key_digest(created["device_key"])
    assert created["device_key"] not in json.dumps(stored.data)
    status, listed = listing(lambdas, venue["admin"], venue["place_id"])
    assert status == 200
    assert [d["device_id"] for d in listed["devices"]] == [created["device_id"]]
    assert "device_key" not in json.dumps(listed) and "key_hash" not in json.dumps(listed)


def test_only_the_venue_admin_registers_lists_and_revokes(lambdas, venue, device):
    inspector = new_person(lambdas, name="保安甲")
    assert join(lambdas, inspector, venue["join_code"])[0] == 201
    other_admin = new_person(lambdas)
    create_venue(lambdas, other_admin, name="别的场所")
    for person in (inspector, other_admin):
        status, body = register(lambdas, person, venue["place_id"])
        assert status == 403 and body["error"]["field"] == "id"
        assert listing(lambdas, person, venue["place_id"])[0] == 403
        assert revoke(lambdas, person, venue["place_id"], device["device_id"])[0] == 403
    assert len(listing(lambdas, venue["admin"], venue["place_id"])[1]["devices"]) == 1
    assert register(lambdas, venue["admin"], "01JNOSUCHVENUE000000000000")[0] == 404


@pytest.mark.parametrize("name", ["", " ", "x" * 41, "a\u0007b"])
def test_a_bad_device_name_is_400_naming_it_and_writes_nothing(lambdas, venue, name):
    status, body = register(lambdas, venue["admin"], venue["place_id"], name)
    assert status == 400 and body["error"]["field"] == "name"
    assert listing(lambdas, venue["admin"], venue["place_id"])[1]["devices"] == []


def test_a_revoked_key_is_refused_at_once_and_nothing_is_written(lambdas, venue, device):
    person = new_person(lambdas)
    qr = code_of(lambdas, person)
    assert device_check(lambdas, device["device_key"], _body(qr))[0] == 201
    status, revoked = revoke(lambdas, venue["admin"], venue["place_id"], device["device_id"])
    assert status == 200 and revoked["status"] == "REVOKED" and revoked["revoked_at"]
    assert device_check(lambdas, device["device_key"], _body(qr)) == (401, None)
    assert device_keys(lambdas, device["device_key"]) == (401, None)
    assert len(_checks(venue["place_id"])) == 1
    listed = listing(lambdas, venue["admin"], venue["place_id"])[1]["devices"]
    assert [(d["device_id"], d["status"]) for d in listed] == [(device["device_id"], "REVOKED")]
    assert revoke(lambdas, venue["admin"], venue["place_id"], "dev_01JNOSUCH00000000000000000")[0] == 404


# ---------------------------------------------------------------- the authorizer


def test_the_authorizer_passes_the_device_and_its_venue(lambdas, device):
    from devices_support import authorize

    policy = authorize(lambdas, "/v1/device/checks", {"X-Device-Key": device["device_key"]})
    assert policy["principalId"] == device["device_id"]
    assert policy["context"] == {"person_id": device["device_id"], "kind": "device", "roles": "device",
                                 "place_id": device["place_id"], "device_name": "东门哨兵"}


@pytest.mark.parametrize("case", ["missing", "wrong-secret", "unknown-device", "garbage", "session-token"])
def test_a_missing_or_wrong_device_key_is_401_and_writes_nothing(lambdas, device, resident, case):
    key = {"missing": None, "garbage": "not-a-key",
           "wrong-secret": device["device_key"].rsplit(".", 1)[0] + ".AAAA",
           "unknown-device": "ykd1.dev_01JNOSUCH00000000000000000." + device["device_key"].rsplit(".", 1)[1],
           "session-token": resident["token"]}[case]
    qr = code_of(lambdas, resident["person_id"])
    assert device_check(lambdas, key, _body(qr)) == (401, None)
    assert _checks(device["place_id"]) == []


def test_a_device_key_opens_no_other_route_and_a_session_opens_no_device_route(lambdas, device, resident):
    from devices_support import authorize

    assert authorize(lambdas, f"/v1/venues/{device['place_id']}/checks", {"x-device-key": device["device_key"]}) \
        is None
    assert authorize(lambdas, "/v1/device/checks", {"authorization": f"Bearer {resident['token']}"}) is None
    # a session that reached the function anyway (a misrouted event) is refused there too
    from tests.integration.conftest import call, sample_event

    event = sample_event("devices-check.json", person_id=resident["person_id"],
                         body=_body(code_of(lambdas, resident["person_id"])), headers={"Idempotency-Key": "k-1"})
    assert call(lambdas["DevicesFunction"], event)[0] == 401


def test_a_device_posting_for_another_venue_is_403_and_writes_nothing(lambdas, device):
    other = create_venue(lambdas, new_person(lambdas), name="隔壁商场")
    qr = code_of(lambdas, new_person(lambdas))
    status, body = device_check(lambdas, device["device_key"], _body(qr, place_id=other["place_id"]))
    assert status == 403 and body["error"]["field"] == "place_id"
    assert _checks(other["place_id"]) == [] and _checks(device["place_id"]) == []
    assert device_check(lambdas, device["device_key"], _body(qr, place_id=device["place_id"]))[0] == 201


# ---------------------------------------------------------------- device checks


def test_a_green_code_at_a_normal_temperature_passes_and_is_recorded_with_the_device_as_inspector(lambdas, device):
    person = new_person(lambdas, name="陈大文")
    status, answer = device_check(lambdas, device["device_key"], _body(code_of(lambdas, person), temperature_c=36.6))
    assert status == 201, answer
    assert (answer["decision"], answer["color"], answer["temperature"]) == ("PASS", "GREEN", "NORMAL")
    assert answer["name_masked"] == "陈*文"
    assert "phone" not in json.dumps(answer) and "id_number" not in json.dumps(answer)
    [stored] = _checks(device["place_id"])
    assert stored.inspector_id == device["device_id"] and stored.kind == "VENUE_CHECK"
    assert stored.details["inspector_name_masked"] == "东门哨兵" and stored.details["temperature_c"] == "36.6"
    [entry] = [e for e in _audit(person) if e.actor == device["device_id"]]
    assert entry.action == "DEVICE_CHECK" and entry.place_id == device["place_id"]


@pytest.mark.parametrize("celsius, expected", [(37.2, "NORMAL"), (37.24, "NORMAL"), (37.25, "FEVER"), (37.3, "FEVER"),
                                               (39.0, "FEVER"), (35.0, "NORMAL")])
def test_fever_starts_at_the_one_threshold(lambdas, device, celsius, expected):
    from healthcode.places.devices.scanners import temperature_class
    from healthcode.residents.declarations import FEVER_FROM

    assert str(FEVER_FROM) == "37.3"
    status, answer = device_check(lambdas, device["device_key"],
                                  _body(code_of(lambdas, new_person(lambdas)), temperature_c=celsius))
    assert status == 201 and answer["temperature"] == expected
    assert temperature_class(answer_decimal(answer["temperature_c"])) == expected
    assert answer["decision"] == ("PASS" if expected == "NORMAL" else "STOP")
    if expected == "FEVER":
        assert "FEVER" in [r["code"] for r in answer["reasons"]]


def answer_decimal(celsius):
    from decimal import Decimal

    return Decimal(str(celsius))


def test_a_red_code_is_stopped_with_its_reasons(lambdas, device):
    from healthcode.models import Person

    person = new_person(lambdas)
    qr = code_of(lambdas, person)
    item = Person.get(person)
    item.update(actions=[Person.color.set("RED"),
                         Person.reasons.set([{"code": "CONFIRMED", "since": _iso(_now() - timedelta(days=1))}])])
    status, answer = device_check(lambdas, device["device_key"], _body(qr))
    assert status == 201 and answer["decision"] == "STOP" and answer["color"] == "RED"
    assert [r["code"] for r in answer["reasons"]] == ["CONFIRMED"]


def test_an_id_card_of_a_known_person_is_answered_from_their_status_and_never_stored_in_clear(lambdas, device, aws):
    person, number = _resident_with_card(lambdas)
    status, answer = device_check(lambdas, device["device_key"], _body(id_card={"id_number": number,
                                                                                "name": "李阿婆"}))
    assert status == 201, answer
    assert (answer["decision"], answer["color"], answer["name_masked"]) == ("PASS", "GREEN", "李*婆")
    assert number not in json.dumps(answer)
    [stored] = _checks(device["place_id"])
    assert stored.person_id == person and stored.details["source"] == "ID_CARD" and stored.age_group == "60+"
    import boto3
    from healthcode.core.config import get_config

    cfg = get_config()
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    for table in (cfg.checks_table, cfg.audit_table, cfg.idempotency_table):
        items = dynamodb.scan(TableName=table)["Items"]  # the test's own look; no request path scans
        assert number not in json.dumps(items, ensure_ascii=False), table
        assert "李阿婆" not in json.dumps(items, ensure_ascii=False), table


def test_an_id_card_known_only_from_fed_facts_is_answered_from_them(lambdas, device, event, invoke):
    """A person with a feed's positive test has never logged in; the ID card still finds them: RED, STOP."""
    from healthcode.colour.recompute import recompute_person

    number = _unknown_number()
    record = {"event_id": f"dev-{uuid.uuid4().hex}", "person": {"id_type": "ID_CARD", "id_number": number,
                                                                 "name": "黄未登"},
              "kind": "NUCLEIC_ACID", "occurred_at": _iso(_now() - timedelta(hours=2)), "result": "POSITIVE",
              "details": {"institution": "广州市第八人民医院"}}
    fed = event("feeds-health-events.json", body=[record])
    fed["requestContext"]["authorizer"] = {"person_id": "partner:cdc", "kind": "partner", "roles": "partner",
                                           "principalId": "partner:cdc"}
    assert invoke(lambdas["FeedsFunction"], fed)[0] in (200, 201, 202)
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import find_by_document

    person = find_by_document(parse_document("ID_CARD", number))
    recompute_person(person.person_id)  # what the status stream does
    status, answer = device_check(lambdas, device["device_key"], _body(id_card={"id_number": number,
                                                                                "name": "黄未登"}))
    assert status == 201 and answer["color"] == "RED" and answer["decision"] == "STOP"
    assert answer["name_masked"] == "黄*登"


def test_an_id_card_no_one_knows_is_unknown_stop_and_nothing_is_stored(lambdas, device):
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import find_by_document

    number = _unknown_number()
    status, answer = device_check(lambdas, device["device_key"], _body(id_card={"id_number": number, "name": "某人"}))
    assert status == 201
    assert (answer["decision"], answer["color"], answer["recorded"]) == ("STOP", "UNKNOWN", False)
    assert answer["reasons"][0]["code"] == "NO_RECORD" and answer["name_masked"] is None
    assert _checks(device["place_id"]) == []
    assert find_by_document(parse_document("ID_CARD", number)) is None  # no person created on a reader's word


def _dynamodb_calls(monkeypatch):
    """(operation, table, index) of every DynamoDB call from now on, the idempotency record's left out."""
    from botocore.client import BaseClient
    from healthcode.core.config import get_config

    calls = []
    original = BaseClient._make_api_call

    def spy(self, operation, params):
        if self.meta.service_model.service_name == "dynamodb":
            tables = params.get("TableName") or ",".join(sorted(params.get("RequestItems", {})))
            if tables != get_config().idempotency_table:
                calls.append((operation, tables, params.get("IndexName")))
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", spy)
    return calls


@pytest.mark.parametrize("source", ["qr", "id_card"])
def test_a_device_check_costs_at_most_three_dynamodb_calls_beyond_the_idempotency_record(lambdas, device,
                                                                                          monkeypatch, source):
    """Issue 14's number: device key, person, check - for an ID card too: the person and their status come from
    one Query of `by_document` by the number's keyed hash, not from the marker and then the person."""
    from healthcode.core.config import get_config

    person, number = _resident_with_card(lambdas)
    body = _body(code_of(lambdas, person)) if source == "qr" else _body(id_card={"id_number": number,
                                                                                 "name": "李阿婆"})
    calls = _dynamodb_calls(monkeypatch)
    status, answer = device_check(lambdas, device["device_key"], body)
    assert status == 201 and answer["recorded"] is True and answer["name_masked"] == "李*婆", answer
    cfg = get_config()
    person_read = (("GetItem", cfg.people_table, None) if source == "qr" else
                   ("Query", cfg.people_table, "by_document"))
    assert calls == [("GetItem", cfg.auth_table, None), person_read,
                     ("BatchWriteItem", ",".join(sorted((cfg.audit_table, cfg.checks_table))), None)]


def test_an_id_card_is_answered_from_the_colour_as_it_is_now(lambdas, device):
    """No copy of the status to go stale: a colour change shows in the next ID-card answer."""
    from healthcode.models import Person

    person, number = _resident_with_card(lambdas, "陈伯", 1950)
    card = {"id_number": number, "name": "陈伯"}
    assert device_check(lambdas, device["device_key"], _body(id_card=card))[1]["color"] == "GREEN"
    Person.get(person).update(actions=[
        Person.color.set("RED"), Person.reasons.set([{"code": "CONFIRMED", "since": _iso(_now() - timedelta(hours=1))}])])
    status, answer = device_check(lambdas, device["device_key"], _body(id_card=card))
    assert status == 201 and (answer["decision"], answer["color"]) == ("STOP", "RED")
    assert [r["code"] for r in answer["reasons"]] == ["CONFIRMED"]
    [_, red] = sorted(_checks(device["place_id"]), key=lambda c: c.sk)
    assert red.color == "RED" and red.details["reasons"] == ["CONFIRMED"]


def test_the_document_index_holds_no_personal_data_but_the_masked_name(lambdas):
    """What one Query of `by_document` returns: the keys (person id, keyed hash) and the status fields, never an
    encrypted identifier, a phone or a name in clear."""
    import boto3
    from healthcode.core.config import get_config
    from healthcode.models import Person
    from healthcode.models.people import DEVICE_ANSWER

    person, _ = _resident_with_card(lambdas, "周婆婆", 1945)
    hashed = Person.get(person, consistent_read=True).id_hash
    [item] = boto3.client("dynamodb", region_name="us-east-1").query(TableName=get_config().people_table, IndexName="by_document",
                                      KeyConditionExpression="id_hash = :h",
                                      ExpressionAttributeValues={":h": {"S": hashed}})["Items"]
    assert set(item) <= {"person_id", "id_hash", *DEVICE_ANSWER}
    assert item["person_id"]["S"] == person and item["name_masked"]["S"] == "周*婆"
    assert "周婆婆" not in json.dumps(item, ensure_ascii=False) and "13912345678" not in json.dumps(item)


def test_a_retry_with_the_same_key_is_answered_once_and_stored_once(lambdas, device):
    body = _body(code_of(lambdas, new_person(lambdas)))
    first = device_check(lambdas, device["device_key"], body, "same-key-1")
    again = device_check(lambdas, device["device_key"], body, "same-key-1")
    assert first[0] == 201 and again[0] == 200 and again[1]["replayed"] is True
    assert again[1]["check_id"] == first[1]["check_id"]
    assert len(_checks(device["place_id"])) == 1
    status, body2 = device_check(lambdas, device["device_key"], body | {"temperature_c": 38.0}, "same-key-1")
    assert status == 422 and body2["error"]["field"] == "Idempotency-Key"


def test_device_keys_give_the_jwk_set_and_the_venue(lambdas, venue, device):
    status, keys = device_keys(lambdas, device["device_key"])
    assert status == 200
    assert keys["keys"] and all(k["kty"] == "OKP" for k in keys["keys"])
    assert keys["venue"] == {"place_id": venue["place_id"], "name": venue["name"]}
    assert keys["device"]["device_id"] == device["device_id"]
    assert keys["fever_from_c"] == 37.3 and keys["max_offline_hours"] == 72


# ---------------------------------------------------------------- bad input


def _tampered(qr):
    head, tail = qr[:-6], qr[-6:]
    return head + ("A" if tail[0] != "A" else "B") + tail[1:]


@pytest.mark.parametrize("change, field", [
    ({"temperature_c": 29.9}, "temperature_c"), ({"temperature_c": 45.1}, "temperature_c"),
    ({"temperature_c": "hot"}, "temperature_c"), ({"temperature_c": float("nan")}, "temperature_c"),
    ({"temperature_c": float("inf")}, "temperature_c"),
    ({"measured_at": "+1h"}, "measured_at"), ({"measured_at": "-73h"}, "measured_at"),
    ({"measured_at": "yesterday"}, "measured_at"),
    ({"qr": None, "id_card": {"id_number": "440104199001011234", "name": "某人"}}, "id_card.id_number"),
    ({"qr": None, "id_card": {"id_number": "12345", "name": "某人"}}, "id_card.id_number"),
    ({"qr": None}, "qr"), ({"id_card": {"id_number": "X", "name": "Y"}}, "qr"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_device_input_is_400_naming_the_field_and_writes_nothing(lambdas, device, change, field):
    body = _body(code_of(lambdas, new_person(lambdas)))
    for name, value in change.items():
        if name == "measured_at" and value in ("+1h", "-73h"):
            value = _iso(_now() + timedelta(hours=1 if value == "+1h" else -73))
        if value is None:
            body.pop(name)
        else:
            body[name] = value
    status, answer = device_check(lambdas, device["device_key"], body)
    assert status == 400, answer
    assert answer["error"]["field"] == field
    assert _checks(device["place_id"]) == []


def test_a_tampered_code_is_invalid_code_and_a_missing_idempotency_key_is_400(lambdas, device):
    qr = code_of(lambdas, new_person(lambdas))
    status, answer = device_check(lambdas, device["device_key"], _body(_tampered(qr)))
    assert status == 400 and answer["error"]["code"] == "INVALID_CODE"
    status, answer = device_check(lambdas, device["device_key"], _body(qr), idempotency_key=None)
    assert status == 400 and answer["error"]["field"] == "Idempotency-Key"
    assert _checks(device["place_id"]) == []


def test_a_reading_just_inside_the_bounds_is_taken(lambdas, device):
    qr = code_of(lambdas, new_person(lambdas))
    old = _body(qr, measured_at=_iso(_now() - timedelta(hours=71, minutes=59)), temperature_c=30.0)
    assert device_check(lambdas, device["device_key"], old)[0] == 201
    ahead = _body(qr, measured_at=_iso(_now() + timedelta(seconds=60)), temperature_c=45.0)
    assert device_check(lambdas, device["device_key"], ahead)[0] == 201


# ---------------------------------------------------------------- statistics and offline queues


def test_device_checks_count_per_device_day_and_hour_exactly_also_when_queued_and_sent_twice(lambdas, venue, device,
                                                                                            clock):
    """An inspector and a device check; the device then goes offline, queues checks measured over two days and
    sends them twice when back: each lands in the day and hour it was measured, counted once."""
    from healthcode.core import clock as product_clock

    place_id = venue["place_id"]
    inspector = venue["admin"]
    assert join(lambdas, inspector, venue["join_code"])[0] == 201
    visitors = [new_person(lambdas) for _ in range(3)]
    codes = [code_of(lambdas, v) for v in visitors]
    assert check(lambdas, place_id, inspector, codes[0])[0] == 201
    now = clock.now  # 10:00 today
    live = [(now - timedelta(minutes=1), 36.5), (now - timedelta(seconds=10), 37.8)]
    queued = [(now - timedelta(hours=3, minutes=30), 36.4),  # 06:30 today
              (now - timedelta(hours=12), 36.9),  # 22:00 yesterday
              (now - timedelta(hours=12, minutes=-5), 38.1),  # 22:05 yesterday
              (now - timedelta(hours=26), 36.0)]  # 08:00 yesterday
    for i, (at, celsius) in enumerate(live):
        assert device_check(lambdas, device["device_key"], _body(codes[i % 3], temperature_c=celsius,
                                                                 measured_at=_iso(at)))[0] == 201
    sends = [(f"q-{i}", _body(codes[i % 3], temperature_c=c, measured_at=_iso(at))) for i, (at, c) in enumerate(queued)]
    for key, body in sends + sends:  # the queue sent twice (the first answers were lost)
        assert device_check(lambdas, device["device_key"], body, key)[0] in (200, 201)
    drain(lambdas, place_id)
    drain(lambdas, place_id)  # the stream delivered twice

    today = product_clock.local_date(now)
    yesterday = today - timedelta(days=1)
    _, day = stats(lambdas, place_id, inspector, today.isoformat())
    _, before = stats(lambdas, place_id, inspector, yesterday.isoformat())
    assert day["checks_today"] == 1 + 2 + 1 and day["checks_total"] == 1 + 2 + 4
    assert day["fever_today"] == 1 and day["fever_total"] == 2
    assert before["checks_today"] == 3 and before["fever_today"] == 1
    hourly = [0] * 24
    hourly[9] += 2  # the live device checks (09:59, 09:59:50)
    hourly[6] += 1
    hourly[10] += 1  # the inspector's check at 10:00
    assert day["hourly"] == hourly
    expected_before = [0] * 24
    expected_before[22], expected_before[8] = 2, 1
    assert before["hourly"] == expected_before
    rows = {row["person_id"]: row for row in day["inspectors"]}
    assert (rows[device["device_id"]]["today"], rows[device["device_id"]]["total"]) == (3, 6)
    assert rows[device["device_id"]]["name_masked"] == "东门哨兵" and rows[device["device_id"]]["device"] is True
    assert (rows[inspector]["today"], rows[inspector]["total"]) == (1, 1) and "device" not in rows[inspector]


def test_a_resend_after_the_idempotency_record_expired_is_still_counted_once(lambdas, venue, device):
    """The check's key comes from (device, Idempotency-Key, measured_at): a re-send days later rewrites the same
    item, which the statistics do not count again."""
    import boto3
    from healthcode.core.config import get_config

    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    table = get_config().idempotency_table

    def records():  # the test's own look at the table; no request path scans
        return {item["id"]["S"] for item in dynamodb.scan(TableName=table, ConsistentRead=True)["Items"]}

    body = _body(code_of(lambdas, new_person(lambdas)), measured_at=_iso(_now() - timedelta(hours=30)))
    before = records()
    first = device_check(lambdas, device["device_key"], body, "late-1")
    assert first[0] == 201
    drain(lambdas, venue["place_id"])
    for record in records() - before:  # this check's record expires (24 h)
        dynamodb.delete_item(TableName=table, Key={"id": {"S": record}})
    again = device_check(lambdas, device["device_key"], body, "late-1")
    assert again[0] == 201 and again[1]["check_id"] == first[1]["check_id"]
    drain(lambdas, venue["place_id"])
    assert len(_checks(venue["place_id"])) == 1
    from healthcode.core import clock

    day = clock.local_date(_now() - timedelta(hours=30)).isoformat()
    _, counted = stats(lambdas, venue["place_id"], venue["admin"], day)
    assert counted["checks_today"] == 1
