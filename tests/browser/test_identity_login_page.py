"""The 粤康码 H5 page in Chromium: log in with the demo identity and see one's own green code."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from browser_support import SLOW_MS, expect, log_in

pytestmark = pytest.mark.browser

# The first login of a cold local stack starts several handlers; later steps are quick.

@pytest.fixture(scope="module")
def demo(stack: Any) -> Mapping[str, str]:
    identity = getattr(stack, "demo", None)
    if not isinstance(identity, Mapping) or not identity.get("id_number") or not identity.get("name"):
        pytest.skip("the local stack exposes no demo identity (.demo with id_number and name)")
    return identity


def drawn_pixels(page: Any) -> dict[str, int]:
    """How many pixels of the QR canvas are white, and how many are coloured modules."""
    return page.eval_on_selector(
        "#code-qr",
        """canvas => {
            const {data} = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
            let light = 0, dark = 0;
            for (let i = 0; i < data.length; i += 4) {
                const luma = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
                if (data[i + 3] > 0 && luma > 200) light++; else if (data[i + 3] > 0) dark++;
            }
            return {light, dark, width: canvas.width, height: canvas.height};
        }""",
    )


def test_demo_resident_logs_in_and_sees_a_drawn_green_code(
    page: Any, stack: Any, demo: Mapping[str, str], screenshot: Callable[[str], None]
) -> None:
    # GIVEN the H5 page of the local stack
    # WHEN the demo resident logs in with the dev proof
    log_in(page, stack.base_url, demo)

    # THEN the code page shows a green code for a masked name, with a QR drawn in the browser
    expect(page.locator("#code-color")).to_have_text("绿码", timeout=SLOW_MS)
    expect(page.locator("#code-card")).to_have_attribute("data-color", "GREEN")
    expect(page.locator("#name-masked")).not_to_be_empty()
    assert page.locator("#name-masked").inner_text() != demo["name"] or len(demo["name"]) < 2
    assert page.get_attribute("#code-qr", "data-qr").startswith("YKM1.")
    pixels = drawn_pixels(page)
    assert pixels["width"] > 0 and pixels["height"] > 0
    assert pixels["dark"] > 0, "the QR canvas has no modules drawn"
    assert pixels["light"] > 0, "the QR canvas has no quiet zone or light modules"
    expect(page.locator("#reasons-section")).to_be_hidden()

    screenshot("login_page_green_code.png")


def test_the_drawn_qr_scans_back_to_the_code_the_api_issued(page: Any, stack: Any, demo: Mapping[str, str]) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pytest.importorskip("PIL.Image")
    # GIVEN a logged-in demo resident
    log_in(page, stack.base_url, demo)
    issued = page.get_attribute("#code-qr", "data-qr")

    # WHEN the code on screen is scanned
    shot = image.open(io.BytesIO(page.locator("#code-qr").screenshot()))
    found = zxingcpp.read_barcodes(shot, formats=zxingcpp.BarcodeFormat.QRCode)

    # THEN it reads as exactly the signed code the API returned
    assert [barcode.text for barcode in found] == [issued]


def test_display_log_lists_the_display_and_logout_returns_to_the_form(
    page: Any, stack: Any, demo: Mapping[str, str]
) -> None:
    # GIVEN a logged-in demo resident whose code was just shown
    log_in(page, stack.base_url, demo)

    # THEN 亮码记录 lists that display
    expect(page.locator("#display-log [data-testid=display-log-item]").first).to_be_visible(timeout=SLOW_MS)

    # WHEN they log out
    page.click("#logout")

    # THEN the login form is back and the session token is gone
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("#code-view")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('ykm.session')") is None
