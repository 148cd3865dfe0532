"""The inbound travellers' H5 page (web/inbound.html) in Chromium: apply, code, companions, switch, return visit,
in Chinese and in English."""

from __future__ import annotations

import io
import random
import re
from typing import Any

import pytest
import requests
from browser_support import SLOW_MS, expect, fill_inbound_apply

pytestmark = pytest.mark.browser

TIMEOUT = 15


@pytest.fixture(scope="module")
def travellers(stack: Any) -> dict[str, dict[str, Any]]:
    inbound = {t["doc_number"]: t for t in (getattr(stack, "demo", None) or {}).get("inbound", [])}
    if not inbound:
        pytest.skip("the local stack seeds no inbound travellers")
    return {"john": inbound["K12345678"], "emma": inbound["K12345679"], "meihua": inbound["01234567"]}


def new_phone() -> str:
    return f"137{random.randrange(10**8):08d}"


def open_page(page: Any, stack: Any, query: str = "") -> None:
    page.goto(f"{stack.base_url.rstrip('/')}/inbound.html{query}")
    page.wait_for_selector("html[data-ready=true]")


def without_companion(stack: Any, traveller: dict[str, Any], companion: dict[str, Any]) -> None:
    """Start from a traveller without this companion, whatever another test on this stack added."""
    applied = requests.post(f"{stack.base_url}/v1/inbound/apply", timeout=TIMEOUT, json={
        "name": traveller["name"], "country": traveller["country"], "doc_type": traveller["doc_type"],
        "doc_number": traveller["doc_number"], "phone": "+86" + new_phone()})
    headers = {"Authorization": f"Bearer {applied.json()['token']}"}
    requests.delete(f"{stack.base_url}/v1/me/companions/{companion['person_id']}", headers=headers, timeout=TIMEOUT)


def test_traveller_applies_adds_a_companion_and_switches_in_both_languages(
    page, stack, travellers, qr_claims, screenshot
):
    john, emma = travellers["john"], travellers["emma"]
    without_companion(stack, john, emma)

    # GIVEN the inbound page in Chinese, on first use
    open_page(page, stack)
    expect(page.locator("#apply-view")).to_be_visible()
    expect(page.locator("#apply-heading")).to_have_text("基本信息")

    # WHEN John applies, typing his name in lower case with the given names first
    fill_inbound_apply(page, john, new_phone(), "john paul smith")

    # THEN his green inbound code is drawn, and the SMS link is announced
    page.wait_for_selector("#code-qr[data-qr]", timeout=SLOW_MS)
    expect(page.locator("#code-color")).to_have_text("绿码")
    expect(page.locator("#code-type")).to_have_text("入境人员粤康码")
    expect(page.locator("#code-holder")).to_have_text("本人")
    expect(page.locator("#page-notice")).to_contain_text("短信")
    assert qr_claims(page.get_attribute("#code-qr", "data-qr"))["s"] == john["person_id"]

    # WHEN he adds his companion under 我的同行人员信息
    page.click("#companions-open")
    page.fill("#companion-name", "Emma Smith")
    page.fill("#companion-doc-number", emma["doc_number"])
    page.click("#companion-submit")

    # THEN she is listed under her name as on the passport
    item = page.locator(f"[data-testid=companion-item][data-person-id='{emma['person_id']}']")
    expect(item).to_contain_text("SMITH EMMA", timeout=SLOW_MS)

    # WHEN he switches to her with 切换同行人
    page.click("#switch-open")
    page.click(f"[data-testid=switch-option][data-person-id='{emma['person_id']}']")

    # THEN her code is shown
    expect(page.locator("#code-holder")).to_have_text("SMITH EMMA")
    page.wait_for_function("document.querySelector('#code-qr').dataset.qr", timeout=SLOW_MS)
    assert qr_claims(page.get_attribute("#code-qr", "data-qr"))["s"] == emma["person_id"]

    # WHEN the language is switched to English THEN every text follows, the code stays hers
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#switch-open")).to_have_text("Switch companion")
    expect(page.locator("#code-type")).to_have_text("Inbound traveller's code")
    expect(page.locator("#code-color")).to_have_text("Green")
    expect(page.locator("#companions-open")).to_have_text("My companions")
    expect(page.locator("#code-holder")).to_have_text("SMITH EMMA")

    # AND the QR on screen scans back to her code
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pytest.importorskip("PIL.Image")
    found = zxingcpp.read_barcodes(image.open(io.BytesIO(page.locator("#code-qr").screenshot())),
                                   formats=zxingcpp.BarcodeFormat.QRCode)
    assert [barcode.text for barcode in found] == [page.get_attribute("#code-qr", "data-qr")]

    # WHEN he switches back to himself THEN his own code returns
    page.click("#switch-open")
    page.click(f"[data-testid=switch-option][data-person-id='{john['person_id']}']")
    expect(page.locator("#code-holder")).to_have_text("Myself")
    page.wait_for_function(f"(document.querySelector('#code-qr').dataset.qr || '').length > 0 && "
                           f"document.querySelector('#code-qr').dataset.personId === '{john['person_id']}'",
                           timeout=SLOW_MS)

    screenshot("inbound_page_code_en.png")


def test_a_wrong_name_shows_the_guides_message_in_the_chosen_language(page, stack, travellers):
    # GIVEN the page switched to English
    open_page(page, stack)
    page.click("#lang-toggle")
    expect(page.locator("#apply-heading")).to_have_text("Basic information")

    # WHEN a name that is not on the passport is typed
    fill_inbound_apply(page, travellers["john"], new_phone(), "JOHN SMITH PAUL")

    # THEN the server's English message shows under the name, with the FAQ's tips
    expect(page.locator("#apply-error-name")).to_have_text("Full name unmatched with passport information(1590640002)",
                                                           timeout=SLOW_MS)
    expect(page.locator("#name-tips")).to_be_visible()
    expect(page.locator("#name-tips")).to_contain_text("try given names first")

    # WHEN the language is switched back THEN the same error reads in Chinese
    page.click("#lang-toggle")
    expect(page.locator("#apply-error-name")).to_have_text("姓名和证件不配(1590640002)")
    expect(page.locator("#name-tips")).to_contain_text("先姓后名")
    expect(page.locator("#code-view")).to_be_hidden()


def test_a_traveller_comes_back_with_captcha_and_sms_code(page, stack, travellers, qr_claims):
    meihua, phone = travellers["meihua"], new_phone()
    # GIVEN a traveller who applied with her phone earlier
    applied = requests.post(f"{stack.base_url}/v1/inbound/apply", timeout=TIMEOUT, json={
        "name": meihua["name"], "country": meihua["country"], "doc_type": meihua["doc_type"],
        "doc_number": meihua["doc_number"], "issue_count": meihua["issue_count"], "phone": "+86" + phone})
    assert applied.status_code == 200, applied.text

    # WHEN she opens the link from the SMS
    open_page(page, stack, "?visit=return")

    # THEN the return-visit form asks for phone, image code and SMS code
    expect(page.locator("#return-view")).to_be_visible()
    expect(page.locator("#return-heading")).to_have_text("手机号验证")
    page.wait_for_selector("#captcha-image[data-captcha-id]", timeout=SLOW_MS)

    # WHEN she types her phone and the image code, and asks for the SMS code
    captcha_id = page.get_attribute("#captcha-image", "data-captcha-id")
    answer = requests.get(f"{stack.base_url}/v1/dev/captcha/{captcha_id}", timeout=TIMEOUT).json()["answer"]
    page.fill("#return-phone", phone)
    page.fill("#captcha-answer", answer.lower())
    page.click("#send-code")

    # THEN the button counts down, and an SMS code arrives
    expect(page.locator("#send-code")).to_contain_text("秒后重新发送", timeout=SLOW_MS)
    expect(page.locator("#send-code")).to_be_disabled()
    texts = requests.get(f"{stack.base_url}/v1/dev/sms", params={"phone": "+86" + phone}, timeout=TIMEOUT).json()
    code = re.search(r"验证码为(\d{6})", texts["messages"][-1]["text"]).group(1)

    # WHEN she enters it and confirms THEN her own code is shown
    page.fill("#sms-code", code)
    page.click("#return-submit")
    page.wait_for_selector("#code-qr[data-qr]", timeout=SLOW_MS)
    assert qr_claims(page.get_attribute("#code-qr", "data-qr"))["s"] == meihua["person_id"]
    expect(page.locator("#name-masked")).to_have_text("林*华")


def test_a_wrong_image_code_sends_nothing_and_shows_a_new_image(page, stack):
    phone = new_phone()
    # GIVEN the return-visit form
    open_page(page, stack, "?visit=return")
    page.wait_for_selector("#captcha-image[data-captcha-id]", timeout=SLOW_MS)
    first = page.get_attribute("#captcha-image", "data-captcha-id")
    answer = requests.get(f"{stack.base_url}/v1/dev/captcha/{first}", timeout=TIMEOUT).json()["answer"]

    # WHEN a wrong image code is typed and a code is asked for
    page.fill("#return-phone", phone)
    page.fill("#captcha-answer", "22222" if answer != "22222" else "33333")
    page.click("#send-code")

    # THEN the image-code field says so, a new image replaces the used one, and no SMS was sent
    expect(page.locator("#return-error-captcha_answer")).to_contain_text("图片验证码错误", timeout=SLOW_MS)
    page.wait_for_function(f"document.querySelector('#captcha-image').dataset.captchaId !== '{first}'",
                           timeout=SLOW_MS)
    assert requests.get(f"{stack.base_url}/v1/dev/sms", params={"phone": "+86" + phone},
                        timeout=TIMEOUT).json()["messages"] == []
    expect(page.locator("#send-code")).to_be_enabled()
