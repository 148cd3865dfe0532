"""Macau health code rules that need no AWS: declared risks, validity and what revokes a code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from healthcode.core import clock
from healthcode.core.errors import ValidationFailed
from healthcode.models import Person
from healthcode.residents import macau


def declaration(**changes):
    values = {"entry_port": macau.Port.GONGBEI, "contact_with_case": False, "visited_risk_area": False,
              "returned_from_abroad": False, "temperature_c": 36.5, "symptoms": []}
    values.update(changes)
    return macau.MacauDeclaration(**values)


def test_a_clean_declaration_reports_no_risk():
    assert macau.declared_risks(declaration()) == []
    assert macau.declared_risks(declaration(temperature_c=None)) == []


@pytest.mark.parametrize(("changes", "risks"), [
    ({"temperature_c": 37.3}, ["FEVER_OR_SYMPTOMS"]),
    ({"symptoms": ["fatigue"]}, ["FEVER_OR_SYMPTOMS"]),
    ({"contact_with_case": True, "returned_from_abroad": True}, ["CONTACT_WITH_CASE", "RETURNED_FROM_ABROAD"]),
    ({"visited_risk_area": True}, ["VISITED_RISK_AREA"]),
])
def test_each_declared_risk_is_named(changes, risks):
    assert macau.declared_risks(declaration(**changes)) == risks
    assert all(macau.DECLARED_RISKS[r] for r in risks)


@pytest.mark.parametrize(("changes", "field"), [({"temperature_c": 34.0}, "declaration.temperature_c"),
                                                ({"symptoms": ["sneezing"]}, "declaration.symptoms.0")])
def test_a_bad_declaration_names_the_field_inside_the_declaration(changes, field):
    with pytest.raises(ValidationFailed) as caught:
        macau.declared_risks(declaration(**changes))
    assert caught.value.field == field


def test_every_zhuhai_port_has_a_chinese_label():
    assert set(macau.PORT_LABELS) == set(macau.Port)


def test_a_macau_code_is_valid_for_24_hours():
    assert macau.VALIDITY == timedelta(hours=24)


def person(color="GREEN", version=1):
    return Person(person_id="p", color=color, code_version=version, reasons=[])


def stored(valid_for=timedelta(hours=1), version=1):
    return {"valid_until": clock.iso(clock.now() + valid_for), "code_version": version}


@pytest.mark.parametrize(("holder", "data", "status"), [
    (person(), stored(), "VALID"),
    (person(), stored(valid_for=timedelta(seconds=-1)), "EXPIRED"),
    (person(color="RED"), stored(), "REVOKED"),
    (person(version=2), stored(version=1), "REVOKED"),
    (person(color="RED"), stored(valid_for=timedelta(seconds=-1)), "REVOKED"),
])
def test_a_stored_code_is_valid_until_it_expires_turns_red_or_is_reissued(holder, data, status):
    assert macau.status_of(holder, data) == status


def test_only_a_valid_code_shows_its_qr():
    shown = macau.view(person(color="RED"), "YKM1.x", stored() | {"declaration": {"entry_port": "HZMB"}})
    assert shown["qr"] is None and shown["color"] is None and shown["entry_port_label"] == "港珠澳大桥珠海公路口岸"
    assert macau.view(person(), "YKM1.x", stored())["qr"] == "YKM1.x"
