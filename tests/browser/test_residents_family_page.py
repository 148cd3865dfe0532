"""The resident's services on the H5 page in Chromium: the family switcher, adding a member, the records page,
the declaration form, the itinerary card and the Macau health code."""

from __future__ import annotations

import io
import json
import random
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import pytest
from browser_support import SLOW_MS, expect, fresh_identity, log_in, the_one_record

from infra.local.demo import id_number

pytestmark = pytest.mark.browser


def test_the_guardian_switches_to_the_childs_code_with_the_arrow_next_to_the_name(
    page: Any, stack: Any, qr_claims: Callable[[str], dict[str, Any]], screenshot: Callable[[str], None]
) -> None:
    # GIVEN the demo resident, who has a child and a parent
    child = next(m for m in stack.demo["residents"]["family"] if m["relation"] == "CHILD")
    log_in(page, stack, stack.demo["people"][1])

    # WHEN they open the menu next to their name and choose the child
    page.click("#member-switch")
    expect(page.locator("[data-testid=member-option]")).to_have_count(2)
    expect(page.locator("#member-menu")).to_contain_text("（子女）")
    expect(page.locator("#member-menu")).to_contain_text("（父母）")
    screenshot("family_switcher_menu.png")
    page.click(f"[data-testid=member-option][data-person-id='{child['person_id']}']")

    # THEN the child's code is shown, with the child's masked name and relation, and its display is logged
    expect(page.locator("#code-card")).to_have_attribute("data-member", child["person_id"], timeout=SLOW_MS)
    expect(page.locator("#member-relation")).to_have_text("（子女）")
    expect(page.locator("#code-color")).to_have_text("绿码")
    assert qr_claims(page.get_attribute("#code-qr", "data-qr"))["s"] == child["person_id"]
    expect(page.locator("#display-log [data-testid=display-log-item]").first).to_be_visible(timeout=SLOW_MS)
    screenshot("family_child_code.png")

    # AND switching back shows their own code again
    page.click("#member-switch")
    page.click("[data-testid=member-option-self]")
    expect(page.locator("#code-card")).to_have_attribute("data-member", "", timeout=SLOW_MS)
    page.wait_for_function(
        "id => { const qr = document.querySelector('#code-qr').dataset.qr || '';"
        " return qr && JSON.parse(atob(qr.split('.')[2].replace(/-/g, '+').replace(/_/g, '/'))).s === id; }",
        arg=stack.demo["people"][1]["person_id"], timeout=SLOW_MS)


def test_a_guardian_adds_a_parent_through_the_form_then_removes_them(
    page: Any, stack: Any, screenshot: Callable[[str], None]
) -> None:
    # GIVEN a resident with no family members
    log_in(page, stack, fresh_identity("周新人"))
    page.click("[data-testid=open-family]")
    expect(page.locator("#family-empty")).to_be_visible(timeout=SLOW_MS)

    # WHEN they add their father: first by ID match (minors only), then by face with a failed verification
    page.select_option("#member-relation-select", "PARENT")
    page.fill("#member-name", "周老伯")
    page.fill("#member-id-number", id_number(f"44010019{random.randint(40, 60)}0101{random.randint(100, 999)}"))
    page.check("[data-testid=member-method-id-match]")
    page.click("#member-submit")
    expect(page.locator('[data-error="verification.method"]')).to_contain_text("仅适用于未成年人", timeout=SLOW_MS)
    page.check("[data-testid=member-method-face]")
    page.fill("#member-proof", "wrong-proof")
    page.click("#member-submit")
    expect(page.locator('[data-error="verification"]')).to_have_text("家庭成员身份认证未通过", timeout=SLOW_MS)
    page.fill("#member-proof", "dev-pass")
    page.click("#member-submit")

    # THEN the parent is listed, masked, and offered in the switcher
    expect(page.locator("#member-form-done")).to_contain_text("周*伯（父母）", timeout=SLOW_MS)
    expect(page.locator("[data-testid=family-member]")).to_have_count(1)
    expect(page.locator("[data-testid=family-member]")).to_contain_text("绿码")
    screenshot("family_manage.png")
    page.click("[data-testid=family-show]")
    expect(page.locator("#member-relation")).to_have_text("（父母）", timeout=SLOW_MS)

    # AND removing them takes them off the list and back to one's own code
    page.click("[data-testid=open-family]")
    page.click("[data-testid=family-remove]")
    expect(page.locator("[data-testid=family-member]")).to_have_count(0, timeout=SLOW_MS)
    expect(page.locator("#family-empty")).to_be_visible()


def test_a_bad_id_number_is_shown_under_its_field(page: Any, stack: Any) -> None:
    log_in(page, stack, fresh_identity("周新人"))
    page.click("[data-testid=open-family]")
    page.fill("#member-name", "周小妹")
    page.fill("#member-id-number", "440305201503071233")
    page.click("#member-submit")
    expect(page.locator('[data-error="id_number"]')).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("[data-testid=family-member]")).to_have_count(0)


def test_the_offline_code_is_offered_for_saving(page: Any, stack: Any) -> None:
    # the card is drawn a moment after sign-up: the page asks again by itself (Retry-After) until it is there
    log_in(page, stack, fresh_identity("周新人"))
    page.click("#offline-open")
    expect(page.locator("#offline-image")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#offline-save")).to_have_attribute("download", "离线粤康码.png")


def test_the_page_asks_again_while_the_offline_code_is_being_drawn(page: Any, stack: Any) -> None:
    # GIVEN a server that answers CARD_NOT_READY (Retry-After: 1) twice before the card is there
    asked: list[str] = []

    def physical(route: Any) -> None:
        asked.append(route.request.url)
        if len(asked) <= 2:
            route.fulfill(status=404, content_type="application/json", headers={"Retry-After": "1"},
                          body=json.dumps({"error": {"code": "CARD_NOT_READY", "message": "not yet",
                                                     "message_zh": "实体粤康码正在生成，请稍后再试"}}))
        else:
            route.continue_()

    page.route("**/v1/me/code/physical*", physical)
    log_in(page, stack, fresh_identity("周新人"))

    # WHEN the resident opens 保存离线粤康码
    page.click("#offline-open")

    # THEN the page says it is being drawn, asks again by itself, and shows the card once it is there
    expect(page.locator("#offline-status")).to_contain_text("正在生成", timeout=SLOW_MS)
    expect(page.locator("#offline-image")).to_be_visible(timeout=SLOW_MS)
    assert len(asked) >= 3


def test_a_resident_declares_and_sees_the_declaration_in_the_list(
    page: Any, stack: Any, screenshot: Callable[[str], None]
) -> None:
    # GIVEN a resident on the declaration form
    log_in(page, stack, fresh_identity("周新人"))
    page.click("[data-testid=open-declare]")

    # WHEN a temperature out of range is submitted THEN the server's message is under the field
    page.fill("#declare-temperature", "45")
    page.click("#declare-submit")
    expect(page.locator('[data-error="temperature_c"]')).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("[data-testid=declaration-item]")).to_have_count(0)

    # WHEN they declare 36.6 ℃ with a cough
    page.fill("#declare-temperature", "36.6")
    page.check("[data-testid=d-symptom-cough]")
    page.fill("#declare-city", "广州市")
    page.click("#declare-submit")

    # THEN it is stored and listed as a personal declaration with the symptom
    expect(page.locator("#declare-done")).to_contain_text("申报成功", timeout=SLOW_MS)
    item = page.locator("[data-testid=declaration-item]")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("个人健康申报")
    expect(item).to_contain_text("36.6°C")
    expect(item).to_contain_text("咳嗽")
    screenshot("declaration_form.png")


def test_the_itinerary_card_lists_the_cities_after_an_sms_code(
    page: Any, stack: Any, screenshot: Callable[[str], None]
) -> None:
    import requests

    # GIVEN a demo resident whose phone has itinerary facts, logged in with that phone bound
    resident = stack.demo["people"][2]
    log_in(page, stack, resident)
    page.click("[data-testid=open-itinerary]")

    # WHEN they ask for a code, and type the one the SMS brought
    page.fill("#itinerary-phone", resident["phone"])
    page.click("#itinerary-send")
    expect(page.locator("#itinerary-sent")).to_contain_text("验证码已发送至", timeout=SLOW_MS)
    expect(page.locator("#itinerary-send")).to_be_disabled()
    messages = requests.get(f"{stack.base_url}/v1/dev/sms?phone={quote(resident['phone'])}", timeout=10).json()
    page.fill("#itinerary-code", re.search(r"\d{6}", messages["messages"][-1]["text"]).group(0))
    page.click("#itinerary-submit")

    # THEN the card shows the cities of the last 14 days
    expect(page.locator("#itinerary-card")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#itinerary-cities")).to_have_text("、".join(stack.demo["residents"]["itinerary_cities"]))
    expect(page.locator("[data-testid=itinerary-city]")).to_have_count(3)
    screenshot("itinerary_card.png")


def test_a_green_code_gets_a_macau_code_page_with_a_scannable_qr(
    page: Any, stack: Any, qr_claims: Callable[[str], dict[str, Any]], screenshot: Callable[[str], None]
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pytest.importorskip("PIL.Image")
    # GIVEN a demo resident with a green code and a negative test
    log_in(page, stack, stack.demo["people"][2])
    page.click("[data-testid=open-macau]")
    expect(page.locator("#macau-form")).to_be_visible(timeout=SLOW_MS)

    # WHEN they apply without confirming THEN they are asked to confirm
    page.click("#macau-submit")
    expect(page.locator('[data-error="declaration.confirmed"]')).to_be_visible()

    # WHEN they choose a port, confirm and apply
    page.select_option("#macau-port-select", "HZMB")
    page.check("#macau-confirm")
    page.click("#macau-submit")

    # THEN the Macau code page shows a valid green code with the port and the test date
    expect(page.locator("#macau-card")).to_have_attribute("data-status", "VALID", timeout=SLOW_MS)
    expect(page.locator("#macau-status")).to_have_text("绿码 · 有效")
    expect(page.locator("#macau-port")).to_have_text("港珠澳大桥珠海公路口岸")
    expect(page.locator("#macau-test")).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    expect(page.locator("#macau-form")).to_be_hidden()
    issued = page.get_attribute("#macau-qr", "data-qr")
    found = zxingcpp.read_barcodes(image.open(io.BytesIO(page.locator("#macau-qr").screenshot())),
                                   formats=zxingcpp.BarcodeFormat.QRCode)
    assert [barcode.text for barcode in found] == [issued]
    assert qr_claims(issued)["t"] == "M"
    screenshot("macau_code.png")


def test_a_declared_risk_shows_why_no_macau_code_is_issued(page: Any, stack: Any) -> None:
    log_in(page, stack, fresh_identity("周新人"))
    page.click("[data-testid=open-macau]")
    expect(page.locator("#macau-form")).to_be_visible(timeout=SLOW_MS)
    page.check("[data-testid='m-contact_with_case-true']")
    page.check("#macau-confirm")
    page.click("#macau-submit")
    expect(page.locator("#macau-refusal")).to_contain_text("接触过确诊", timeout=SLOW_MS)
    expect(page.locator("#macau-card")).to_be_hidden()


def test_the_records_page_renders_any_kind_with_chinese_labels(
    page: Any, stack: Any, screenshot: Callable[[str], None]
) -> None:
    # GIVEN records as GET /v1/me/records answers them ({kind, at, ...fields})
    asked: list[dict[str, list[str]]] = []

    def records(route: Any) -> None:
        query = parse_qs(urlparse(route.request.url).query)
        asked.append(query)
        kind = query["kind"][0]
        items = {"nucleic_acid": [{"kind": "nucleic_acid", "at": "2026-11-20T09:30:00.000+08:00", "result": "NEGATIVE",
                                   "institution": "广州市第一人民医院"}],
                 "inbound_entry": [{"kind": "inbound_entry", "at": "2026-11-01T10:00:00.000+08:00", "country": "新加坡",
                                    "entry_date": "2026-11-01", "port": "白云机场", "vehicle": "CZ352"}]}.get(kind, [])
        route.fulfill(status=200, content_type="application/json",
                      body=json.dumps({"items": items, "next_cursor": None}, ensure_ascii=False))

    page.route("**/v1/me/records?*", records)
    log_in(page, stack, fresh_identity("周新人"))

    # WHEN they open 我的粤康码信息
    page.click("[data-testid=open-records]")

    # THEN the nucleic-acid records show result and institution in Chinese
    item = the_one_record(page, "核酸检测记录", "阴性", "检测机构")
    screenshot("records_page.png")

    # AND another tab asks for its own kind and renders its fields
    page.click("[data-testid=records-tab-inbound_entry]")
    expect(item).to_contain_text("入境口岸", timeout=SLOW_MS)
    expect(item).to_contain_text("白云机场")
    assert [q["kind"][0] for q in asked] == ["nucleic_acid", "inbound_entry"]
    page.click("[data-testid=records-tab-antibody]")
    expect(page.locator("#records-empty")).to_be_visible(timeout=SLOW_MS)
