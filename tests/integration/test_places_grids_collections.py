"""Door-to-door collections (guide 四(三)(2)3): by scanned code and by manual entry, retried with an Idempotency-Key;
what unauthorized and authorized workers see; every refused collection writes nothing."""

from __future__ import annotations

import random

import pytest
from grids_support import approved_grid, bound_worker, collect, create_grid, new_person, person_read
from venues_support import code_of

from infra.local.demo import id_number


def collections_of(place_id: str) -> list:
    from healthcode.core import clock
    from healthcode.models import Check

    return list(Check.query(f"{place_id}#{clock.local_date(clock.now()).isoformat()}"))


def audit_of(person_id: str) -> list:
    from healthcode.models import AuditEntry

    return list(AuditEntry.query(person_id))


def test_an_unauthorized_worker_collects_by_code_and_sees_masked_data_only(lambdas):
    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid)
    resident = new_person(lambdas, "陈大文")
    status, body = collect(lambdas, grid["place_id"], worker,
                           {"qr": code_of(lambdas, resident), "temperature": "FEVER",
                            "answers": {"at_home": True, "household_size": 3}, "note": "  上门  核查 "})
    assert status == 201, body
    assert body["entry"] == "QR" and body["person"]["person_id"] == resident
    assert body["person"]["name_masked"] != "陈大文" and "*" in body["person"]["name_masked"]
    assert "name" not in body["person"] and body["person"]["color"] == "GREEN"
    assert "latest_declaration" in body
    stored = collections_of(grid["place_id"])
    assert [(c.kind, c.person_id, c.inspector_id, c.temperature) for c in stored] == [
        ("GRID_COLLECTION", resident, worker, "FEVER")]
    assert stored[0].details["answers"] == {"at_home": True, "household_size": 3} and stored[0].details["note"] == "上门 核查"
    assert [e.action for e in audit_of(resident)].count("GRID_COLLECTION") == 1
    # and they may not read the person's full declarations
    status, body = person_read(lambdas, grid["place_id"], worker, resident)
    assert (status, body["error"]["code"]) == (403, "GRID_WORKER_NOT_AUTHORIZED")


def test_a_retry_with_the_same_key_is_stored_once_and_answered_alike(lambdas):
    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid)
    body = {"qr": code_of(lambdas, new_person(lambdas, "陈大文")), "temperature": "NORMAL"}
    first = collect(lambdas, grid["place_id"], worker, body, key="door-1")
    again = collect(lambdas, grid["place_id"], worker, body, key="door-1")
    assert (first[0], again[0]) == (201, 200)
    assert again[1]["replayed"] is True and again[1]["collection_id"] == first[1]["collection_id"]
    assert len(collections_of(grid["place_id"])) == 1
    other = collect(lambdas, grid["place_id"], worker, body | {"temperature": "FEVER"}, key="door-1")
    assert (other[0], other[1]["error"]["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")


def test_manual_entry_finds_a_registered_person_by_document(lambdas):
    from healthcode.core.pii import decrypt
    from healthcode.models import Person

    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid)
    resident = new_person(lambdas, "李阿婆", birth_year=1950)
    number = decrypt(Person.get(resident).id_enc)
    status, body = collect(lambdas, grid["place_id"], worker,
                           {"person": {"name": "李阿婆", "id_type": "ID_CARD", "id_number": number}})
    assert status == 201, body
    assert (body["entry"], body["person"]["person_id"]) == ("MANUAL", resident)


def test_manual_entry_of_someone_never_registered_creates_them_once(lambdas):
    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid)
    number = id_number(f"44010619{random.randint(40, 60)}0{random.randint(1, 9)}1{random.randint(1, 9)}"
                       f"{random.randint(100, 999)}")
    entry = {"name": "王阿公", "id_type": "ID_CARD", "id_number": number, "phone": "13912345678"}
    first = collect(lambdas, grid["place_id"], worker, {"person": entry})
    second = collect(lambdas, grid["place_id"], worker, {"person": entry})
    assert (first[0], second[0]) == (201, 201), (first, second)
    assert first[1]["person"]["person_id"] == second[1]["person"]["person_id"]
    assert first[1]["person"]["phone_masked"].endswith("5678") and "*" in first[1]["person"]["phone_masked"]



def test_a_phone_typed_by_a_worker_is_contact_details_and_logs_nobody_in(lambdas):
    # GIVEN a worker who enters someone without a phone of their own by hand, with a phone number they were told
    from healthcode.identity.sms_login import holder_of
    from healthcode.models import Person

    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid)
    number = id_number(f"44010619{random.randint(40, 60)}0{random.randint(1, 9)}2{random.randint(1, 9)}"
                       f"{random.randint(100, 999)}")
    phone = f"+86139{random.randint(10**7, 10**8 - 1)}"
    status, answer = collect(lambdas, grid["place_id"], worker,
                             {"person": {"name": "周阿伯", "id_number": number, "phone": phone}})
    assert status == 201, answer
    # THEN the phone is kept (masked in the answer, for authorized workers' reads) but is not a login: nobody typed
    # the SMS code it would take, so the SMS login does not find this person by it
    person = Person.get(answer["person"]["person_id"])
    assert person.phone_masked and person.phone_enc and person.phone_hash is None
    with pytest.raises(Exception) as refused:
        holder_of(phone)
    assert getattr(refused.value, "code", "") == "NOT_FOUND"

def _nothing_written(place_id: str, person_id: str | None = None) -> None:
    assert collections_of(place_id) == []
    if person_id:
        assert [e for e in audit_of(person_id) if e.action == "GRID_COLLECTION"] == []


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"qr": "YKM1.k1.eyJ0IjoiUiJ9.c2ln"}, 400, "INVALID_CODE", "qr"),
    ({"person": {"name": "李阿婆", "id_number": "440106195001011230"}}, 400, "INVALID_ID_NUMBER", "person.id_number"),
    ({"person": {"name": "李阿婆", "id_number": id_number("44010619500101123"), "phone": "12"}}, 400, "VALIDATION_ERROR",
     "person.phone"),
    ({}, 400, "VALIDATION_ERROR", "qr"),
    ({"qr": "x", "person": {"name": "a", "id_number": "1"}}, 400, "VALIDATION_ERROR", "person"),
    ({"qr": "YKM1.x.y.z", "temperature": "HOT"}, 400, "VALIDATION_ERROR", "temperature"),
    ({"qr": "YKM1.x.y.z", "answers": {"k" * 41: True}}, 400, "VALIDATION_ERROR", "answers"),
    ({"qr": "YKM1.x.y.z", "answers": {"a": "x" * 201}}, 400, "VALIDATION_ERROR", "answers.a"),
])
def test_bad_collections_are_refused_naming_the_field_and_write_nothing(lambdas, body, status, code, field):
    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid)
    answer = collect(lambdas, grid["place_id"], worker, body)
    assert (answer[0], answer[1]["error"]["code"]) == (status, code), answer
    assert answer[1]["error"]["field"].startswith(field), answer
    _nothing_written(grid["place_id"])


def test_a_tampered_code_is_400_invalid_code(lambdas):
    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid)
    resident = new_person(lambdas)
    qr = code_of(lambdas, resident)
    tampered = qr[:-3] + ("AAA" if not qr.endswith("AAA") else "BBB")
    status, body = collect(lambdas, grid["place_id"], worker, {"qr": tampered})
    assert (status, body["error"]["code"]) == (400, "INVALID_CODE")
    _nothing_written(grid["place_id"], resident)


def test_the_idempotency_key_is_required(lambdas):
    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid)
    status, body = collect(lambdas, grid["place_id"], worker, {"qr": code_of(lambdas, new_person(lambdas))}, key=None)
    assert (status, body["error"]["field"]) == (400, "Idempotency-Key")
    _nothing_written(grid["place_id"])


def test_a_worker_of_another_grid_or_nobody_is_403_and_writes_nothing(lambdas):
    grid, other = approved_grid(lambdas), approved_grid(lambdas)
    outsider = bound_worker(lambdas, other)
    resident = new_person(lambdas)
    for person in (outsider, new_person(lambdas, "路人"), grid["admin"]):
        status, body = collect(lambdas, grid["place_id"], person, {"qr": code_of(lambdas, resident)})
        assert (status, body["error"]["code"]) == (403, "NOT_GRID_WORKER"), body
    _nothing_written(grid["place_id"], resident)


def test_a_pending_grid_takes_no_collection(lambdas):
    admin = new_person(lambdas, "网格管理")
    grid = create_grid(lambdas, admin)[1]
    resident = new_person(lambdas)
    status, body = collect(lambdas, grid["place_id"], admin, {"qr": code_of(lambdas, resident)})
    assert status == 403  # nobody can be bound to a pending grid
    _nothing_written(grid["place_id"], resident)


def test_an_authorized_worker_reads_full_declarations_and_every_read_is_audited(lambdas):
    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid, authorized=True)
    resident = new_person(lambdas, "陈大文")
    from healthcode.core import clock
    from healthcode.models import Declaration

    Declaration(person_id=resident, sk=f"{clock.iso(clock.now())}#d1", declaration_id="d1", type="PERSONAL",
                temperature_c=36.6, symptoms=["cough"], answers={"contact_with_case": False}, declared_by=resident,
                created_at=clock.iso(clock.now())).save()
    # not collected in this grid yet: 404
    assert person_read(lambdas, grid["place_id"], worker, resident)[0] == 404
    assert collect(lambdas, grid["place_id"], worker, {"qr": code_of(lambdas, resident)})[0] == 201
    before = [e for e in audit_of(resident) if e.action == "GRID_PERSON_READ"]
    status, body = person_read(lambdas, grid["place_id"], worker, resident)
    assert status == 200, body
    assert body["person"]["name"] == "陈大文" and body["declarations"][0]["symptoms"] == ["cough"]
    after = [e for e in audit_of(resident) if e.action == "GRID_PERSON_READ"]
    assert len(after) == len(before) + 1 and after[-1].actor == worker
    # the admin who is not an authorized worker of the grid: 403
    assert person_read(lambdas, grid["place_id"], grid["admin"], resident)[0] == 403


def test_a_collection_costs_at_most_three_dynamodb_calls_beyond_idempotency(lambdas):
    """GIVEN a bound worker WHEN they collect by code and by hand (registered person) THEN each costs <= 3 calls
    beyond the idempotency table's."""
    from healthcode.core.config import get_config
    from healthcode.core.pii import decrypt
    from healthcode.models import Person
    from test_colour_least_privilege import recorded

    grid = approved_grid(lambdas)
    worker = bound_worker(lambdas, grid)
    by_code = {"qr": code_of(lambdas, new_person(lambdas))}
    registered = new_person(lambdas, "李阿婆")
    by_hand = {"person": {"name": "李阿婆", "id_number": decrypt(Person.get(registered).id_enc)}}
    idempotency = get_config().idempotency_table
    for body in (by_code, by_hand):
        collect(lambdas, grid["place_id"], worker, {"qr": code_of(lambdas, new_person(lambdas))})  # warm
        with recorded() as calls:
            status, answer = collect(lambdas, grid["place_id"], worker, body)
        assert status == 201, answer
        dynamodb = [c for c in calls if c[0] == "dynamodb" and c[2].get("TableName") != idempotency]
        assert len(dynamodb) <= 3, [c[1] for c in dynamodb]
