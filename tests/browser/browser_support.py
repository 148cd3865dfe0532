"""What the browser tests share: Playwright's expect, the wait for a slow stack, fresh identities, logging in (also
through a place's handover link), a red resident, a venue, the inbound page's application, a network that loses an
answer, the record shown."""

from __future__ import annotations

import contextlib
import random
import time
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from healthcode.core.clock import SHANGHAI

from infra.local.demo import id_number

sync_api = pytest.importorskip("playwright.sync_api")  # the importing test module is skipped without Playwright
expect = sync_api.expect

SLOW_MS = 30_000  # a page waits at most this long for the local stack (CI machines are slow and shared)


def fresh_identity(name: str, born: str = "1988") -> dict[str, str]:
    """A new resident: a valid Guangzhou ID number of someone born in `born`, with this name."""
    first17 = f"440100{born}{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}"
    return {"id_number": id_number(first17), "name": name}


def log_in(page: Any, stack: Any, identity: Mapping[str, str]) -> None:
    """Log in on the resident page as a person would (document, name, phone if given, face check) and wait for
    the code. Whatever session the browser held is dropped first."""
    base = (stack if isinstance(stack, str) else stack.base_url).rstrip("/")
    page.goto(base + "/")
    page.evaluate("sessionStorage.clear()")
    page.goto(base + "/")
    page.select_option("#id-type", identity.get("id_type", "ID_CARD"))
    page.fill("#id-number", identity["id_number"])
    if identity.get("issue_count"):
        page.fill("#issue-count", identity["issue_count"])
    page.fill("#name", identity["name"])
    if identity.get("phone"):
        page.fill("#phone", identity["phone"])
    page.check("#method-face")
    if identity.get("id_type") == "HK_MACAU_PERMIT":
        page.check("#agree")  # 指引 二.(二).2.(2): the user agreement comes before the face check
    page.fill("#proof", identity.get("proof", "dev-pass"))
    page.click("#login-submit")
    page.wait_for_selector("#code-qr[data-qr]", state="visible", timeout=SLOW_MS)


def accept_after_login(page: Any, link: str, identity: Mapping[str, str], invited: str) -> None:
    """A successor opens the handover `link` of a place's page in a browser not logged in: the page says they are
    invited (`invited`, in its words) and links the login; they log in as `identity` and are brought back to the
    invitation (#accept-view)."""
    page.evaluate("sessionStorage.clear()")
    page.goto(link)
    expect(page.locator("#no-session")).to_contain_text(invited, timeout=SLOW_MS)
    page.click("[data-testid=login-link]")
    page.fill("#id-number", identity["id_number"])
    page.fill("#name", identity["name"])
    page.fill("#proof", "dev-pass")
    page.click("#login-submit")
    expect(page.locator("#accept-view")).to_be_visible(timeout=SLOW_MS)


def api_login(stack: Any, identity: Mapping[str, str], phone: str | None = None) -> dict[str, str]:
    """The same login over the API: the Authorization header of that person's session."""
    body = {"id_type": "ID_CARD", "id_number": identity["id_number"], "name": identity["name"], "method": "FACE",
            "proof": "dev-pass"} | ({"phone": phone} if phone else {})
    answer = requests.post(f"{stack.base_url}/v1/auth/login", timeout=10, json=body)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def drain(stack: Any) -> None:
    """Deliver what the local stack's streams hold, now."""
    assert requests.post(f"{stack.base_url}/v1/dev/streams/drain", timeout=60).json()["failures"] == []


def red_resident(stack: Any, name: str, born: str = "1988", phone: str | None = None,
                 ) -> tuple[dict[str, str], dict[str, str]]:
    """A fresh resident whose positive nucleic-acid test came through the partner feed: (identity, headers)."""
    person = fresh_identity(name, born)
    tested = (datetime.now(SHANGHAI) - timedelta(days=15)).isoformat(timespec="seconds")
    record = {"event_id": f"browser-{uuid.uuid4().hex}", "kind": "NUCLEIC_ACID", "result": "POSITIVE",
              "occurred_at": tested, "details": {"institution": "广州市第八人民医院"},
              "person": {"id_type": "ID_CARD", "id_number": person["id_number"], "name": person["name"]}}
    for _ in range(20):  # the feed's burst may be spent by another test of this session
        answer = requests.post(f"{stack.base_url}/v1/feeds/health-events", json=[record], timeout=30,
                               headers={"x-api-key": stack.feed_api_key})
        if answer.status_code != 429:
            break
        time.sleep(0.5)
    assert answer.status_code == 200, answer.text
    headers = api_login(stack, person, phone)
    drain(stack)
    assert requests.get(f"{stack.base_url}/v1/me/code", headers=headers, timeout=10).json()["color"] == "RED"
    return person, headers


def create_venue(stack: Any, headers: Mapping[str, str], name: str) -> dict[str, Any]:
    """A new office venue in Tianhe created over the API by the person of `headers`."""
    created = requests.post(f"{stack.base_url}/v1/venues", headers=dict(headers), timeout=10, json={
        "region_code": "440106001", "address": "天河北路9号", "type": "OFFICE", "name": name,
        "phone": "+8613800138000"})
    assert created.status_code == 201, created.text
    return created.json()


def fill_inbound_apply(page: Any, who: Mapping[str, Any], phone: str, name: str | None = None) -> None:
    """Apply on the inbound page as the traveller `who` (a demo entry record), under `name` if given."""
    page.fill("#apply-name", who["name"] if name is None else name)
    page.select_option("#apply-country", who["country"])
    page.select_option("#apply-doc-type", who["doc_type"])
    page.fill("#apply-doc-number", who["doc_number"])
    if who.get("issue_count"):
        page.fill("#apply-issue-count", who["issue_count"])
    page.select_option("#apply-dial", "CN")
    page.fill("#apply-phone", phone)
    page.click("#apply-submit")


def fake_camera_video(path: Path, text: str) -> Path:
    """A few frames of a YUV4MPEG2 (4:2:0) video showing `text` as a QR code, for Chromium's fake camera."""
    import qrcode
    from PIL import Image

    width, height = 640, 480
    code = qrcode.make(text, box_size=6, border=4).convert("RGB")
    side = min(height - 20, code.size[0])
    frame = Image.new("RGB", (width, height), (255, 255, 255))
    frame.paste(code.resize((side, side), Image.NEAREST), ((width - side) // 2, (height - side) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (width // 2, height // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(5):
            out.write(b"FRAME\n" + planes)
    return path


@contextlib.contextmanager
def camera_page(browser: Any, base_url: str, directory: Path, shown: str) -> Iterator[Any]:
    """A phone page (camera allowed) of a Chromium whose camera sees the QR code of `shown`; like the `page`
    fixture it may load nothing outside the stack and must raise no page error."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PageGuard

    video = fake_camera_video(directory / "camera.y4m", shown)
    camera = browser.browser_type.launch(executable_path=str(CHROMIUM), headless=True, args=[
        *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        context = camera.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                     locale="zh-CN", timezone_id="Asia/Shanghai", service_workers="block")
        context.grant_permissions(["camera"], origin=base_url.rstrip("/"))
        guard = PageGuard(base_url)
        yield guard.open(context)
        context.close()
        guard.check()
    finally:
        camera.close()


def lose_first_post_answer(page: Any, url: str) -> list[str]:
    """Route `url` (a glob) on a network that loses the answer to the first POST after the server got it; later
    requests go through. Answers the list of the POSTs' Idempotency-Keys, filled as they are sent."""
    keys: list[str] = []

    def lose_first_answer(route: Any) -> None:
        if route.request.method != "POST":
            route.fallback()
            return
        keys.append(route.request.headers.get("idempotency-key", ""))
        if len(keys) == 1:
            route.fetch()  # the server gets it...
            route.abort("connectionreset")  # ...and the page never hears back
        else:
            route.fallback()

    page.route(url, lose_first_answer)
    return keys


def the_one_record(page: Any, *words: str) -> Any:
    """The one record 我的粤康码信息 lists (once it is there), checked to show each of `words`."""
    item = page.locator("[data-testid=record-item]")
    expect(item).to_have_count(1, timeout=SLOW_MS)
    for text in words:
        expect(item).to_contain_text(text)
    return item
