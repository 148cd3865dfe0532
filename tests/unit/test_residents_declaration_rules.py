"""The rules of a health declaration's content: temperature, symptoms, answers, fever; no AWS."""

from __future__ import annotations

from decimal import Decimal

import pytest
from healthcode.core import errors
from healthcode.core.errors import ValidationFailed
from healthcode.residents import declarations


@pytest.mark.parametrize(("given", "kept"), [
    (35.0, Decimal("35.0")), (36.6, Decimal("36.6")), (37, Decimal("37.0")), (42.0, Decimal("42.0")),
    ("36.60", Decimal("36.6")), (None, None),
])
def test_a_temperature_in_range_with_one_decimal_is_kept(given, kept):
    assert declarations.temperature(given) == kept


@pytest.mark.parametrize("given", [34.9, 42.1, -1, 0, 100, 36.55, 36.01, True, False, "warm", float("nan"),
                                   float("inf"), 1e400])
def test_any_other_temperature_is_refused_naming_the_field(given):
    with pytest.raises(ValidationFailed) as caught:
        declarations.temperature(given)
    assert caught.value.field == "temperature_c" and caught.value.status == 400


def test_symptoms_come_from_the_fixed_list_each_once_in_order():
    assert declarations.symptoms(["cough", "fever", "cough"]) == ["cough", "fever"]
    assert declarations.symptoms([]) == []


@pytest.mark.parametrize(("given", "field"), [(["headache"], "symptoms.0"), (["fever", "FEVER"], "symptoms.1"),
                                              (["none"], "symptoms.0")])
def test_an_unknown_symptom_is_refused_naming_its_position(given, field):
    with pytest.raises(ValidationFailed) as caught:
        declarations.symptoms(given)
    assert caught.value.field == field


def test_every_symptom_and_type_has_a_chinese_label():
    assert set(declarations.SYMPTOM_LABELS) == set(declarations.Symptom)
    assert set(declarations.TYPE_LABELS) == set(declarations.DeclarationType)
    assert all(label and not label.isascii() for label in declarations.SYMPTOM_LABELS.values())


def test_answers_keep_yes_no_and_trimmed_short_texts():
    assert declarations.answers({"contact_with_case": False, "current_city": " 广州市 "}) == {
        "contact_with_case": False, "current_city": "广州市"}


@pytest.mark.parametrize(("given", "field"), [
    ({f"q{i}": True for i in range(21)}, "answers"),
    ({"Q1": True}, "answers.Q1"),
    ({"1q": True}, "answers.1q"),
    ({"q" * 41: True}, "answers." + "q" * 41),
    ({"age": 7}, "answers.age"),
    ({"note": None}, "answers.note"),
    ({"note": ["a"]}, "answers.note"),
    ({"note": "x" * 201}, "answers.note"),
    (["q"], "answers"),
])
def test_bad_answers_are_refused_naming_the_answer(given, field):
    with pytest.raises(ValidationFailed) as caught:
        declarations.answers(given)
    assert caught.value.field == field


@pytest.mark.parametrize(("reading", "chosen", "fever"), [
    (Decimal("37.3"), [], True), (Decimal("37.2"), [], False), (None, ["fever"], True), (None, ["cough"], False),
    (Decimal("36.5"), ["fever"], True),
])
def test_fever_is_a_reading_from_37_3_or_the_fever_symptom(reading, chosen, fever):
    assert declarations.is_fever(reading, chosen) is fever


def test_inbound_travellers_are_refused_before_anything_is_read():
    # GIVEN a caller with the inbound role WHEN they declare THEN 403 without touching a table
    with pytest.raises(errors.InboundNoDeclaration) as caught:
        declarations.declare("p", "p", {"inbound"}, declarations.NewDeclaration(declarations.DeclarationType.PERSONAL))
    assert caught.value.status == 403 and caught.value.code == "INBOUND_NO_DECLARATION"


def test_an_org_member_declaration_without_an_organization_is_refused_before_anything_is_read():
    with pytest.raises(ValidationFailed) as caught:
        declarations.declare("p", "p", {"resident"},
                             declarations.NewDeclaration(declarations.DeclarationType.ORG_MEMBER, place_id="  "))
    assert caught.value.field == "place_id"
