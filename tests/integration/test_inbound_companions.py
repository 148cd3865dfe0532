"""Companions (同行人员, guide 3.(三).2) through the inbound handler, and switching to their code with member=."""

from __future__ import annotations

import random

import pytest

from infra.local.demo import record_inbound_entry


def new_traveller(name: str = "SMITH JOHN PAUL", country: str = "US") -> dict:
    number = f"C{random.randrange(10**9, 10**10)}"
    person = record_inbound_entry("PASSPORT", number, name, country)
    return {"person_id": person.person_id, "doc_number": number, "name": name}


@pytest.fixture
def traveller(aws):
    return new_traveller()


@pytest.fixture
def companion(aws):
    return new_traveller("SMITH EMMA")


def companions_event(event, caller, method="POST", body=None, roles=("inbound",), target=None):
    changes = {"person_id": caller, "roles": list(roles), "method": method, "body": body}
    if target is not None:
        changes["path"] = (f"/v1/me/companions/{target}", "/v1/me/companions/{person_id}", {"person_id": target})
    return event("inbound-companions.json", **changes)


def add(lambdas, event, invoke, caller, who, **overrides):
    body = {"name": who["name"], "doc_type": "PASSPORT", "doc_number": who["doc_number"]} | overrides
    return invoke(lambdas["InboundFunction"], companions_event(event, caller["person_id"], body=body))


def listed(lambdas, event, invoke, caller, query=None):
    sample = companions_event(event, caller["person_id"], method="GET")
    if query:
        sample["queryStringParameters"] = query
        sample["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    return invoke(lambdas["InboundFunction"], sample)


def code_of(lambdas, event, invoke, caller, member=None, roles=("inbound",)):
    return invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=caller["person_id"], roles=list(roles),
                                                  query={"member": member} if member else None))


# --- adding, listing, switching ---------------------------------------------------------------------------------


def test_traveller_adds_a_companion_who_passes_the_real_name_check(lambdas, event, invoke, traveller, companion):
    # GIVEN a traveller and a companion whose entry record was fed
    # WHEN the traveller adds them, typing the name given-name first
    status, body = add(lambdas, event, invoke, traveller, companion, name="Emma Smith")

    # THEN 201 with the companion as on the document, the document masked
    assert status == 201, body
    assert body["person_id"] == companion["person_id"]
    assert body["name"] == "SMITH EMMA" and body["name_masked"] == "S**** E***"
    assert body["doc_type"] == "PASSPORT" and companion["doc_number"] not in body["doc_masked"]


def test_the_list_shows_the_companions_added(lambdas, event, invoke, traveller, companion):
    # GIVEN a traveller with one companion
    add(lambdas, event, invoke, traveller, companion)

    # WHEN they list their companions
    status, body = listed(lambdas, event, invoke, traveller)

    # THEN the companion is there, and only them
    assert status == 200
    assert [item["person_id"] for item in body["items"]] == [companion["person_id"]]
    assert body["next_cursor"] is None


def test_listing_companions_leaves_an_audit_entry_on_each(lambdas, event, invoke, traveller, companion):
    from healthcode.models import AuditEntry

    # GIVEN a traveller with one companion WHEN they list their companions (names in full)
    add(lambdas, event, invoke, traveller, companion)
    listed(lambdas, event, invoke, traveller)

    # THEN the companion's audit trail names the traveller as the reader
    entries = list(AuditEntry.query(companion["person_id"]))
    assert {(e.actor, e.action) for e in entries} == {(traveller["person_id"], "companion.add"),
                                                      (traveller["person_id"], "companion.list")}


def test_the_list_pages_with_a_cursor(lambdas, event, invoke, traveller):
    # GIVEN a traveller with three companions
    for index in range(3):
        add(lambdas, event, invoke, traveller, new_traveller(f"SMITH CHILD{'ABC'[index]}"))

    # WHEN they list two at a time
    status, first = listed(lambdas, event, invoke, traveller, {"limit": "2"})
    status, second = listed(lambdas, event, invoke, traveller, {"limit": "2", "cursor": first["next_cursor"]})

    # THEN they get all three, each once
    ids = [item["person_id"] for item in first["items"] + second["items"]]
    assert len(first["items"]) == 2 and len(set(ids)) == 3 and second["next_cursor"] is None


def test_traveller_switches_to_the_companions_code(lambdas, event, invoke, traveller, companion):
    from healthcode.codes.tokens import CodeType, get_keyring

    # GIVEN a traveller with a companion WHEN they open the code with member=<companion>
    add(lambdas, event, invoke, traveller, companion)
    status, code = code_of(lambdas, event, invoke, traveller, member=companion["person_id"])

    # THEN it is the companion's inbound code
    assert status == 200 and code["person_id"] == companion["person_id"] and code["code_type"] == "I"
    assert get_keyring().verify(code["qr"], {CodeType.INBOUND}).subject == companion["person_id"]


def test_a_companion_of_two_travellers_is_listed_by_both(lambdas, event, invoke, traveller, companion):
    # GIVEN a child added by both parents
    other = new_traveller("SMITH MARY")
    add(lambdas, event, invoke, traveller, companion)
    status, _ = add(lambdas, event, invoke, other, companion)

    # THEN both list the child
    assert status == 201
    assert listed(lambdas, event, invoke, other)[1]["items"][0]["person_id"] == companion["person_id"]


# --- what others cannot do --------------------------------------------------------------------------------------


def test_another_travellers_companion_is_not_found(lambdas, event, invoke, traveller, companion):
    # GIVEN a companion of one traveller
    add(lambdas, event, invoke, traveller, companion)
    stranger = new_traveller("DOE JANE")

    # WHEN another traveller asks for that companion's code, or to remove them
    code_status, code = code_of(lambdas, event, invoke, stranger, member=companion["person_id"])
    remove_status, _ = invoke(lambdas["InboundFunction"], companions_event(
        event, stranger["person_id"], method="DELETE", target=companion["person_id"]))

    # THEN both are 404, and the stranger's list is empty
    assert code_status == 404 and code["error"]["field"] == "member"
    assert remove_status == 404
    assert listed(lambdas, event, invoke, stranger)[1]["items"] == []


@pytest.mark.parametrize(("method", "target"), [("POST", None), ("GET", None), ("DELETE", "01JNOTACOMPANION00000000000")])
def test_only_inbound_travellers_use_companions(lambdas, event, invoke, companion, method, target):
    # GIVEN a resident session WHEN it touches the companion routes THEN 403
    body = {"name": companion["name"], "doc_type": "PASSPORT", "doc_number": companion["doc_number"]}
    status, answer = invoke(lambdas["InboundFunction"], companions_event(
        event, "01JRESIDENT0000000000000000", method=method, body=body if method == "POST" else None,
        roles=("resident",), target=target))
    assert status == 403 and answer["error"]["code"] == "FORBIDDEN"


def test_without_a_session_the_handler_refuses(lambdas, event, invoke):
    sample = event("inbound-companions.json", method="GET", body=None)
    sample["requestContext"].pop("authorizer", None)
    assert invoke(lambdas["InboundFunction"], sample)[0] == 401


# --- refused additions --------------------------------------------------------------------------------------------


def test_a_companion_with_the_wrong_name_is_name_mismatch(lambdas, event, invoke, traveller, companion):
    from healthcode.models import Relation

    status, body = add(lambdas, event, invoke, traveller, companion, name="SMITH EMILY")
    assert status == 400 and body["error"]["code"] == "NAME_MISMATCH" and body["error"]["field"] == "name"
    assert list(Relation.query(traveller["person_id"])) == []


def test_a_companion_without_an_entry_record_is_document_not_found(lambdas, event, invoke, traveller):
    status, body = add(lambdas, event, invoke, traveller, {"name": "SMITH EMMA", "doc_number": "C0000000001"})
    assert status == 400 and body["error"]["code"] == "DOCUMENT_NOT_FOUND"


def test_oneself_is_not_a_companion(lambdas, event, invoke, traveller):
    status, body = add(lambdas, event, invoke, traveller, traveller)
    assert status == 400 and body["error"]["field"] == "doc_number"


def test_adding_the_same_companion_twice_is_a_conflict(lambdas, event, invoke, traveller, companion):
    add(lambdas, event, invoke, traveller, companion)
    status, body = add(lambdas, event, invoke, traveller, companion)
    assert status == 409 and body["error"]["code"] == "ALREADY_COMPANION"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"doc_type": "ID_CARD"}, "doc_type"),
    ({"doc_number": ""}, "doc_number"),
    ({"doc_number": "??"}, "doc_number"),
    ({"doc_type": "TAIWAN_PERMIT", "doc_number": "01234567"}, "issue_count"),
    ({"name": ""}, "name"),
    ({"name": "Emma 2"}, "name"),
    ({"phone": "+8613912345678"}, "phone"),
])
def test_bad_companion_input_names_the_field(lambdas, event, invoke, traveller, companion, overrides, field):
    from healthcode.models import Relation

    status, body = add(lambdas, event, invoke, traveller, companion, **overrides)
    assert status == 400 and body["error"]["field"] == field, body
    assert list(Relation.query(traveller["person_id"])) == []


# --- removing -----------------------------------------------------------------------------------------------------


def test_removing_a_companion_ends_the_switch(lambdas, event, invoke, traveller, companion):
    # GIVEN a traveller with a companion
    add(lambdas, event, invoke, traveller, companion)

    # WHEN they remove the companion
    status, _ = invoke(lambdas["InboundFunction"], companions_event(
        event, traveller["person_id"], method="DELETE", target=companion["person_id"]))

    # THEN 204, the list is empty and the companion's code is no longer theirs to show
    assert status == 204
    assert listed(lambdas, event, invoke, traveller)[1]["items"] == []
    assert code_of(lambdas, event, invoke, traveller, member=companion["person_id"])[0] == 404


def test_removing_someone_who_is_not_a_companion_is_not_found(lambdas, event, invoke, traveller):
    status, body = invoke(lambdas["InboundFunction"], companions_event(
        event, traveller["person_id"], method="DELETE", target="01JNOTACOMPANION00000000000"))
    assert status == 404 and body["error"]["field"] == "person_id"


def test_the_list_and_remove_samples_are_answered_by_their_routes(lambdas, event, invoke, traveller):
    # GIVEN the samples of GET /v1/me/companions and DELETE /v1/me/companions/{person_id}, as the traveller
    listing = event("inbound-companions-list.json", person_id=traveller["person_id"], roles=["inbound"])
    removal = event("inbound-companions-remove.json", person_id=traveller["person_id"], roles=["inbound"])
    # WHEN they are sent THEN the (empty) list, and 404 for the sample's person, who is nobody's companion
    assert invoke(lambdas["InboundFunction"], listing) == (200, {"items": [], "next_cursor": None})
    status, body = invoke(lambdas["InboundFunction"], removal)
    assert status == 404 and body["error"]["field"] == "person_id"


# --- the colour ------------------------------------------------------------------------------------------------------


def test_a_companions_code_shows_the_colour_the_status_engine_stored(lambdas, event, invoke, traveller, companion):
    from datetime import timedelta

    from healthcode.core import clock
    from healthcode.models import Person

    # GIVEN a companion whose status the colour engine has set red (home quarantine, running a week from now)
    add(lambdas, event, invoke, traveller, companion)
    until = clock.iso(clock.now() + timedelta(days=7))
    Person.get(companion["person_id"]).update(actions=[
        Person.color.set("RED"), Person.reasons.set([{"code": "HOME_QUARANTINE", "until": until}])])

    # WHEN the traveller switches to the companion's code
    status, code = code_of(lambdas, event, invoke, traveller, member=companion["person_id"])

    # THEN it is a red inbound code with the reason, its label in both languages and the guide
    assert status == 200 and code["color"] == "RED" and code["code_type"] == "I"
    assert [(r["code"], r["label"], r["label_en"]) for r in code["reasons"]] == [
        ("HOME_QUARANTINE", "居家隔离人员", "Home quarantine")]
    # AND the traveller's own code keeps its own colour
    assert code_of(lambdas, event, invoke, traveller)[1]["color"] == "GREEN"


# --- the companion's records and display log (visible to the traveller who added them, and no one else) ----------


def records_of(lambdas, event, invoke, caller, member, kind="inbound_entry"):
    return invoke(lambdas["RecordsFunction"], event("records-list.json", person_id=caller["person_id"],
                                                    roles=["inbound"], query={"kind": kind, "member": member}))


def display_log_of(lambdas, event, invoke, caller, member):
    return invoke(lambdas["CodesFunction"], event("codes-display-log.json", person_id=caller["person_id"],
                                                  roles=["inbound"], query={"member": member}))


def test_the_traveller_reads_the_companions_entry_record_and_it_is_audited(lambdas, event, invoke, traveller,
                                                                           companion):
    from healthcode.models import AuditEntry

    # GIVEN a traveller who added a companion
    add(lambdas, event, invoke, traveller, companion)

    # WHEN the traveller opens the companion's entry records with member=
    status, body = records_of(lambdas, event, invoke, traveller, companion["person_id"])

    # THEN they see the companion's entry, the document masked, and the read is on the companion's audit trail
    assert status == 200 and len(body["items"]) == 1
    assert body["items"][0]["port"] == "广州白云国际机场" and companion["doc_number"] not in str(body)
    reads = [e for e in AuditEntry.query(companion["person_id"]) if e.action == "RECORDS_READ"]
    assert [e.actor for e in reads] == [traveller["person_id"]]


def test_the_traveller_sees_the_companions_display_log(lambdas, event, invoke, traveller, companion):
    # GIVEN a companion whose code the traveller showed once
    add(lambdas, event, invoke, traveller, companion)
    assert code_of(lambdas, event, invoke, traveller, member=companion["person_id"])[0] == 200

    # WHEN the traveller opens the companion's display log THEN that display is listed, as an inbound code
    status, body = display_log_of(lambdas, event, invoke, traveller, companion["person_id"])
    assert status == 200 and [item["code_type"] for item in body["items"]] == ["I"]


@pytest.mark.parametrize("reader", ["records", "display-log"])
def test_another_traveller_cannot_read_the_companions_records(lambdas, event, invoke, traveller, companion, reader):
    from healthcode.models import AuditEntry

    # GIVEN a companion of one traveller, and another traveller
    add(lambdas, event, invoke, traveller, companion)
    stranger = new_traveller("DOE JANE")

    # WHEN the other traveller asks for the companion's records or display log
    read = records_of if reader == "records" else display_log_of
    status, body = read(lambdas, event, invoke, stranger, companion["person_id"])

    # THEN 404 on member, and nothing of the companion was read
    assert status == 404 and body["error"]["field"] == "member"
    assert [e for e in AuditEntry.query(companion["person_id"]) if e.actor == stranger["person_id"]] == []


def test_a_traveller_cannot_declare_for_a_companion(lambdas, event, invoke, traveller, companion):
    from healthcode.models import Declaration

    # GIVEN a traveller with a companion (FAQ (二) 1: the inbound version only shows the code)
    add(lambdas, event, invoke, traveller, companion)

    # WHEN the traveller submits a declaration for the companion
    status, body = invoke(lambdas["DeclarationsFunction"], event(
        "declarations-declare.json", person_id=traveller["person_id"], roles=["inbound"],
        query={"member": companion["person_id"]}, body={"type": "PERSONAL", "temperature_c": 36.5}))

    # THEN it is refused, and nothing is stored for either
    assert status == 403 and body["error"]["code"] == "INBOUND_NO_DECLARATION"
    assert list(Declaration.query(companion["person_id"])) == list(Declaration.query(traveller["person_id"])) == []
