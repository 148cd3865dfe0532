"""The declaration form for an organization member, and declarations on the records page, in Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import SLOW_MS, expect, fresh_identity, log_in, the_one_record

pytestmark = pytest.mark.browser


def test_an_org_member_binds_with_the_join_code_then_chooses_the_organization(page: Any, stack: Any) -> None:
    # GIVEN a resident bound to no organization, on the declaration form for organization members
    log_in(page, stack, fresh_identity("吴申报", "1987"))
    page.click("[data-testid=open-declare]")
    page.select_option("#declare-type", "ORG_MEMBER")
    expect(page.locator("#declare-place-none")).to_be_visible(timeout=SLOW_MS)

    # WHEN they enter the organization's join code (组织机构申报码) and bind
    page.fill("#declare-join-code", stack.demo["org"]["join_code"])
    page.click("#declare-join")

    # THEN the organization is offered by name and chosen, and the declaration goes to it
    expect(page.locator("#declare-done")).to_contain_text(stack.demo["org"]["name"], timeout=SLOW_MS)
    expect(page.locator("#declare-place")).to_have_value(stack.demo["org"]["place_id"])
    page.fill("#declare-temperature", "36.5")
    page.click("#declare-submit")
    expect(page.locator("#declare-done")).to_contain_text("申报成功", timeout=SLOW_MS)
    expect(page.locator("[data-testid=declaration-item]").first).to_contain_text("组织机构成员健康申报")


def test_a_wrong_join_code_is_shown_under_its_field(page: Any, stack: Any) -> None:
    log_in(page, stack, fresh_identity("吴申报", "1987"))
    page.click("[data-testid=open-declare]")
    page.select_option("#declare-type", "ORG_MEMBER")
    page.fill("#declare-join-code", "NOSUCHCODE")
    page.click("#declare-join")
    expect(page.locator('[data-error="join_code"]')).to_be_visible(timeout=SLOW_MS)


def test_the_records_page_shows_a_declarations_type_symptoms_and_questions_in_chinese(page: Any, stack: Any) -> None:
    # GIVEN a resident who declared a cough and a yes to contact with a case
    log_in(page, stack, fresh_identity("吴申报", "1987"))
    page.click("[data-testid=open-declare]")
    page.select_option("#declare-type", "SELF_CHECK")
    page.check("[data-testid=d-symptom-cough]")
    page.check("[data-testid=d-contact_with_case-true]")
    page.click("#declare-submit")
    expect(page.locator("#declare-done")).to_contain_text("申报成功", timeout=SLOW_MS)

    # WHEN they open 我的粤康码信息 → 健康申报记录
    page.click("#declare-view [data-back]")
    page.click("[data-testid=open-records]")
    page.click("[data-testid=records-tab-declaration]")

    # THEN the record shows the type, the symptom and the question as the form asked them, in Chinese
    item = the_one_record(page, "个人自查申报", "咳嗽", "14天内是否接触过新冠肺炎确诊、疑似病例或无症状感染者：是")
    expect(item).not_to_contain_text("contact_with_case")


def test_the_code_page_shows_the_latest_nucleic_acid_result_of_whoever_is_shown(page: Any, stack: Any) -> None:
    # GIVEN the demo guardian, who had a negative test yesterday, and their child, who has none
    guardian = stack.demo["people"][1]
    child = next(m for m in stack.demo["residents"]["family"] if m["relation"] == "CHILD")
    log_in(page, stack, guardian)

    # THEN the code page shows the guardian's latest result under the code (FAQ 11)
    expect(page.locator("#code-test")).to_contain_text("最近一次核酸检测：阴性", timeout=SLOW_MS)
    expect(page.locator("#code-test")).to_contain_text("广州市第一人民医院")

    # AND switching to the child shows the child's (none)
    page.click("#member-switch")
    page.click(f"[data-testid=member-option][data-person-id='{child['person_id']}']")
    expect(page.locator("#code-test")).to_have_text("暂无核酸检测记录", timeout=SLOW_MS)
