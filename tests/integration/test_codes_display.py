"""GET /v1/me/code and /v1/me/display-log through the codes handler."""

from __future__ import annotations

from datetime import timedelta


def test_new_resident_sees_a_green_signed_code(lambdas, event, invoke, resident):
    from healthcode.codes.tokens import CodeType, get_keyring

    status, body = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"]))
    assert status == 200
    assert body["color"] == "GREEN" and body["reasons"] == []
    assert body["name_masked"] == "陈*文"
    claims = get_keyring().verify(body["qr"], {CodeType.RESIDENT})
    assert claims.subject == resident["person_id"] and claims.version == 1


def test_code_display_is_logged_and_listed_newest_first(lambdas, event, invoke, resident):
    for _ in range(3):
        invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"]))
    status, body = invoke(lambdas["CodesFunction"], event("codes-display-log.json", person_id=resident["person_id"]))
    assert status == 200
    assert len(body["items"]) == 3
    times = [item["at"] for item in body["items"]]
    assert times == sorted(times, reverse=True)
    assert all(item["color"] == "GREEN" and item["at"].endswith("+08:00") for item in body["items"])


def test_display_log_leaves_out_entries_older_than_three_days(lambdas, event, invoke, resident):
    from healthcode.core import clock
    from healthcode.models import DisplayLogEntry

    old = clock.now() - timedelta(days=3, minutes=1)
    DisplayLogEntry(person_id=resident["person_id"], at=f"{clock.iso(old)}#old", color="GREEN", code_type="R",
                    expires_at=old + timedelta(days=3)).save()
    status, body = invoke(lambdas["CodesFunction"], event("codes-display-log.json", person_id=resident["person_id"]))
    assert status == 200 and body["items"] == []


def test_display_log_pages_with_a_cursor(lambdas, event, invoke, resident):
    for _ in range(3):
        invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"]))
    status, first = invoke(lambdas["CodesFunction"], event("codes-display-log.json", person_id=resident["person_id"],
                                                            query={"limit": "2"}))
    assert status == 200 and len(first["items"]) == 2 and first["next_cursor"]
    status, second = invoke(lambdas["CodesFunction"], event(
        "codes-display-log.json", person_id=resident["person_id"], query={"limit": "2", "cursor": first["next_cursor"]}))
    assert len(second["items"]) == 1 and second["next_cursor"] is None


def test_someone_elses_code_is_not_found(lambdas, event, invoke, resident):
    status, body = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"],
                                                          query={"member": "01JNOTMYMEMBER0000000000000"}))
    assert status == 404 and body["error"]["field"] == "member"


def test_bad_query_values_are_refused(lambdas, event, invoke, resident):
    status, body = invoke(lambdas["CodesFunction"], event("codes-display-log.json", person_id=resident["person_id"],
                                                          query={"limit": "1000"}))
    assert status == 400 and body["error"]["field"] == "limit"
    status, body = invoke(lambdas["CodesFunction"], event("codes-display-log.json", person_id=resident["person_id"],
                                                          query={"cursor": "!!!"}))
    assert status == 400 and body["error"]["field"] == "cursor"


def test_without_authorizer_context_the_handler_refuses(lambdas, event, invoke):
    sample = event("codes-my-code.json")
    sample["requestContext"].pop("authorizer", None)
    status, body = invoke(lambdas["CodesFunction"], sample)
    assert status == 401
