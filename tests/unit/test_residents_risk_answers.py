"""The risk questions a scan summary reads are questions the declaration form asks."""

from __future__ import annotations


def test_every_risk_answer_is_a_question_of_the_form_with_a_chinese_label():
    from healthcode.models.declarations import RISK_ANSWERS
    from healthcode.residents.declarations import QUESTIONS

    assert set(RISK_ANSWERS) <= set(QUESTIONS)
    assert all(QUESTIONS[key].startswith(("14天内", "共同居住")) for key in RISK_ANSWERS)
