"""The health forms drawn from the catalogue the API serves (GET /v1/catalogue), not from copies in the page."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from browser_support import SLOW_MS, api_login, expect, fresh_identity, log_in

pytestmark = pytest.mark.browser


def served_with_an_extra_question(stack: Any) -> dict[str, Any]:
    catalogue = requests.get(f"{stack.base_url}/v1/catalogue", timeout=10).json()
    catalogue["questions"].insert(0, {"code": "vaccinated", "label": "是否已完成新冠疫苗接种", "kind": "yes_no",
                                      "risk": False})
    catalogue["symptoms"] = catalogue["symptoms"][:3]
    catalogue["macau"]["ports"] = catalogue["macau"]["ports"][1:]
    return catalogue


def serve(page: Any, catalogue: dict[str, Any]) -> None:
    page.route("**/v1/catalogue", lambda route: route.fulfill(status=200, content_type="application/json",
                                                             body=json.dumps(catalogue, ensure_ascii=False)))


def test_the_declaration_form_renders_the_questions_it_was_served_and_sends_their_answers(page: Any,
                                                                                          stack: Any) -> None:
    # GIVEN a catalogue with one more question and three symptoms
    catalogue = served_with_an_extra_question(stack)
    serve(page, catalogue)
    log_in(page, stack, fresh_identity("何目录", "1985"))
    # WHEN the declaration form is opened
    page.click("[data-testid=open-declare]")
    form = page.locator("#declare-form")
    # THEN it asks what it was served: the extra question, the three symptoms, the types and the text questions' words
    expect(form.locator("fieldset.question legend").first).to_have_text("是否已完成新冠疫苗接种", timeout=SLOW_MS)
    questions = [q["label"] for q in catalogue["questions"] if q["kind"] == "yes_no"]
    expect(form.locator("fieldset.question legend")).to_have_text(questions)
    expect(form.locator("[data-symptoms] .check span")).to_have_text([s["label"] for s in catalogue["symptoms"]])
    expect(form.locator("#declare-type option")).to_have_text([t["label"] for t in catalogue["declaration_types"]])
    expect(form.locator('[data-question="current_city"]')).to_have_text("目前所在城市")
    # AND the answer to the served question goes to the API under its code
    page.check("[data-testid=d-vaccinated-true]")
    with page.expect_request(lambda r: r.url.endswith("/v1/me/declarations") and r.method == "POST") as sent:
        page.click("#declare-submit")
    assert sent.value.post_data_json["answers"]["vaccinated"] is True
    expect(page.locator("#declare-done")).to_contain_text("申报成功", timeout=SLOW_MS)


def test_the_macau_form_offers_the_ports_and_questions_it_was_served(page: Any, stack: Any) -> None:
    catalogue = served_with_an_extra_question(stack)
    serve(page, catalogue)
    log_in(page, stack, fresh_identity("何澳门", "1985"))
    page.click("[data-testid=open-macau]")
    form = page.locator("#macau-form")
    expect(form).to_be_visible(timeout=SLOW_MS)
    expect(form.locator("#macau-port-select option")).to_have_text([p["label"] for p in catalogue["macau"]["ports"]])
    labels = {q["code"]: q["label"] for q in catalogue["questions"]}
    expect(form.locator("fieldset.question legend")).to_have_text([labels[c] for c in catalogue["macau"]["questions"]])


def test_without_the_network_the_form_is_drawn_from_the_catalogue_kept_on_the_phone(page: Any, stack: Any) -> None:
    # GIVEN a page that was served the catalogue once
    log_in(page, stack, fresh_identity("何离线", "1985"))
    page.wait_for_function("localStorage.getItem('ykm.catalogue') !== null", timeout=SLOW_MS)
    # WHEN the catalogue cannot be reached any more and the page is reloaded
    page.route("**/v1/catalogue", lambda route: route.abort("internetdisconnected"))
    page.reload()
    page.click("[data-testid=open-declare]", timeout=SLOW_MS)
    # THEN the form still asks the catalogue's questions
    expect(page.locator("[data-testid=d-contact_with_case-false]")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#declare-submit")).to_be_enabled()


def test_the_family_form_offers_the_relations_the_api_words(page: Any, stack: Any) -> None:
    # GIVEN GET /v1/me/family answering the relations (成员身份) with the members WHEN the family view is opened
    # THEN the form offers exactly those, in the API's words
    person = fresh_identity("何家庭", "1985")
    log_in(page, stack, person)
    relations = requests.get(f"{stack.base_url}/v1/me/family", headers=api_login(stack, person),
                             timeout=10).json()["relations"]
    page.click("[data-testid=open-family]")
    expect(page.locator("#member-relation-select option")).to_have_text([r["label"] for r in relations],
                                                                        timeout=SLOW_MS)
