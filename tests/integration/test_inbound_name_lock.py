"""Names are not guessed without end: NAME_MISSES wrong names for one document lock its real-name check for 15
minutes (429 with Retry-After), even for the right name, on the apply form and when adding a companion."""

from __future__ import annotations

import json
import random

import pytest

from infra.local.demo import record_inbound_entry
from tests.integration.conftest import new_phone

NAME = "SMITH JOHN PAUL"



@pytest.fixture
def traveller(clock) -> dict[str, str]:
    number = f"N{random.randrange(10**9, 10**10)}"
    return {"doc_number": number, "person_id": record_inbound_entry("PASSPORT", number, NAME, "US").person_id}


def apply(lambdas, event, traveller, name: str, phone: str | None = None) -> tuple[int, dict, dict]:
    """(status, body, lower-cased headers): the lock's Retry-After is a header."""
    answer = lambdas["InboundFunction"].invoke(event("inbound-apply.json", body={
        "name": name, "country": "US", "doc_type": "PASSPORT", "doc_number": traveller["doc_number"],
        "phone": phone or new_phone()}))
    headers = {k.lower(): v[0] for k, v in (answer.get("multiValueHeaders") or {}).items()}
    headers |= {k.lower(): v for k, v in (answer.get("headers") or {}).items()}
    return answer["statusCode"], json.loads(answer["body"]), headers


def miss(lambdas, event, traveller, times: int) -> list[int]:
    return [apply(lambdas, event, traveller, "DOE JANE")[0] for _ in range(times)]


def test_wrong_names_short_of_the_limit_are_name_mismatch(lambdas, event, clock, traveller):
    from healthcode.inbound.travellers import NAME_MISSES

    # GIVEN names typed wrong one time fewer than the limit THEN each is NAME_MISMATCH, and the right name still works
    assert miss(lambdas, event, traveller, NAME_MISSES - 1) == [400] * (NAME_MISSES - 1)
    assert apply(lambdas, event, traveller, NAME)[0] == 200


def test_the_last_wrong_name_locks_the_document_even_for_the_right_name(lambdas, event, clock, traveller):
    from healthcode.inbound.travellers import NAME_MISSES

    # GIVEN the limit of wrong names for one document: the last is answered 429 for 15 minutes
    statuses = miss(lambdas, event, traveller, NAME_MISSES)
    assert statuses == [400] * (NAME_MISSES - 1) + [429]

    # WHEN the right name is typed a minute later
    clock.advance(minutes=1)
    phone = new_phone()
    status, body, headers = apply(lambdas, event, traveller, NAME, phone)

    # THEN 429 with the time left, and nothing bound or sent
    from healthcode.identity.sms import dev_outbox
    from healthcode.models import Person

    assert status == 429 and body["error"]["code"] == "TOO_MANY_REQUESTS"
    assert 14 * 60 - 2 <= int(headers["retry-after"]) <= 14 * 60 + 1
    assert Person.get(traveller["person_id"]).phone_hash is None and dev_outbox(phone) == []


def test_after_the_lock_the_right_name_applies(lambdas, event, clock, traveller):
    from healthcode.inbound.travellers import NAME_MISSES

    miss(lambdas, event, traveller, NAME_MISSES)
    clock.advance(minutes=15, seconds=1)
    assert apply(lambdas, event, traveller, NAME)[0] == 200


def test_misses_long_ago_do_not_count(lambdas, event, clock, traveller):
    from healthcode.inbound.travellers import NAME_MISSES

    # GIVEN wrong names one short of the limit, then a quiet quarter of an hour
    miss(lambdas, event, traveller, NAME_MISSES - 1)
    clock.advance(minutes=15, seconds=1)

    # WHEN one more wrong name is typed THEN it is a mismatch again, not a lock
    assert miss(lambdas, event, traveller, 1) == [400]


def test_the_lock_is_per_document(lambdas, event, clock, traveller):
    from healthcode.inbound.travellers import NAME_MISSES

    # GIVEN one document locked WHEN another traveller applies THEN they are not affected
    miss(lambdas, event, traveller, NAME_MISSES)
    other = f"N{random.randrange(10**9, 10**10)}"
    record_inbound_entry("PASSPORT", other, "DOE JANE", "GB")
    assert apply(lambdas, event, {"doc_number": other}, "DOE JANE")[0] == 200


def test_adding_a_locked_document_as_a_companion_is_429(lambdas, event, invoke, clock, traveller):
    from healthcode.inbound.travellers import NAME_MISSES
    from healthcode.models import Relation

    # GIVEN a document locked by wrong names
    miss(lambdas, event, traveller, NAME_MISSES)
    adder = record_inbound_entry("PASSPORT", f"N{random.randrange(10**9, 10**10)}", "SMITH MARY", "US").person_id

    # WHEN someone adds it as a companion with the right name THEN 429, and no companion is added
    status, _ = invoke(lambdas["InboundFunction"], event("inbound-companions.json", person_id=adder, roles=["inbound"],
                                                         body={"name": NAME, "doc_type": "PASSPORT",
                                                               "doc_number": traveller["doc_number"]}))
    assert status == 429
    assert list(Relation.query(adder)) == []
