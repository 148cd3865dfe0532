"""A resident's declarations as 我的粤康码信息 → 健康申报记录 lists them: labelled like the declarations API."""

from __future__ import annotations

import uuid

import pytest


def test_a_declaration_in_the_records_carries_its_chinese_labels(lambdas, event, invoke, resident):
    # GIVEN a declaration with a fever, a cough and a yes to contact with a case
    status, declared = invoke(lambdas["DeclarationsFunction"], event(
        "declarations-declare.json", person_id=resident["person_id"],
        body={"type": "SELF_CHECK", "temperature_c": 37.6, "symptoms": ["cough"],
              "answers": {"contact_with_case": True, "current_city": "广州市"}}))
    assert status == 201, declared

    # WHEN the resident opens the declarations of their records
    status, page = invoke(lambdas["RecordsFunction"], event("records-list.json", person_id=resident["person_id"],
                                                            query={"kind": "declaration"}))

    # THEN the record is the declaration as declared, with its type, symptoms and questions in Chinese
    assert status == 200
    [item] = page["items"]
    assert item == {"kind": "declaration", "at": declared["declared_at"]} | declared
    assert item["type_label"] == "个人自查申报" and item["symptom_labels"] == ["咳嗽"] and item["fever"] is True
    assert item["answer_labels"]["contact_with_case"].startswith("14天内是否接触过")


@pytest.fixture
def scan_latest(lambdas, event, invoke):
    """The latest declaration an inspector (bound to a venue) sees when scanning the person's code."""
    from healthcode.core import clock
    from healthcode.models import Relation

    inspector = str(uuid.uuid4())
    Relation.make(inspector, "VENUE", f"place-{uuid.uuid4().hex[:8]}", clock.iso(clock.now())).save()

    def scan(person_id):
        _, code = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=person_id))
        status, scanned = invoke(lambdas["ScanFunction"], event("scan-code.json", person_id=inspector,
                                                                roles=["resident"], body={"qr": code["qr"]}))
        assert status == 200, scanned
        return scanned["latest_declaration"]

    return scan


@pytest.mark.parametrize("risk", ["contact_with_case", "visited_risk_area", "returned_from_abroad", "household_unwell"])
def test_a_yes_to_a_risk_question_is_not_healthy_on_a_scan(lambdas, event, invoke, resident, scan_latest, risk):
    # GIVEN a resident who declares a normal temperature, no symptom, but a yes to one risk question
    invoke(lambdas["DeclarationsFunction"], event(
        "declarations-declare.json", person_id=resident["person_id"],
        body={"type": "PERSONAL", "temperature_c": 36.5, "symptoms": [], "answers": {risk: True, "remarks": "无"}}))

    # WHEN an inspector scans their code
    latest = scan_latest(resident["person_id"])

    # THEN the latest declaration is shown as not healthy, naming the risk declared
    assert latest | {"healthy": False, "risks": [risk]} == latest


def test_no_to_every_risk_question_is_healthy_on_a_scan(lambdas, event, invoke, resident, scan_latest):
    invoke(lambdas["DeclarationsFunction"], event(
        "declarations-declare.json", person_id=resident["person_id"],
        body={"type": "PERSONAL", "temperature_c": 36.5, "symptoms": [],
              "answers": {"contact_with_case": False, "visited_risk_area": False}}))
    latest = scan_latest(resident["person_id"])
    assert latest | {"healthy": True, "risks": []} == latest
