"""Elderly residents of districts newer than themselves: login, family, partner feeds and venue admin change all accept
their ID numbers (the county code names where the card was issued, not where its holder was born)."""

from __future__ import annotations

import random
import uuid

import pytest

from infra.local.demo import id_number


def elderly(region: str = "440106", year: int = 1950) -> str:
    """A card of someone born in `year` from a county whose code is younger than them (天河 1985, 光明 2018)."""
    return id_number(f"{region}{year}{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}")


@pytest.mark.parametrize(("region", "year"), [("440106", 1950), ("440117", 1936), ("440311", 1962), ("440118", 2010)])
def test_an_elderly_resident_logs_in(lambdas, event, invoke, region, year):
    # GIVEN a resident of a district whose code dates from after their birth
    number = elderly(region, year)

    # WHEN they log in with face recognition
    status, body = invoke(lambdas["AuthFunction"], event("auth-login.json", body={
        "id_type": "ID_CARD", "id_number": number, "name": "陈老伯", "method": "FACE", "proof": "dev-pass"}))

    # THEN they get a session
    assert status == 200, body
    assert body["token"] and body["person_id"]


def test_an_elderly_parent_is_added_as_a_family_member(lambdas, event, invoke, resident):
    # GIVEN a guardian and their father, a Tianhe resident born in 1950
    body = {"relation": "PARENT", "name": "陈老伯", "id_type": "ID_CARD", "id_number": elderly("440106", 1950),
            "verification": {"method": "FACE", "proof": "dev-pass"}}

    # WHEN the guardian adds him
    status, added = invoke(lambdas["FamilyFunction"], event("family-add.json", person_id=resident["person_id"],
                                                            body=body))

    # THEN he is a member
    assert status == 201, added
    assert added["person_id"]


def test_a_feed_batch_with_elderly_people_is_stored_whole(lambdas, event, invoke):
    # GIVEN a partner batch of test results, two of them of people born before their district's code existed
    from healthcode.core import clock

    numbers = [elderly("440106", 1948), elderly("440309", 1955), elderly("440305", 1990)]
    records = [{"event_id": f"t-{uuid.uuid4().hex}", "person": {"id_type": "ID_CARD", "id_number": n, "name": "林测试"},
                "kind": "NUCLEIC_ACID", "occurred_at": clock.iso(clock.now()), "result": "NEGATIVE",
                "details": {"institution": "广州市第八人民医院"}} for n in numbers]

    # WHEN it is sent
    status, body = invoke(lambdas["FeedsFunction"], event("feeds-health-events.json", body=records))

    # THEN every record is stored (none refused, the batch not dropped)
    assert status == 200, body
    assert (body["stored"], body["conflicts"]) == (3, [])
