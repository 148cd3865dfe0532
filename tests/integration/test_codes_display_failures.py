"""FAQ 2: the display log tells whether each display succeeded. A display the server could not complete is logged as
failed (亮码失败) for the person whose code it was, and answered 503 DISPLAY_FAILED, not a bare 500."""

from __future__ import annotations

import random

from botocore.exceptions import ClientError


def busy(*args, **kwargs):
    """DynamoDB failing (a 500 of its own): a fault, not overload - a throttle is shed as 429 (test_codes_shedding)."""
    raise ClientError({"Error": {"Code": "InternalServerError", "Message": "busy"}}, "GetItem")


def throttled(*args, **kwargs):
    raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "busy"}}, "GetItem")


def show(lambdas, event, invoke, person_id):
    return invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=person_id))


def display_log(lambdas, event, invoke, person_id):
    status, body = invoke(lambdas["CodesFunction"], event("codes-display-log.json", person_id=person_id))
    assert status == 200, body
    return body["items"]


def test_a_display_the_server_could_not_complete_is_logged_as_failed(lambdas, event, invoke, resident, monkeypatch):
    # GIVEN a resident whose code displays once, and then fails while the people table is busy
    from healthcode.codes import display as codes

    assert show(lambdas, event, invoke, resident["person_id"])[0] == 200
    monkeypatch.setattr(codes, "get_person", busy)

    # WHEN they open their code
    status, body = show(lambdas, event, invoke, resident["person_id"])

    # THEN the answer says the display failed (FAQ 2's words), as a 503 the page can tell from a wrong request
    assert status == 503, body
    assert body["error"]["code"] == "DISPLAY_FAILED" and "亮码失败" in body["error"]["message_zh"]

    # AND the display log lists it as failed, newest first, beside the earlier success
    monkeypatch.undo()
    failed, succeeded = display_log(lambdas, event, invoke, resident["person_id"])
    assert (failed["result"], failed["ok"], failed["result_label"], failed["color"]) == ("FAILED", False, "亮码失败",
                                                                                           None)
    assert (succeeded["result"], succeeded["ok"], succeeded["result_label"], succeeded["color"]) == (
        "SUCCESS", True, "亮码成功", "GREEN")


def test_the_records_show_the_failed_display_too(lambdas, event, invoke, resident, monkeypatch):
    # GIVEN a failed display (the code could not be signed: the secret was unreadable)
    from healthcode.codes import display as codes

    monkeypatch.setattr(codes, "get_keyring", busy)
    assert show(lambdas, event, invoke, resident["person_id"])[0] == 503
    monkeypatch.undo()

    # WHEN the resident reads 亮码记录 among their records THEN it is there, failed
    status, body = invoke(lambdas["RecordsFunction"], event("records-list.json", person_id=resident["person_id"],
                                                            query={"kind": "display"}))
    assert status == 200, body
    assert [(item["result"], item["ok"]) for item in body["items"]] == [("FAILED", False)]


def test_a_member_display_failure_is_logged_on_the_member(lambdas, event, invoke, resident, monkeypatch):
    # GIVEN a guardian with a child, whose code fails to display
    from healthcode.codes import display as codes

    from infra.local.demo import id_number

    status, child = invoke(lambdas["FamilyFunction"], event("family-add.json", person_id=resident["person_id"], body={
        "relation": "CHILD", "name": "陈小明", "id_type": "ID_CARD",
        "id_number": id_number(f"440106201503{random.randint(10, 28)}{random.randint(100, 999)}"),
        "verification": {"method": "FACE", "proof": "dev-pass"}}))
    assert status == 201, child
    monkeypatch.setattr(codes, "get_person", busy)
    status, _ = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"],
                                                       query={"member": child["person_id"]}))
    assert status == 503
    monkeypatch.undo()

    # WHEN the guardian reads the child's display log THEN the failure is there
    status, body = invoke(lambdas["CodesFunction"], event("codes-display-log.json", person_id=resident["person_id"],
                                                          query={"member": child["person_id"]}))
    assert status == 200 and [item["result"] for item in body["items"]] == ["FAILED"]


def test_when_the_log_itself_cannot_be_written_the_answer_is_still_display_failed(lambdas, event, invoke, resident,
                                                                                   monkeypatch):
    # GIVEN the display log table refusing writes
    from healthcode.models import DisplayLogEntry

    monkeypatch.setattr(DisplayLogEntry, "save", busy)

    # WHEN the code is opened THEN 503 DISPLAY_FAILED (not a crash), and nothing could be logged
    status, body = show(lambdas, event, invoke, resident["person_id"])
    assert status == 503 and body["error"]["code"] == "DISPLAY_FAILED"
    monkeypatch.undo()
    assert display_log(lambdas, event, invoke, resident["person_id"]) == []


def test_a_wrong_request_is_no_display_and_logs_nothing(lambdas, event, invoke, resident):
    # GIVEN a member= that is not the caller's family WHEN the code is asked THEN 404 and no log entry
    status, _ = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"],
                                                       query={"member": "01HZZZZZZZZZZZZZZZZZZZZZZZ"}))
    assert status == 404
    assert display_log(lambdas, event, invoke, resident["person_id"]) == []


def test_a_throttled_display_is_logged_as_failed_and_answered_429(lambdas, event, invoke, resident, monkeypatch):
    # GIVEN the people table throttling (overload) WHEN a resident opens their code
    from healthcode.codes import display as codes

    monkeypatch.setattr(codes, "get_person", throttled)
    status, body = show(lambdas, event, invoke, resident["person_id"])
    # THEN the page is told to come back (429 OVERLOADED, shown from its stored code) AND the display is logged failed
    assert status == 429 and body["error"]["code"] == "OVERLOADED", body
    monkeypatch.undo()
    assert [item["result"] for item in display_log(lambdas, event, invoke, resident["person_id"])] == ["FAILED"]
