"""The Macau health code through its handler: a green code converts for 24 hours, a red one does not."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from infra.local.demo import id_number


def declaration(**changes):
    body = {"entry_port": "GONGBEI", "temperature_c": 36.5, "symptoms": [], "contact_with_case": False,
            "visited_risk_area": False, "returned_from_abroad": False, "confirmed": True}
    body.update(changes)
    return body


@pytest.fixture
def macau(lambdas, event, invoke):
    class Macau:
        def apply(self, person_id, member=None, roles=("resident",), **changes):
            return invoke(lambdas["MacauFunction"], event(
                "macau-issue.json", person_id=person_id, roles=list(roles), body={"declaration": declaration(**changes)},
                query={"member": member} if member else {}))

        def show(self, person_id, member=None):
            return invoke(lambdas["MacauFunction"], event("macau-show.json", person_id=person_id,
                                                          query={"member": member} if member else {}))

    return Macau()


def fact(person_id, kind, days_ago, result=None, **details):
    from healthcode.core import clock
    from healthcode.models import HealthEvent

    moment = clock.now() - timedelta(days=days_ago)
    event_id = f"mc-{random.getrandbits(64):x}"
    HealthEvent(person_id=person_id, sk=f"{clock.iso(moment)}#{event_id}", event_id=event_id, kind=kind,
                occurred_at=clock.iso(moment), result=result, details=details or None, source="feed:test",
                received_at=clock.iso(clock.now())).save()
    return clock.local_date(moment).isoformat()


def set_status(person_id, color, reasons=(), bump_version=False):
    from healthcode.models import Person

    person = Person.get(person_id)
    person.color = color
    person.reasons = [{"code": code} for code in reasons]
    if bump_version:
        person.code_version = int(person.code_version) + 1
    person.save()


def test_a_green_code_converts_into_a_24_hour_macau_code_with_the_latest_negative_test(macau, resident):
    from healthcode.codes.tokens import CodeType, get_keyring
    from healthcode.core import clock

    # GIVEN a green resident with negative tests 6 and 2 days ago, and a later antibody test
    fact(resident["person_id"], "NUCLEIC_ACID", 6, "NEGATIVE", institution="旧检测机构")
    tested = fact(resident["person_id"], "NUCLEIC_ACID", 2, "NEGATIVE", institution="珠海市人民医院")
    fact(resident["person_id"], "ANTIBODY", 1, "NEGATIVE")

    # WHEN they declare, confirm and apply
    status, code = macau.apply(resident["person_id"])

    # THEN a type M code for them, valid 24 hours, carries the date of the latest negative nucleic-acid test
    assert status == 201, code
    assert code["status"] == "VALID" and code["color"] == "GREEN" and code["entry_port_label"] == "拱北口岸"
    claims = get_keyring().verify(code["qr"], {CodeType.MACAU})
    assert claims.subject == resident["person_id"] and claims.version == 1
    assert clock.parse(code["valid_until"]) - clock.parse(code["issued_at"]) == timedelta(hours=24)
    assert code["latest_negative_test"] | {"date": tested, "institution": "珠海市人民医院"} == code["latest_negative_test"]


def test_the_macau_code_is_shown_as_its_own_page(macau, resident):
    _, issued = macau.apply(resident["person_id"])
    status, shown = macau.show(resident["person_id"])
    assert status == 200 and shown == issued


def test_without_any_test_the_code_says_so(macau, resident):
    status, code = macau.apply(resident["person_id"])
    assert status == 201 and code["latest_negative_test"] is None


def test_a_red_code_does_not_convert_and_nothing_is_stored(macau, resident):
    # GIVEN a resident whose code is red as a close contact
    set_status(resident["person_id"], "RED", ["CLOSE_CONTACT"])

    # WHEN they apply THEN 409 with the reason, and no Macau code exists
    status, body = macau.apply(resident["person_id"])
    assert status == 409 and body["error"]["code"] == "RED_CODE_NOT_CONVERTIBLE"
    assert [r["label"] for r in body["error"]["details"]["reasons"]] == ["密切接触者"]
    assert macau.show(resident["person_id"])[0] == 404


@pytest.mark.parametrize(("changes", "risk"), [
    ({"temperature_c": 37.6}, "FEVER_OR_SYMPTOMS"),
    ({"symptoms": ["cough"]}, "FEVER_OR_SYMPTOMS"),
    ({"contact_with_case": True}, "CONTACT_WITH_CASE"),
    ({"visited_risk_area": True}, "VISITED_RISK_AREA"),
    ({"returned_from_abroad": True}, "RETURNED_FROM_ABROAD"),
])
def test_a_declared_risk_is_refused_and_nothing_is_stored(macau, resident, changes, risk):
    status, body = macau.apply(resident["person_id"], **changes)
    assert status == 409 and body["error"]["code"] == "DECLARED_RISK"
    assert [r["code"] for r in body["error"]["details"]["reasons"]] == [risk]
    assert macau.show(resident["person_id"])[0] == 404


@pytest.mark.parametrize(("changes", "field"), [
    ({"confirmed": False}, "declaration.confirmed"),
    ({"confirmed": None}, "declaration.confirmed"),
    ({"entry_port": "LOTUS"}, "declaration.entry_port"),
    ({"temperature_c": 43.0}, "declaration.temperature_c"),
    ({"temperature_c": 36.55}, "declaration.temperature_c"),
    ({"symptoms": ["headache"]}, "declaration.symptoms.0"),
    ({"contact_with_case": "no"}, "declaration.contact_with_case"),
    ({"visa": "yes"}, "declaration.visa"),
])
def test_bad_declarations_name_the_field_and_store_nothing(macau, resident, changes, field):
    status, body = macau.apply(resident["person_id"], **changes)
    assert status == 400 and body["error"]["field"] == field
    assert macau.show(resident["person_id"])[0] == 404


def test_a_code_turning_red_revokes_the_macau_code(macau, resident):
    macau.apply(resident["person_id"])
    set_status(resident["person_id"], "RED", ["HOME_QUARANTINE"])
    status, shown = macau.show(resident["person_id"])
    assert status == 200 and shown["status"] == "REVOKED" and shown["qr"] is None
    assert [r["code"] for r in shown["reasons"]] == ["HOME_QUARANTINE"]


def test_a_reissued_resident_code_revokes_the_macau_code(macau, resident):
    macau.apply(resident["person_id"])
    set_status(resident["person_id"], "GREEN", bump_version=True)
    assert macau.show(resident["person_id"])[1]["status"] == "REVOKED"


def test_after_24_hours_the_macau_code_is_expired(macau, resident):
    from healthcode.core import clock
    from healthcode.models import AuthItem
    from healthcode.residents import macau as domain

    macau.apply(resident["person_id"])
    item = AuthItem.get(domain.key(resident["person_id"]))
    item.data = item.data | {"valid_until": clock.iso(clock.now() - timedelta(seconds=1))}
    item.save()
    status, shown = macau.show(resident["person_id"])
    assert status == 200 and shown["status"] == "EXPIRED" and shown["qr"] is None


def test_a_new_application_replaces_the_old_code(macau, resident):
    _, first = macau.apply(resident["person_id"], entry_port="GONGBEI")
    _, second = macau.apply(resident["person_id"], entry_port="HENGQIN")
    assert macau.show(resident["person_id"])[1]["entry_port_label"] == "横琴口岸"


def test_a_guardian_applies_for_a_child_and_a_stranger_sees_nothing(macau, resident, lambdas, event, invoke):
    number = id_number(f"4401002016{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}")
    _, child = invoke(lambdas["FamilyFunction"], event("family-add.json", person_id=resident["person_id"], body={
        "relation": "CHILD", "name": "陈小明", "id_type": "ID_CARD", "id_number": number,
        "verification": {"method": "FACE", "proof": "dev-pass"}}))
    status, code = macau.apply(resident["person_id"], member=child["person_id"])
    assert status == 201 and code["person_id"] == child["person_id"] and code["name_masked"] == "陈*明"
    assert macau.show(resident["person_id"], member=child["person_id"])[1]["qr"] == code["qr"]
    _, stranger = invoke(lambdas["AuthFunction"], event("auth-login.json", body={
        "id_type": "ID_CARD", "id_number": id_number("44010019660606123"), "name": "王路人", "method": "FACE",
        "proof": "dev-pass"}))
    assert macau.show(stranger["person_id"], member=child["person_id"])[0] == 404
    assert macau.apply(stranger["person_id"], member=child["person_id"])[0] == 404


def test_inbound_travellers_get_no_macau_code(macau, resident):
    status, body = macau.apply(resident["person_id"], roles=("inbound",))
    assert status == 403 and body["error"]["code"] == "INBOUND_NO_MACAU_CODE"
