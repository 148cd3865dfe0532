"""A verified login gives the person the name the identity provider vouched for: a person first created by a
partner feed (or an entry record) no longer keeps the feed's name for good. Same name: nothing written."""

from __future__ import annotations

import random
import uuid

import pytest

from infra.local.demo import id_number, record_inbound_entry
from tests.integration.conftest import log_in


def new_id_card() -> str:
    return id_number(f"440305{random.randrange(1991, 2006)}0{random.randrange(1, 10)}1{random.randrange(1, 10)}"
                     f"{random.randrange(100, 999)}")


@pytest.fixture
def fed(lambdas, event, invoke):
    """A resident known only from a partner feed, which spelt the name 林测试: (person_id, id_number)."""
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import find_by_document

    number = new_id_card()
    status, body = invoke(lambdas["FeedsFunction"], event("feeds-health-events.json", body=[{
        "event_id": f"t-{uuid.uuid4().hex}", "person": {"id_type": "ID_CARD", "id_number": number, "name": "林测试"},
        "kind": "NUCLEIC_ACID", "occurred_at": "2026-11-27T08:30:00+08:00", "result": "NEGATIVE",
        "details": {"institution": "广州市第八人民医院"}}]))
    assert status == 200 and body["people_created"] == 1, body
    return find_by_document(parse_document("ID_CARD", number, None)).person_id, number


@pytest.mark.parametrize("method", ["FACE", "WECHAT_PAY"])
def test_a_verified_login_replaces_the_feeds_name(lambdas, event, invoke, fed, method):
    from healthcode.core import pii
    from healthcode.models import Person

    # GIVEN a person the feed named 林测试 WHEN they log in, verified, as 林大伟
    person_id, number = fed
    assert log_in(lambdas, number, "林大伟", method=method)["person_id"] == person_id

    # THEN the stored name is the verified one, encrypted and masked
    person = Person.get(person_id)
    assert pii.decrypt(person.name_enc) == "林大伟" and person.name_masked == "林*伟"


def test_the_code_page_shows_the_verified_name(lambdas, event, invoke, fed):
    # GIVEN a fed person logged in under their verified name WHEN they show their code THEN it carries that name
    person_id, number = fed
    log_in(lambdas, number, "林大伟")
    status, code = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=person_id))
    assert status == 200 and code["name_masked"] == "林*伟"


def test_the_same_name_writes_nothing(lambdas, event, invoke, fed):
    from healthcode.models import Person

    # GIVEN a fed person whose feed name is their verified name
    person_id, number = fed
    before = Person.get(person_id)

    # WHEN they log in under that name THEN the person item is untouched (same version, same ciphertext)
    log_in(lambdas, number, "林测试")
    after = Person.get(person_id)
    assert (after.version, after.name_enc, after.name_masked) == (before.version, before.name_enc, before.name_masked)


def test_a_permit_holder_known_from_an_entry_record_takes_the_verified_name(lambdas, event, invoke, aws):
    from healthcode.core import pii
    from healthcode.models import Person

    # GIVEN an HK/Macau permit holder created by an entry record under the Latin name on the permit
    number = f"H{random.randrange(10**7, 10**8)}"
    traveller = record_inbound_entry("HK_MACAU_PERMIT", number, "CHAN TAI MAN", "HK", issue_count="01")

    # WHEN they log in to the WeChat version, verified by face, as 陈大文
    log_in(lambdas, number, "陈大文", id_type="HK_MACAU_PERMIT", issue_count="01")

    # THEN they are a resident under the verified name
    person = Person.get(traveller.person_id)
    assert person.kind == "RESIDENT" and pii.decrypt(person.name_enc) == "陈大文" and person.name_masked == "陈*文"
