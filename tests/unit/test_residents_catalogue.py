"""healthcode.models.catalogue is the one list of the health forms' words: the validation, the scan summary and the
organizations' statistics all read it."""

from __future__ import annotations

from decimal import Decimal

import pytest


def test_the_validators_accept_exactly_the_catalogue():
    from healthcode.models import catalogue
    from healthcode.residents import declarations, macau

    assert [s.value for s in declarations.Symptom] == list(catalogue.SYMPTOMS)
    assert [t.value for t in declarations.DeclarationType] == list(catalogue.DECLARATION_TYPES)
    assert [p.value for p in macau.Port] == list(catalogue.MACAU_PORTS)
    assert declarations.symptoms(list(catalogue.SYMPTOMS)) == list(catalogue.SYMPTOMS)


@pytest.mark.parametrize("question", ["contact_with_case", "visited_risk_area", "returned_from_abroad",
                                      "household_unwell"])
def test_a_yes_to_a_risk_question_of_the_catalogue_counts_as_a_risk(question):
    from healthcode.models import Declaration
    from healthcode.models.catalogue import RISK_QUESTIONS
    from healthcode.places.orgs.stats import counts_of

    assert question in RISK_QUESTIONS
    declared = Declaration(person_id="p", sk="s", declaration_id="d", type="ORG_MEMBER", declared_by="p",
                           created_at="2026-01-01T08:00:00+08:00", answers={question: True},
                           temperature_c=Decimal("36.5"))
    assert counts_of(declared)["risk"] == 1


@pytest.mark.parametrize("answers", [{"current_city": "广州市"}, {"contact_with_case": False}, {"own_question": True}])
def test_answers_that_are_no_risk_of_the_catalogue_count_none(answers):
    from healthcode.models import Declaration
    from healthcode.places.orgs.stats import counts_of

    declared = Declaration(person_id="p", sk="s", declaration_id="d", type="ORG_MEMBER", declared_by="p",
                           created_at="2026-01-01T08:00:00+08:00", answers=answers)
    assert counts_of(declared)["risk"] == 0
