"""Medical staff: the admin's list grants the role at login; medics issue release notices that clear the code."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.conftest import new_id_card, new_phone

ADMIN = str(uuid.uuid4())


@pytest.fixture
def call(lambdas, event, invoke):
    def send(sample, who, roles=("resident",), **changes):
        return invoke(lambdas["MedicalFunction"], event(sample, person_id=who, roles=list(roles), **changes))

    return send


@pytest.fixture
def grant(call):
    def submit(*staff):
        return call("medical-staff-grant.json", ADMIN, ("resident", "system_admin"), body=list(staff))

    return submit


@pytest.fixture
def medic(grant, login):
    """A doctor on the admin's list who has logged in: (person_id, roles)."""
    phone = new_phone()
    grant({"name": "赵医生", "phone": phone, "unit": "广州市第八人民医院", "position": "主治医师"})
    answer = login("赵医生", new_id_card(), phone)
    return answer["person_id"]


def staff_entry(**changes):
    return {"name": "钱护士", "phone": new_phone(), "unit": "白云区疾控中心", "position": "护士"} | changes


def code_of(person_id, code_type="R"):
    from healthcode.codes.tokens import CodeType, get_keyring
    from healthcode.core import clock

    return get_keyring().sign(CodeType(code_type), person_id, 1, int(clock.now().timestamp()))


def test_an_admin_grants_the_listed_staff(grant):
    status, body = grant(staff_entry(), staff_entry(name="孙医生"))
    assert status == 200 and body["granted"] == 2
    assert body["staff"][1] | {"name_masked": "孙*生", "unit": "白云区疾控中心", "position": "护士"} == body["staff"][1]


def test_grants_keep_no_name_or_phone_in_clear(grant):
    from healthcode.identity.grants import grant_key
    from healthcode.models import AuthItem

    entry = staff_entry()
    grant(entry)
    stored = AuthItem.get(grant_key(entry["name"], entry["phone"]))
    assert entry["phone"][3:] not in str(stored.data) and entry["name"] not in str(stored.data)
    assert stored.key.startswith("medical-grant#") and entry["phone"] not in stored.key


def test_only_a_system_admin_grants(call):
    status, body = call("medical-staff-grant.json", str(uuid.uuid4()), body=[staff_entry()])
    assert status == 403


@pytest.mark.parametrize("bad,field", [
    ({"phone": "12"}, "phone"), ({"phone": "not a phone"}, "phone"), ({"name": ""}, "name"),
    ({"name": "X<script>"}, "name"), ({"unit": ""}, "unit"), ({"position": None}, "position"),
    ({"title": "x"}, "title"),
])
def test_a_bad_entry_is_named_and_nobody_is_granted(grant, bad, field):
    from healthcode.identity.grants import grant_key
    from healthcode.models import AuthItem

    good = staff_entry()
    status, body = grant(good, staff_entry() | bad)
    assert status == 400
    assert [(p["index"], p["field"]) for p in body["error"]["details"]["staff"]] == [(1, field)]
    assert all(p["problem"] and p["problem_zh"] for p in body["error"]["details"]["staff"])  # the page is in Chinese
    with pytest.raises(AuthItem.DoesNotExist):
        AuthItem.get(grant_key(good["name"], good["phone"]))


def test_an_empty_list_is_refused(grant):
    status, body = grant()
    assert status == 400 and body["error"]["field"] == "body"


def test_a_listed_person_gets_the_medical_role_at_login(grant, login):
    phone = new_phone()
    grant(staff_entry(name="李医生", phone=phone))
    answer = login("李医生", new_id_card(), phone)
    assert "medical" in answer["roles"]


def test_the_role_stays_on_later_logins_without_a_phone(grant, login):
    phone, number = new_phone(), new_id_card()
    grant(staff_entry(name="周医生", phone=phone))
    login("周医生", number, phone)
    assert "medical" in login("周医生", number)["roles"]


@pytest.mark.parametrize("name,phone_matches", [("周医生", False), ("吴医生", True)])
def test_name_and_phone_must_both_match(grant, login, name, phone_matches):
    phone = new_phone()
    grant(staff_entry(name="周医生", phone=phone))
    answer = login(name, new_id_card(), phone if phone_matches else new_phone())
    assert "medical" not in answer["roles"]


def test_a_medic_issues_a_release_notice_prefilled_from_the_code(call, medic, resident):
    status, body = call("medical-notices-issue.json", medic, ("resident", "medical"), body={
        "qr": code_of(resident["person_id"]), "observation_from": "2026-11-10", "observation_until": "2026-11-24",
        "observation_place": "白云区集中隔离点"})
    assert status == 201, body
    assert body | {"person_id": resident["person_id"], "name_masked": "陈*文", "id_type": "ID_CARD",
                   "status": "ISSUED", "observation_until": "2026-11-24"} == body
    assert body["issued_by"] | {"unit": "广州市第八人民医院", "position": "主治医师", "name_masked": "赵*生"} == \
        body["issued_by"]
    assert body["id_masked"].startswith("4403") and "*" in body["id_masked"]


def test_the_notice_becomes_a_release_fact_that_turns_the_code_green(call, medic, resident, lambdas):
    from datetime import timedelta

    from healthcode.colour.recompute import recompute_person
    from healthcode.core import clock
    from healthcode.models import HealthEvent, Person

    HealthEvent(person_id=resident["person_id"], sk=f"{clock.iso(clock.now() - timedelta(days=3))}#c1", event_id="c1",
                kind="SUSPECTED", occurred_at=clock.iso(clock.now() - timedelta(days=3)), source="feed:test",
                received_at=clock.iso(clock.now())).save()
    recompute_person(resident["person_id"])
    assert Person.get(resident["person_id"]).color == "RED"
    status, notice = call("medical-notices-issue.json", medic, ("resident", "medical"),
                          body={"qr": code_of(resident["person_id"])})
    fact = next(f for f in HealthEvent.query(resident["person_id"]) if f.kind == "RELEASE_NOTICE")
    assert fact.source == f"medical:{medic}" and fact.details["notice_id"] == notice["notice_id"]
    image = fact.serialize()
    answer = lambdas["StatusStreamFunction"].invoke({"Records": [{
        "eventID": "1", "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/h/stream/x",
        "dynamodb": {"Keys": {"person_id": image["person_id"], "sk": image["sk"]}, "NewImage": image,
                     "SequenceNumber": "1", "SizeBytes": 1, "StreamViewType": "NEW_IMAGE"}}]})
    assert answer == {"batchItemFailures": []}
    assert Person.get(resident["person_id"]).color == "GREEN"


def test_the_notice_appears_in_the_persons_records(call, medic, resident, lambdas, event, invoke):
    call("medical-notices-issue.json", medic, ("resident", "medical"),
         body={"qr": code_of(resident["person_id"]), "observation_place": "居家"})
    status, body = invoke(lambdas["RecordsFunction"], event("records-list.json", person_id=resident["person_id"],
                                                            query={"kind": "release_notice"}))
    assert status == 200 and len(body["items"]) == 1
    item = body["items"][0]
    assert item | {"source": "medical", "observation_place": "居家", "issued_by": "赵*生", "unit": "广州市第八人民医院",
                   "position": "主治医师"} == item
    assert medic not in str(item)  # the medic's id stays out of the person's records


def test_issuing_a_notice_is_audited(call, medic, resident):
    from healthcode.models import AuditEntry

    call("medical-notices-issue.json", medic, ("resident", "medical"), body={"qr": code_of(resident["person_id"])})
    assert [(e.actor, e.action) for e in AuditEntry.query(resident["person_id"])
            if e.action == "RELEASE_NOTICE_ISSUED"] == [(medic, "RELEASE_NOTICE_ISSUED")]


def test_a_medic_sees_the_notices_they_issued_newest_first(call, medic, resident):
    for _ in range(3):
        call("medical-notices-issue.json", medic, ("resident", "medical"), body={"qr": code_of(resident["person_id"])})
    status, first = call("medical-notices-list.json", medic, ("resident", "medical"), query={"limit": "2"})
    assert status == 200 and len(first["items"]) == 2 and first["next_cursor"]
    status, second = call("medical-notices-list.json", medic, ("resident", "medical"),
                          query={"limit": "2", "cursor": first["next_cursor"]})
    times = [n["issued_at"] for n in first["items"] + second["items"]]
    assert len(times) == 3 and times == sorted(times, reverse=True)


@pytest.mark.parametrize("sample", ["medical-notices-issue.json", "medical-notices-list.json"])
def test_anyone_else_is_refused(call, resident, sample):
    status, body = call(sample, resident["person_id"], body={"qr": code_of(resident["person_id"])})
    assert status == 403


def test_a_session_role_without_the_grant_is_refused(call, resident):
    status, body = call("medical-notices-issue.json", str(uuid.uuid4()), ("resident", "medical"),
                        body={"qr": code_of(resident["person_id"])})
    assert status == 403 and "withdrawn" in body["error"]["message"]


def test_an_invalid_code_issues_nothing(call, medic, resident):
    from healthcode.models import HealthEvent

    status, body = call("medical-notices-issue.json", medic, ("resident", "medical"),
                        body={"qr": code_of(resident["person_id"])[:-4] + "AAAA"})
    assert status == 400 and body["error"]["code"] == "INVALID_CODE"
    assert list(HealthEvent.query(resident["person_id"])) == []


@pytest.mark.parametrize("body,field", [
    ({"observation_until": "2999-01-01"}, "observation_until"),
    ({"observation_from": "2026-11-20", "observation_until": "2026-11-10"}, "observation_until"),
    ({"observation_until": "tomorrow"}, "observation_until"),
    ({"remarks": "x" * 201}, "remarks"),
    ({"colour": "GREEN"}, "colour"),
])
def test_a_bad_notice_names_the_field(call, medic, resident, body, field):
    status, answer = call("medical-notices-issue.json", medic, ("resident", "medical"),
                          body={"qr": code_of(resident["person_id"])} | body)
    assert status == 400 and answer["error"]["field"] == field


def test_a_medic_cannot_release_themselves(call, medic):
    status, body = call("medical-notices-issue.json", medic, ("resident", "medical"), body={"qr": code_of(medic)})
    assert status == 403
