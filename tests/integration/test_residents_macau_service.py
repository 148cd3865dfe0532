"""The Macau handler with MACAU_PROVIDER=http: the code comes from the Macau service, a refusal stores nothing."""

from __future__ import annotations

from typing import Any

import pytest
from healthcode.core.config import get_config
from macau_support import macau_server

DECLARATION = {"entry_port": "HENGQIN", "temperature_c": 36.5, "symptoms": [], "contact_with_case": False,
               "visited_risk_area": False, "returned_from_abroad": False, "confirmed": True}


@pytest.fixture
def macau_service(monkeypatch: pytest.MonkeyPatch):
    """A Macau health code service on loopback that answers what the test sets and records what it is sent."""
    from healthcode.residents import macau

    seen: list[dict[str, Any]] = []
    reply: dict[str, Any] = {"status": 201, "body": {}}

    def answer(sent: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        seen.append(sent)
        return reply["status"], reply["body"]

    with macau_server(answer) as url:
        monkeypatch.setenv("MACAU_PROVIDER", "http")
        monkeypatch.setenv("MACAU_PROVIDER_URL", url)
        get_config.cache_clear()  # config is read once; the test changed the environment
        macau.get_macau_code_service.cache_clear()
        yield seen, reply
        macau.get_macau_code_service.cache_clear()


def apply(lambdas, event, invoke, person_id):
    return invoke(lambdas["MacauFunction"], event("macau-issue.json", person_id=person_id,
                                                  body={"declaration": DECLARATION}))


def test_the_macau_service_issues_the_code_shown_on_its_page(lambdas, event, invoke, resident, macau_service):
    from datetime import timedelta

    from healthcode.core import clock

    seen, reply = macau_service
    until = (clock.now().replace(microsecond=0) + timedelta(hours=12)).isoformat()
    reply["body"] = {"qr": "MO-HEALTH-CODE-1", "valid_until": until}

    # WHEN a green resident applies
    status, issued = apply(lambdas, event, invoke, resident["person_id"])

    # THEN the Macau service got their real name and document, and its code is the one stored and shown
    assert status == 201, issued
    assert seen[0]["name"] == "陈大文" and seen[0]["document"]["number"] == resident["id_number"]
    assert seen[0]["guangdong_code"] == "GREEN" and seen[0]["declaration"]["entry_port"] == "HENGQIN"
    assert issued["qr"] == "MO-HEALTH-CODE-1" and clock.parse(issued["valid_until"]) == clock.parse(until)
    status, page = invoke(lambdas["MacauFunction"], event("macau-show.json", person_id=resident["person_id"]))
    assert status == 200 and page["status"] == "VALID" and page["qr"] == "MO-HEALTH-CODE-1"


def test_a_refusal_by_the_macau_service_is_409_and_stores_nothing(lambdas, event, invoke, resident, macau_service):
    _, reply = macau_service
    reply["status"], reply["body"] = 409, {"reason": "不符合通关条件"}

    status, answer = apply(lambdas, event, invoke, resident["person_id"])

    assert status == 409 and answer["error"]["code"] == "MACAU_REFUSED"
    assert answer["error"]["details"] == {"reason": "不符合通关条件"}
    assert invoke(lambdas["MacauFunction"], event("macau-show.json", person_id=resident["person_id"]))[0] == 404


def test_a_red_code_is_never_sent_to_the_macau_service(lambdas, event, invoke, resident, macau_service):
    from healthcode.models import Person

    seen, _ = macau_service
    person = Person.get(resident["person_id"])
    person.color, person.reasons = "RED", [{"code": "CLOSE_CONTACT"}]
    person.save()

    status, answer = apply(lambdas, event, invoke, resident["person_id"])

    assert status == 409 and answer["error"]["code"] == "RED_CODE_NOT_CONVERTIBLE" and seen == []
