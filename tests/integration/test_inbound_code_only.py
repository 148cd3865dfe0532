"""FAQ (二) 1: the inbound travellers' code only shows the code. Outside the code, records, display log and
companions, an inbound session is refused (403 INBOUND_CODE_ONLY) and nothing is written: no venue of its own,
no inspector binding (a real-name check never opens a grant), no quick check-in (葵花码 is the WeChat version's),
no printed black code (实体粤康码, the WeChat version's family feature).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from infra.local.demo import record_inbound_entry
from tests.integration.conftest import call, sample_event
from tests.integration.venues_support import VENUE, create_venue, new_person


@pytest.fixture
def traveller(aws) -> str:
    return record_inbound_entry("PASSPORT", f"Q{random.randrange(10**9, 10**10)}", "SMITH JOHN PAUL", "US").person_id


@pytest.fixture
def venue(lambdas) -> dict[str, Any]:
    return create_venue(lambdas, new_person(lambdas))


def as_traveller(lambdas, traveller: str, function: str, sample: str, **changes: Any) -> tuple[int, Any]:
    return call(lambdas[function], sample_event(sample, person_id=traveller, roles=["inbound"], **changes))


def quick_code(place_id: str) -> str:
    from healthcode.codes.tokens import CodeType, get_keyring

    return get_keyring().sign(CodeType.QUICK_CHECKIN, place_id, 1, 0)


def assert_refused(status: int, body: Any) -> None:
    assert status == 403, body
    assert body["error"]["code"] == "INBOUND_CODE_ONLY"
    assert body["error"]["message_zh"] == "入境人员粤康码目前暂时只有亮码功能"


def test_a_traveller_cannot_create_a_venue(lambdas, traveller):
    from healthcode.models import Place

    # GIVEN an inbound session WHEN it creates a venue THEN refused, and the traveller administers nothing
    assert_refused(*as_traveller(lambdas, traveller, "VenuesFunction", "venues-create.json", body=VENUE))
    assert list(Place.by_admin.query(traveller)) == []


def test_a_traveller_cannot_become_an_inspector(lambdas, traveller, venue):
    from healthcode.models import Relation

    # GIVEN a venue's join code WHEN an inbound session uses it THEN refused, and no binding exists
    assert_refused(*as_traveller(lambdas, traveller, "VenuesFunction", "venues-join.json",
                                 body={"join_code": venue["join_code"]}))
    assert list(Relation.query(traveller)) == []


def test_a_traveller_cannot_quick_check_in(lambdas, traveller, venue):
    from healthcode.models import Check

    # GIVEN a venue's quick check-in code WHEN an inbound session checks in with it THEN refused, nothing stored
    assert_refused(*as_traveller(lambdas, traveller, "VenueChecksFunction", "venues-quick-checkin.json",
                                 body={"qr": quick_code(venue["place_id"])}))
    assert list(Check.by_person.query(traveller)) == []


def test_a_traveller_gets_no_printed_black_code(lambdas, traveller):
    assert_refused(*as_traveller(lambdas, traveller, "PrintedCodesFunction", "printed-codes-physical.json"))


def test_a_traveller_cannot_reissue_a_printed_code(lambdas, traveller):
    from healthcode.models import Person

    # GIVEN an inbound session WHEN it asks for a re-issue THEN refused, and the code version is unchanged
    before = int(Person.get(traveller).code_version)
    assert_refused(*as_traveller(lambdas, traveller, "PrintedCodesFunction", "printed-codes-reissue.json"))
    assert int(Person.get(traveller).code_version) == before


def test_a_resident_still_creates_a_venue(lambdas):
    # GIVEN a resident session WHEN it creates a venue THEN it is created as before (the refusal is inbound-only)
    assert create_venue(lambdas, new_person(lambdas))["place_id"]


def test_a_venue_cannot_be_offered_to_a_traveller(lambdas, traveller, venue):
    from healthcode.core.pii import decrypt
    from healthcode.models import AuthItem, Person, Place

    # GIVEN a venue admin who names an inbound traveller (name and passport) as successor
    person = Person.get(traveller)
    admin = Place.get(venue["place_id"]).admin_id
    status, body = call(lambdas["VenuesFunction"], sample_event(
        "venues-mine.json", person_id=admin, method="POST", body={
            "name": decrypt(person.name_enc), "id_type": "PASSPORT", "id_number": decrypt(person.id_enc)},
        path=(f"/v1/venues/{venue['place_id']}/admin-transfer", "/v1/venues/{id}/admin-transfer",
              {"id": venue["place_id"]})))

    # THEN 400 on id_type, and no offer is stored
    assert status == 400 and body["error"]["field"] == "id_type", body
    assert not [item for item in AuthItem.scan() if isinstance(item.data, dict) and item.data.get("to") == traveller]


def test_a_traveller_cannot_accept_a_venue(lambdas, traveller):
    # GIVEN any transfer token WHEN an inbound session accepts it THEN refused before the token is even read
    token = "t" * 32
    assert_refused(*as_traveller(lambdas, traveller, "VenuesFunction", "venues-mine.json", method="POST",
                                 path=(f"/v1/venues/admin-transfer/{token}/accept",
                                       "/v1/venues/admin-transfer/{token}/accept", {"token": token})))
