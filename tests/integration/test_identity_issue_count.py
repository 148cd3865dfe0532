"""A permit's issue count is compared with the record (guide FAQ (二) 3: number and 2-digit issue count): an older or
(on the inbound page) another card than the one immigration recorded is refused; a renewed permit proven by a face
login, or recorded by immigration, becomes the record; "2" is the permit's "02"."""

from __future__ import annotations

import random
import uuid

import pytest

from infra.local.demo import record_inbound_entry
from tests.integration.conftest import new_phone

NAME = "林美华"


def new_number(doc_type: str) -> str:
    return f"{random.randrange(10**8):08d}" if doc_type == "TAIWAN_PERMIT" else f"H{random.randrange(10**8):08d}"


def apply(lambdas, event, invoke, doc_type, number, issue_count):
    return invoke(lambdas["InboundFunction"], event("inbound-apply.json", body={
        "name": NAME, "country": "TW" if doc_type == "TAIWAN_PERMIT" else "HK", "doc_type": doc_type,
        "doc_number": number, "issue_count": issue_count, "phone": new_phone()}))


def face_login(lambdas, event, invoke, number, issue_count):
    return invoke(lambdas["AuthFunction"], event("auth-login.json", body={
        "id_type": "HK_MACAU_PERMIT", "id_number": number, "issue_count": issue_count, "name": NAME, "method": "FACE",
        "proof": "dev-pass"}))


def recorded_count(person_id):
    from healthcode.models import Person

    return Person.get(person_id, consistent_read=True).issue_count


@pytest.mark.parametrize("doc_type", ["TAIWAN_PERMIT", "HK_MACAU_PERMIT"])
@pytest.mark.parametrize("typed", ["03", "01"])
def test_another_issue_count_than_the_entry_record_is_refused_on_the_inbound_page(lambdas, event, invoke, doc_type,
                                                                                 typed):
    # GIVEN a traveller whose entry immigration recorded with the permit's issue count 02
    number = new_number(doc_type)
    person = record_inbound_entry(doc_type, number, NAME, "TW", issue_count="02")

    # WHEN the inbound page is given the right number and name but another issue count
    status, body = apply(lambdas, event, invoke, doc_type, number, typed)

    # THEN it is not the same card: 400 naming issue_count, and the record keeps 02
    assert status == 400, body
    assert (body["error"]["code"], body["error"]["field"]) == ("ISSUE_COUNT_MISMATCH", "issue_count")
    assert recorded_count(person.person_id) == "02"


@pytest.mark.parametrize("doc_type", ["TAIWAN_PERMIT", "HK_MACAU_PERMIT"])
def test_an_issue_count_typed_without_its_zero_is_the_records(lambdas, event, invoke, doc_type):
    # GIVEN a traveller recorded with issue count 02
    number = new_number(doc_type)
    person = record_inbound_entry(doc_type, number, NAME, "TW", issue_count="02")

    # WHEN they type "2"
    status, body = apply(lambdas, event, invoke, doc_type, number, "2")

    # THEN it is read as 02: their session
    assert status == 200, body
    assert body["person_id"] == person.person_id


def test_a_wrong_issue_count_counts_towards_the_documents_lock(lambdas, event, invoke):
    # GIVEN a recorded traveller and someone trying issue counts with the right name
    from healthcode.inbound.travellers import NAME_MISSES

    number = new_number("TAIWAN_PERMIT")
    record_inbound_entry("TAIWAN_PERMIT", number, NAME, "TW", issue_count="02")
    answers = [apply(lambdas, event, invoke, "TAIWAN_PERMIT", number, f"{count:02d}")[0]
               for count in range(3, 3 + NAME_MISSES)]

    # THEN the guesses stop at the lock, like wrong names do
    assert answers[:NAME_MISSES - 1] == [400] * (NAME_MISSES - 1)
    assert answers[-1] == 429


def test_a_face_login_with_an_older_permit_is_refused(lambdas, event, invoke):
    # GIVEN an HK resident who logged in with their permit's issue count 03
    number = new_number("HK_MACAU_PERMIT")
    status, first = face_login(lambdas, event, invoke, number, "03")
    assert status == 200, first

    # WHEN someone logs in with the same number and the older count 02
    status, body = face_login(lambdas, event, invoke, number, "02")

    # THEN it is refused naming issue_count, and the record keeps 03
    assert status == 400 and body["error"]["code"] == "ISSUE_COUNT_MISMATCH", body
    assert recorded_count(first["person_id"]) == "03"


def test_a_face_login_with_a_renewed_permit_records_its_count(lambdas, event, invoke):
    # GIVEN an HK traveller recorded by immigration with issue count 02
    number = new_number("HK_MACAU_PERMIT")
    person = record_inbound_entry("HK_MACAU_PERMIT", number, NAME, "HK", issue_count="02")

    # WHEN they log in to the WeChat version (the face check proves the card) with the renewed permit, count 03
    status, body = face_login(lambdas, event, invoke, number, "03")

    # THEN they are the same person, and 03 is the record from now on
    assert status == 200 and body["person_id"] == person.person_id, body
    assert recorded_count(person.person_id) == "03"


def test_an_entry_record_of_a_renewed_permit_updates_the_count(lambdas, event, invoke):
    # GIVEN a traveller recorded with issue count 02
    from healthcode.core import clock

    number = new_number("TAIWAN_PERMIT")
    person = record_inbound_entry("TAIWAN_PERMIT", number, NAME, "TW", issue_count="02")

    # WHEN immigration feeds an entry with the renewed permit, count 03
    status, body = invoke(lambdas["FeedsFunction"], event("feeds-health-events.json", body=[{
        "event_id": f"t-{uuid.uuid4().hex}", "kind": "INBOUND_ENTRY", "occurred_at": clock.iso(clock.now()),
        "person": {"id_type": "TAIWAN_PERMIT", "id_number": number, "issue_count": "3", "name": NAME},
        "details": {"country": "TW", "entry_date": clock.local_date(clock.now()).isoformat(), "port": "厦门高崎机场",
                    "vehicle": "CI511"}}]))
    assert status == 200, body

    # THEN the record is 03, and the inbound page accepts the new card, not the old one
    assert recorded_count(person.person_id) == "03"
    assert apply(lambdas, event, invoke, "TAIWAN_PERMIT", number, "03")[0] == 200
    assert apply(lambdas, event, invoke, "TAIWAN_PERMIT", number, "02")[0] == 400
