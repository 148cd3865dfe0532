"""A guardian showing a family member's code, or reading their display log, leaves an audit entry; one's own does not."""

from __future__ import annotations

import pytest


@pytest.fixture
def family(lambdas, event, invoke):
    """(guardian, member): two logged-in residents, the second added as the first's family member."""
    import random

    from healthcode.core import clock
    from healthcode.models import Relation

    from infra.local.demo import id_number

    people = []
    for name in ("陈大文", "陈小文"):
        number = id_number(f"440305{random.randint(1991, 2005)}0{random.randint(1, 9)}1{random.randint(1, 9)}"
                           f"{random.randint(100, 999)}")
        status, body = invoke(lambdas["AuthFunction"], event("auth-login.json", body={
            "id_type": "ID_CARD", "id_number": number, "name": name, "method": "FACE", "proof": "dev-pass"}))
        assert status == 200, body
        people.append(body["person_id"])
    Relation.make(people[0], "MEMBER", people[1], clock.iso(clock.now()), relation="CHILD").save()
    return people


def audit_of(person_id):
    from healthcode.models import AuditEntry

    return [(entry.actor, entry.action, entry.purpose) for entry in AuditEntry.query(person_id)
            if entry.action != "FAMILY_MEMBER_ADDED"]


@pytest.mark.parametrize("sample,action", [("codes-my-code.json", "CODE_SHOWN"),
                                           ("codes-display-log.json", "DISPLAY_LOG_READ")])
def test_a_guardian_reading_a_members_code_is_audited(lambdas, event, invoke, family, sample, action):
    guardian, member = family
    status, _ = invoke(lambdas["CodesFunction"], event(sample, person_id=guardian, query={"member": member}))
    assert status == 200
    assert audit_of(member) == [(guardian, action, "guardian")]


@pytest.mark.parametrize("sample", ["codes-my-code.json", "codes-display-log.json"])
def test_reading_ones_own_code_is_not_audited(lambdas, event, invoke, family, sample):
    guardian, _ = family
    status, _ = invoke(lambdas["CodesFunction"], event(sample, person_id=guardian))
    assert status == 200
    assert audit_of(guardian) == []
