"""POST /v1/medical/notices with an Idempotency-Key: a retried submit issues one notice and answers the first again."""

from __future__ import annotations

import random
import uuid

import pytest

from infra.local.demo import id_number

ADMIN = str(uuid.uuid4())


@pytest.fixture
def medic(lambdas, event, invoke):
    """A doctor on the admin's list who has logged in (so holds the medical role)."""
    phone = f"+86139{random.randint(10000000, 99999999)}"
    status, body = invoke(lambdas["MedicalFunction"], event(
        "medical-staff-grant.json", person_id=ADMIN, roles=["resident", "system_admin"],
        body=[{"name": "赵医生", "phone": phone, "unit": "广州市第八人民医院", "position": "主治医师"}]))
    assert status == 200, body
    number = id_number(f"440106{random.randint(1986, 2000)}0{random.randint(1, 9)}{random.randint(10, 28)}"
                       f"{random.randint(100, 999)}")
    status, body = invoke(lambdas["AuthFunction"], event("auth-login.json", body={
        "id_type": "ID_CARD", "id_number": number, "name": "赵医生", "method": "FACE", "proof": "dev-pass",
        "phone": phone}))
    assert status == 200 and "medical" in body["roles"], body
    return body["person_id"]


@pytest.fixture
def issue(lambdas, event, invoke):
    def send(medic_id, body, key=None):
        return invoke(lambdas["MedicalFunction"], event(
            "medical-notices-issue.json", person_id=medic_id, roles=["resident", "medical"], body=body,
            headers={"Idempotency-Key": key} if key is not None else {}))

    return send


def code_of(person_id):
    from healthcode.codes.tokens import CodeType, get_keyring
    from healthcode.core import clock

    return get_keyring().sign(CodeType.RESIDENT, person_id, 1, int(clock.now().timestamp()))


def notice(person_id, **changes):
    return {"qr": code_of(person_id), "observation_from": "2026-11-10", "observation_until": "2026-11-24",
            "observation_place": "白云区集中隔离点"} | changes


def written(person_id, medic_id):
    """What issuing wrote: the person's release facts, the audit entries, the medic's history."""
    from healthcode.models import AuditEntry, HealthEvent, Relation

    return {
        "facts": [f.details["notice_id"] for f in HealthEvent.query(person_id) if f.kind == "RELEASE_NOTICE"],
        "audit": [e.actor for e in AuditEntry.query(person_id) if e.action == "RELEASE_NOTICE_ISSUED"],
        "history": [r.sk for r in Relation.query(medic_id, Relation.sk.startswith("NOTICE#"))],
    }


def test_the_same_key_twice_issues_once_and_answers_the_first_notice_again(issue, medic, resident):
    # GIVEN a notice issued under a key
    key = str(uuid.uuid4())
    body = notice(resident["person_id"])
    first = issue(medic, body, key)

    # WHEN the medic's page retries it with the same key and body
    again = issue(medic, body, key)

    # THEN the same status and notice come back, and one fact, one audit entry, one history entry are written
    assert first[0] == 201, first
    assert again == first
    assert written(resident["person_id"], medic) == {"facts": [first[1]["notice_id"]], "audit": [medic],
                                                     "history": [f"NOTICE#{first[1]['notice_id']}"]}


@pytest.mark.parametrize("change", [{"observation_place": "居家"}, {"remarks": "复查正常"},
                                    {"observation_until": "2026-11-23"}])
def test_the_same_key_with_another_body_is_422_naming_the_header_and_writes_nothing(issue, medic, resident, change):
    key = str(uuid.uuid4())
    body = notice(resident["person_id"])
    status, first = issue(medic, body, key)
    assert status == 201, first

    status, answer = issue(medic, body | change, key)

    assert status == 422 and answer["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert answer["error"]["field"] == "Idempotency-Key"
    assert written(resident["person_id"], medic)["facts"] == [first["notice_id"]]


def test_the_same_key_for_another_person_is_422(issue, medic, resident, lambdas):
    from venues_support import new_person

    key = str(uuid.uuid4())
    issue(medic, notice(resident["person_id"]), key)
    other = new_person(lambdas)

    status, answer = issue(medic, notice(other), key)

    assert status == 422 and answer["error"]["field"] == "Idempotency-Key"
    assert written(other, medic)["facts"] == []


def test_two_keys_issue_two_notices(issue, medic, resident):
    body = notice(resident["person_id"])
    issue(medic, body, str(uuid.uuid4()))
    issue(medic, body, str(uuid.uuid4()))
    found = written(resident["person_id"], medic)
    assert len(found["facts"]) == len(found["audit"]) == len(found["history"]) == 2


def test_without_a_key_every_submit_issues_a_notice(issue, medic, resident):
    body = notice(resident["person_id"])
    first, second = issue(medic, body), issue(medic, body)
    assert first[0] == second[0] == 201 and first[1]["notice_id"] != second[1]["notice_id"]
    assert len(written(resident["person_id"], medic)["facts"]) == 2


@pytest.mark.parametrize("key", ["", "x" * 129, "has space", "中文"])
def test_a_malformed_key_is_400_naming_the_header_and_writes_nothing(issue, medic, resident, key):
    status, body = issue(medic, notice(resident["person_id"]), key)
    assert status == 400 and body["error"]["field"] == "Idempotency-Key"
    assert written(resident["person_id"], medic)["facts"] == []


def test_a_refused_submit_is_not_remembered_so_its_corrected_retry_is_issued(issue, medic, resident):
    # GIVEN a submit refused (the observation ends in the future) under a key
    key = str(uuid.uuid4())
    status, body = issue(medic, notice(resident["person_id"], observation_until="2999-01-01"), key)
    assert status == 400 and body["error"]["field"] == "observation_until"

    # WHEN the corrected form is sent with the same key
    status, body = issue(medic, notice(resident["person_id"]), key)

    # THEN the notice is issued
    assert status == 201 and written(resident["person_id"], medic)["facts"] == [body["notice_id"]]

