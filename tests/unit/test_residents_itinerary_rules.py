"""Itinerary card rules (period, one line per city) and the telecom HTTP adapter against a local fake service."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from healthcode.core.config import get_config
from healthcode.core.errors import ServiceUnavailable
from healthcode.residents.itinerary import (
    CityVisit,
    FeedItineraryProvider,
    HttpItineraryProvider,
    get_itinerary_provider,
    latest_per_city,
    period,
)

if TYPE_CHECKING:
    from conftest import FakeIdentityService

TODAY = date(2026, 11, 27)
FIRST, LAST = period(TODAY)


def test_the_period_is_the_14_days_ending_today():
    assert (FIRST, LAST) == (date(2026, 11, 14), TODAY)
    assert (LAST - FIRST).days + 1 == 14


def test_each_city_appears_once_with_its_latest_day_newest_first():
    visits = [CityVisit(date(2026, 11, 20), "广州市"), CityVisit(date(2026, 11, 25), "广州市"),
              CityVisit(date(2026, 11, 22), "深圳市"), CityVisit(date(2026, 11, 25), "东莞市")]
    assert latest_per_city(visits, FIRST, LAST) == [
        CityVisit(date(2026, 11, 25), "东莞市"), CityVisit(date(2026, 11, 25), "广州市"),
        CityVisit(date(2026, 11, 22), "深圳市")]


@pytest.mark.parametrize("day", [date(2026, 11, 13), date(2026, 11, 28)])
def test_days_outside_the_period_are_left_out(day):
    assert latest_per_city([CityVisit(day, "北京市")], FIRST, LAST) == []


def test_the_first_and_last_day_are_inside():
    visits = [CityVisit(FIRST, "珠海市"), CityVisit(LAST, "中山市")]
    assert {v.city for v in latest_per_city(visits, FIRST, LAST)} == {"珠海市", "中山市"}


def test_the_feeds_provider_is_the_default_and_http_is_chosen_by_configuration(monkeypatch):
    get_itinerary_provider.cache_clear()
    monkeypatch.delenv("ITINERARY_PROVIDER", raising=False)
    get_config.cache_clear()  # config is read once; the test changed the environment
    assert isinstance(get_itinerary_provider(), FeedItineraryProvider)
    get_itinerary_provider.cache_clear()
    monkeypatch.setenv("ITINERARY_PROVIDER", "http")
    monkeypatch.setenv("ITINERARY_PROVIDER_URL", "http://telecom.example")
    get_config.cache_clear()  # config is read once; the test changed the environment
    provider = get_itinerary_provider()
    assert isinstance(provider, HttpItineraryProvider) and provider.base_url == "http://telecom.example"
    get_itinerary_provider.cache_clear()


# --- the telecom HTTP adapter ---------------------------------------------------------------------------------


def provider_for(fake: FakeIdentityService) -> HttpItineraryProvider:
    return HttpItineraryProvider(fake.url + "/", timeout=1.0)


def test_the_request_follows_the_contract(fake_identity_service: FakeIdentityService):
    fake_identity_service.answer(200, {"cities": []})
    provider_for(fake_identity_service).cities("+8613912345678", FIRST, LAST)
    assert fake_identity_service.requests == [{
        "method": "POST", "path": "/v1/itinerary", "content_type": "application/json",
        "json": {"phone": "+8613912345678", "from": "2026-11-14", "to": "2026-11-27"}}]


def test_the_cities_of_the_answer_are_returned(fake_identity_service: FakeIdentityService):
    fake_identity_service.answer(200, {"cities": [{"city": "广州市", "date": "2026-11-20"},
                                                  {"city": " 深圳市 ", "date": "2026-11-21"}]})
    assert provider_for(fake_identity_service).cities("+8613912345678", FIRST, LAST) == [
        CityVisit(date(2026, 11, 20), "广州市"), CityVisit(date(2026, 11, 21), "深圳市")]


def test_no_record_for_the_phone_is_no_cities(fake_identity_service: FakeIdentityService):
    fake_identity_service.answer(404, {"error": "unknown phone"})
    assert provider_for(fake_identity_service).cities("+8613912345678", FIRST, LAST) == []


@pytest.mark.parametrize(("status", "payload"), [
    (500, {"error": "down"}), (503, b""), (400, {"error": "bad"}), (200, b"not json"), (200, []),
    (200, {"cities": "广州市"}), (200, {"cities": [{"city": "广州市"}]}), (200, {"cities": [{"date": "2026-11-20"}]}),
    (200, {"cities": [{"city": "广州市", "date": "yesterday"}]}), (200, {"cities": ["广州市"]}),
    (200, {"cities": [{"city": "", "date": "2026-11-20"}]}),
])
def test_failures_and_garbled_answers_are_upstream_unavailable(fake_identity_service: FakeIdentityService, status,
                                                               payload):
    fake_identity_service.answer(status, payload)
    with pytest.raises(ServiceUnavailable):
        provider_for(fake_identity_service).cities("+8613912345678", FIRST, LAST)


def test_a_hang_up_is_upstream_unavailable(fake_identity_service: FakeIdentityService):
    fake_identity_service.mode = "hang up"
    with pytest.raises(ServiceUnavailable):
        provider_for(fake_identity_service).cities("+8613912345678", FIRST, LAST)


def test_a_stalled_service_times_out_as_upstream_unavailable(fake_identity_service: FakeIdentityService):
    fake_identity_service.mode = "stall"
    provider = HttpItineraryProvider(fake_identity_service.url, timeout=0.2)
    with pytest.raises(ServiceUnavailable):
        provider.cities("+8613912345678", FIRST, LAST)


def test_an_unreachable_service_is_upstream_unavailable():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ServiceUnavailable):
        HttpItineraryProvider(f"http://127.0.0.1:{port}", timeout=0.5).cities("+8613912345678", FIRST, LAST)
