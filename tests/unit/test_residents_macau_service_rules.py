"""The Macau health code service behind MACAU_PROVIDER: local signing by default, the HTTP adapter's contract."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from healthcode.core import clock, errors
from healthcode.core.config import get_config
from healthcode.core.errors import ServiceUnavailable
from healthcode.models import Person
from healthcode.residents import macau

if TYPE_CHECKING:
    from conftest import FakeIdentityService

MOMENT = datetime(2026, 11, 27, 20, 30, tzinfo=clock.SHANGHAI)
DECLARED = {"entry_port": "GONGBEI", "temperature_c": 36.5, "symptoms": [], "contact_with_case": False,
            "visited_risk_area": False, "returned_from_abroad": False}
SECRETS = {"enc:name": "陈大文", "enc:id": "440305199003074568"}


@pytest.fixture
def holder(monkeypatch: pytest.MonkeyPatch) -> Person:
    monkeypatch.setattr("healthcode.residents.macau.pii.decrypt", lambda envelope: SECRETS[envelope])
    return Person(person_id="01PERSON", color="GREEN", code_version=3, reasons=[], id_type="ID_CARD",
                  name_enc="enc:name", id_enc="enc:id")


def service_for(fake: FakeIdentityService, timeout: float = 1.0) -> macau.HttpMacauCodeService:
    return macau.HttpMacauCodeService(fake.url + "/", timeout=timeout)


def test_local_signing_is_the_default_and_http_is_chosen_by_configuration(monkeypatch: pytest.MonkeyPatch):
    macau.get_macau_code_service.cache_clear()
    monkeypatch.delenv("MACAU_PROVIDER", raising=False)
    get_config.cache_clear()
    assert isinstance(macau.get_macau_code_service(), macau.LocalMacauCodeService)
    macau.get_macau_code_service.cache_clear()
    monkeypatch.setenv("MACAU_PROVIDER", "http")
    monkeypatch.setenv("MACAU_PROVIDER_URL", "http://127.0.0.1:1")
    get_config.cache_clear()  # config is read once; the test changed the environment
    assert isinstance(macau.get_macau_code_service(), macau.HttpMacauCodeService)
    macau.get_macau_code_service.cache_clear()


def test_the_local_service_signs_a_type_m_code_for_24_hours(holder: Person, keyring, monkeypatch):
    from healthcode.codes.tokens import CodeType

    monkeypatch.setattr("healthcode.residents.macau.get_keyring", lambda: keyring)
    issued = macau.LocalMacauCodeService().issue(holder, DECLARED, None, MOMENT)
    claims = keyring.verify(issued.qr, {CodeType.MACAU})
    assert (claims.subject, claims.version, issued.valid_until) == ("01PERSON", 3, MOMENT + timedelta(hours=24))


def test_the_request_follows_the_contract(holder: Person, fake_identity_service: FakeIdentityService):
    # GIVEN a service that issues a code WHEN a green person with a clean declaration applies
    fake_identity_service.answer(201, {"qr": "MO-123", "valid_until": "2026-11-28T20:30:00+08:00"})
    service_for(fake_identity_service).issue(holder, DECLARED, {"date": "2026-11-26"}, MOMENT)

    # THEN one POST carries the identity Macau checks at the border, the colour, the test date and the declaration
    assert fake_identity_service.requests == [{
        "method": "POST", "path": "/v1/macau-codes", "content_type": "application/json",
        "json": {"reference": "01PERSON", "name": "陈大文",
                 "document": {"type": "ID_CARD", "number": "440305199003074568"}, "guangdong_code": "GREEN",
                 "latest_negative_test": "2026-11-26", "applied_at": "2026-11-27T20:30:00.000+08:00",
                 "declaration": DECLARED}}]


def test_the_code_and_validity_of_the_answer_are_returned(holder: Person, fake_identity_service: FakeIdentityService):
    fake_identity_service.answer(200, {"qr": "MO-123", "valid_until": "2026-11-28T12:30:00+00:00"})
    issued = service_for(fake_identity_service).issue(holder, DECLARED, None, MOMENT)
    assert issued.qr == "MO-123" and issued.valid_until == datetime(2026, 11, 28, 20, 30, tzinfo=clock.SHANGHAI)
    assert issued.valid_until.utcoffset() == timedelta(hours=8)


def test_a_refusal_is_a_conflict_with_the_services_reason(holder: Person, fake_identity_service: FakeIdentityService):
    fake_identity_service.answer(409, {"reason": "持有人不符合通关条件"})
    with pytest.raises(errors.MacauRefused) as refused:
        service_for(fake_identity_service).issue(holder, DECLARED, None, MOMENT)
    assert refused.value.status == 409 and refused.value.details == {"reason": "持有人不符合通关条件"}


@pytest.mark.parametrize(("status", "payload"), [
    (500, {"error": "down"}), (503, b""), (400, {"error": "bad"}), (404, {}), (200, b"not json"), (200, []),
    (200, {"qr": "MO-1"}), (200, {"valid_until": "2026-11-28T20:30:00+08:00"}),
    (200, {"qr": "", "valid_until": "2026-11-28T20:30:00+08:00"}),
    (200, {"qr": 12, "valid_until": "2026-11-28T20:30:00+08:00"}),
    (200, {"qr": "MO-1", "valid_until": "tomorrow"}),
    (200, {"qr": "MO-1", "valid_until": "2026-11-28T20:30:00"}),
    (200, {"qr": "MO-1", "valid_until": "2026-11-27T20:00:00+08:00"}),
    (200, {"qr": "MO-1", "valid_until": "2026-12-27T20:00:00+08:00"}),
    (200, {"qr": "x" * 2049, "valid_until": "2026-11-28T20:30:00+08:00"}),
])
def test_failures_and_garbled_answers_are_upstream_unavailable(holder: Person,
                                                               fake_identity_service: FakeIdentityService,
                                                               status, payload):
    fake_identity_service.answer(status, payload)
    with pytest.raises(ServiceUnavailable):
        service_for(fake_identity_service).issue(holder, DECLARED, None, MOMENT)


def test_a_stalled_service_times_out_as_upstream_unavailable(holder: Person,
                                                             fake_identity_service: FakeIdentityService):
    fake_identity_service.mode = "stall"
    with pytest.raises(ServiceUnavailable):
        service_for(fake_identity_service, timeout=0.2).issue(holder, DECLARED, None, MOMENT)


def test_a_hang_up_is_upstream_unavailable(holder: Person, fake_identity_service: FakeIdentityService):
    fake_identity_service.mode = "hang up"
    with pytest.raises(ServiceUnavailable):
        service_for(fake_identity_service).issue(holder, DECLARED, None, MOMENT)
