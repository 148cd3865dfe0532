"""Guide 3.(三).1: the inbound code follows the same colour rules as a resident's, from the same feeds. Facts are
sent through the partner feed against the passport, and the health-events stream records are delivered to
status_stream as Lambda would; the traveller's code (and a companion's, with member=) then shows the colour."""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import timedelta

import pytest

from infra.local.demo import record_inbound_entry

_sequence = itertools.count(5 * 10**20)


def ago(**delta) -> str:
    from healthcode.core import clock

    return clock.iso(clock.now() - timedelta(**delta))


def ahead(**delta) -> str:
    from healthcode.core import clock

    return clock.iso(clock.now() + timedelta(**delta))


def new_traveller(name: str) -> dict[str, str]:
    number = f"G{random.randrange(10**9, 10**10)}"
    return {"doc_number": number, "name": name,
            "person_id": record_inbound_entry("PASSPORT", number, name, "US").person_id}


@pytest.fixture
def traveller(aws) -> dict[str, str]:
    return new_traveller("SMITH JOHN PAUL")


def feed_and_deliver(lambdas, event, invoke, who: dict[str, str], kind: str, **fields) -> None:
    """Send one fact through the partner feed, then hand its stream record to status_stream."""
    from healthcode.models import HealthEvent

    event_id = f"ic-{uuid.uuid4().hex}"
    status, body = invoke(lambdas["FeedsFunction"], event("feeds-health-events.json", body=[{
        "event_id": event_id, "kind": kind, "occurred_at": ago(hours=1),
        "person": {"id_type": "PASSPORT", "id_number": who["doc_number"], "name": who["name"]}} | fields]))
    assert status == 200 and body["stored"] == 1, body
    fact = next(f for f in HealthEvent.query(who["person_id"]) if f.event_id == event_id)
    image = fact.serialize()
    record = {"eventID": uuid.uuid4().hex, "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
              "awsRegion": "us-east-1",
              "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/yk-HealthEventsTable/stream/2026-01-01T00:00:00",
              "dynamodb": {"Keys": {"person_id": image["person_id"], "sk": image["sk"]}, "NewImage": image,
                           "SequenceNumber": str(next(_sequence)), "SizeBytes": 200, "StreamViewType": "NEW_IMAGE"}}
    assert lambdas["StatusStreamFunction"].invoke({"Records": [record]}) == {"batchItemFailures": []}


def code_of(lambdas, event, invoke, caller: dict[str, str], member: str | None = None) -> dict:
    status, body = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=caller["person_id"],
                                                          roles=["inbound"], query={"member": member} if member else None))
    assert status == 200, body
    return body


def test_a_close_contact_fed_against_the_passport_turns_the_inbound_code_red(lambdas, event, invoke, traveller):
    # GIVEN a traveller whose passport the close-contact feed names
    feed_and_deliver(lambdas, event, invoke, traveller, "CLOSE_CONTACT", valid_until=ahead(days=7))

    # WHEN they show their code THEN it is a red inbound code with the reason, as a resident's would be
    code = code_of(lambdas, event, invoke, traveller)
    assert code["color"] == "RED" and code["code_type"] == "I"
    assert [r["code"] for r in code["reasons"]] == ["CLOSE_CONTACT"]
    # AND the label and the guide to clear it come in both languages (the page's Language toggle)
    reason = code["reasons"][0]
    assert (reason["label"], reason["label_en"]) == ("密切接触者", "Close contact")
    assert "解除" in reason["guide"] and "release notice" in reason["guide_en"]


def test_a_release_notice_turns_it_green_again(lambdas, event, invoke, traveller):
    # GIVEN a traveller made red by a positive test
    feed_and_deliver(lambdas, event, invoke, traveller, "NUCLEIC_ACID", result="POSITIVE",
                     details={"institution": "海关检疫"})
    assert code_of(lambdas, event, invoke, traveller)["color"] == "RED"

    # WHEN a later release notice is fed THEN the code is green
    feed_and_deliver(lambdas, event, invoke, traveller, "RELEASE_NOTICE")
    code = code_of(lambdas, event, invoke, traveller)
    assert code["color"] == "GREEN" and code["reasons"] == []


def test_a_companions_colour_follows_their_own_feed(lambdas, event, invoke, traveller):
    # GIVEN a companion put in central quarantine by the feed
    companion = new_traveller("SMITH EMMA")
    status, _ = invoke(lambdas["InboundFunction"], event("inbound-companions.json", person_id=traveller["person_id"],
                                                         roles=["inbound"], body={
                                                             "name": companion["name"], "doc_type": "PASSPORT",
                                                             "doc_number": companion["doc_number"]}))
    assert status == 201
    feed_and_deliver(lambdas, event, invoke, companion, "CENTRAL_QUARANTINE", valid_from=ago(days=1),
                     valid_until=ahead(days=13))

    # WHEN the traveller switches to the companion THEN the companion's code is red, and the traveller's is green
    assert code_of(lambdas, event, invoke, traveller, member=companion["person_id"])["color"] == "RED"
    assert code_of(lambdas, event, invoke, traveller)["color"] == "GREEN"
