"""Join codes (场所申报码, 组织机构申报码) are not guessed without end: each person's tries, venues' and organizations'
together, count against one hourly limit (429 with Retry-After beyond it)."""

from __future__ import annotations

import orgs_support
import pytest
import venues_support


@pytest.fixture
def limit():
    from healthcode.core.ratelimit import JOIN_CODE, LIMITS

    return LIMITS[JOIN_CODE].requests


def test_a_person_guessing_venue_join_codes_is_stopped(lambdas, clock, limit):
    # GIVEN a resident trying join code after join code
    guesser = venues_support.new_person(lambdas)
    answers = [venues_support.join(lambdas, guesser, f"{code:08d}")[0] for code in range(limit + 1)]

    # THEN the limit's worth are answered (404: no such code), the next is 429
    assert answers == [404] * limit + [429]


def test_venue_and_organization_codes_share_one_limit(lambdas, clock, limit):
    # GIVEN a resident who used up the limit on venue codes, and a real organization code
    admin, guesser = venues_support.new_person(lambdas), venues_support.new_person(lambdas)
    org = orgs_support.create_org(lambdas, admin)
    for code in range(limit):
        venues_support.join(lambdas, guesser, f"{code:08d}")

    # WHEN they try the organization's code THEN it is 429 too, and they are not bound
    status, body = orgs_support.join(lambdas, guesser, org["join_code"])
    assert status == 429, body


def test_the_limit_is_per_person(lambdas, clock, limit):
    # GIVEN one resident who used up the limit WHEN another joins a real venue THEN that one is bound
    admin, guesser, inspector = (venues_support.new_person(lambdas) for _ in range(3))
    venue = venues_support.create_venue(lambdas, admin)
    for code in range(limit + 1):
        venues_support.join(lambdas, guesser, f"{code:08d}")
    assert venues_support.join(lambdas, inspector, venue["join_code"])[0] == 201
