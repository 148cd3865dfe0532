"""A resident's declarations as 我的粤康码信息 → 健康申报记录 lists them: labelled like the declarations API."""

from __future__ import annotations


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
