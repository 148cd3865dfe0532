"""A guardian's reads of a family member's data through member= each leave an audit entry; one's own reads do not."""

from __future__ import annotations

import random

import pytest

from infra.local.demo import id_number

MACAU_DECLARATION = {"entry_port": "GONGBEI", "temperature_c": 36.5, "symptoms": [], "contact_with_case": False,
                     "visited_risk_area": False, "returned_from_abroad": False, "confirmed": True}


@pytest.fixture
def child(lambdas, event, invoke, resident):
    number = id_number(f"4401002016{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}")
    status, body = invoke(lambdas["FamilyFunction"], event("family-add.json", person_id=resident["person_id"], body={
        "relation": "CHILD", "name": "陈小明", "id_type": "ID_CARD", "id_number": number,
        "verification": {"method": "ID_MATCH", "proof": "dev-pass"}}))
    assert status == 201, body
    return body["person_id"]


def audited(subject: str, actor: str) -> list[tuple[str, str | None]]:
    from healthcode.models import AuditEntry

    return [(entry.action, entry.purpose) for entry in AuditEntry.query(subject) if entry.actor == actor
            and entry.action != "FAMILY_MEMBER_ADDED"]


@pytest.mark.parametrize(("function", "sample", "method", "body", "action"), [
    ("CodesFunction", "codes-my-code.json", None, None, "CODE_SHOWN"),
    ("CodesFunction", "codes-display-log.json", None, None, "DISPLAY_LOG_READ"),
    ("OrgsFunction", "orgs-my-orgs.json", None, None, "ORGS_READ"),
    ("MacauFunction", "macau-issue.json", None, {"declaration": MACAU_DECLARATION}, "MACAU_CODE_ISSUED"),
])
def test_a_guardian_reading_a_members_data_is_audited(lambdas, event, invoke, resident, child, function, sample,
                                                      method, body, action):
    # GIVEN a guardian and their child WHEN the guardian reads the child's data with member=
    status, answer = invoke(lambdas[function], event(sample, person_id=resident["person_id"], body=body,
                                                     query={"member": child}))

    # THEN it is answered, and the child's audit trail names the guardian and why
    assert status in (200, 201), answer
    assert audited(child, resident["person_id"]) == [(action, "guardian")]


def test_reading_a_members_macau_code_page_is_audited(lambdas, event, invoke, resident, child):
    # GIVEN a Macau code the guardian applied for on the child's behalf
    invoke(lambdas["MacauFunction"], event("macau-issue.json", person_id=resident["person_id"],
                                           body={"declaration": MACAU_DECLARATION}, query={"member": child}))

    # WHEN the guardian opens the child's Macau code page
    status, _ = invoke(lambdas["MacauFunction"], event("macau-show.json", person_id=resident["person_id"],
                                                       query={"member": child}))

    # THEN the read is audited after the issue
    assert status == 200
    assert audited(child, resident["person_id"]) == [("MACAU_CODE_ISSUED", "guardian"), ("MACAU_CODE_READ", "guardian")]


@pytest.mark.parametrize(("sample", "action"), [("codes-my-code.json", "CODE_SHOWN"),
                                               ("codes-display-log.json", "DISPLAY_LOG_READ")])
def test_ones_own_code_and_display_log_are_not_audited(lambdas, event, invoke, resident, sample, action):
    from healthcode.models import AuditEntry

    # GIVEN a resident WHEN they read their own code or display log
    status, _ = invoke(lambdas["CodesFunction"], event(sample, person_id=resident["person_id"]))

    # THEN nothing is written to their audit trail for it
    assert status == 200
    assert [e.action for e in AuditEntry.query(resident["person_id"]) if e.action == action] == []
