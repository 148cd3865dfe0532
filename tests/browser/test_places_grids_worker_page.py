"""The grid worker's screens of the community grids page (web/grid.html, guide 四(三)(2)) in Chromium on a phone: bind
with the join code (an unknown code and a pending grid are refused, named), my grids with the current one and
unbinding, 开始信息采集 by scanning a code (hardware scanner, paste, the phone's camera) or by hand for someone without
a phone, the temperature and the door-to-door answers, 继续采集, today's and cumulative counts; unauthorized workers see
people masked only; authorized ones read a person's full declarations and the grid's key persons."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_support import SLOW_MS, camera_page, drain, expect, fresh_identity, log_in, red_resident
from grids_page_support import (
    approved_grid,
    authorize,
    code_of,
    create_grid,
    grid_with_worker,
    join,
    my_grids,
    person,
    stats,
)

pytestmark = pytest.mark.browser


def _bind_on_the_page(page: Any, join_code: str) -> None:
    page.click("[data-testid=open-my-grids]")
    page.fill("#join-code-input", join_code)
    page.click("[data-testid=join-submit]")


def test_the_grid_worker_loop_on_the_page(page: Any, stack: Any, screenshot: Callable[[str], None]) -> None:
    _, admin_headers, _ = person(stack, "欧阳网管")
    worker, worker_headers, worker_id = person(stack, "司徒网格")
    _, resident_headers, _ = person(stack, "夏侯居民")
    grid = approved_grid(stack, admin_headers, "员村二社区第1网格")
    keys: list[str] = []
    page.on("request", lambda request: keys.append(request.headers.get("idempotency-key", ""))
            if request.url.endswith("/collections") and request.method == "POST" else None)

    # GIVEN a resident logged in WHEN they open the grids entry and the 网格员 tab THEN nothing can be collected yet
    log_in(page, stack, worker)
    page.click("[data-testid=open-grids]")
    page.click("[data-testid=tab-worker]")
    expect(page.locator("#worker-current")).to_contain_text("尚未绑定网格", timeout=SLOW_MS)
    expect(page.locator("[data-testid=start-collect]")).to_be_disabled()

    # WHEN they enter an unknown join code THEN it is refused, named, and nothing is bound
    _bind_on_the_page(page, "000000000000")
    expect(page.locator("#grid-error")).to_contain_text("网格申报码不存在", timeout=SLOW_MS)
    assert my_grids(stack, worker_headers) == []

    # WHEN they enter the grid's join code THEN it is their current grid, unauthorized
    page.fill("#join-code-input", grid["join_code"])
    page.click("[data-testid=join-submit]")
    expect(page.locator("[data-testid=my-grid-item]")).to_have_count(1, timeout=SLOW_MS)
    expect(page.locator("[data-testid=my-grid-item]")).to_contain_text("当前组织")
    expect(page.locator("#worker-current")).to_have_text("员村二社区第1网格")
    expect(page.locator("#worker-authorized")).to_have_text("未授权")
    expect(page.locator("[data-testid=worker-unauthorized-note]")).to_be_visible()
    expect(page.locator("[data-testid=open-worker-keys]")).to_be_hidden()

    # WHEN they start collecting and a hardware scanner types a resident's code and Enter
    page.click("[data-testid=start-collect]")
    expect(page.locator("#collect-view")).to_be_visible()
    page.locator("#collect-qr").fill(code_of(stack, resident_headers))
    page.locator("#collect-qr").press("Enter")

    # THEN the resident is shown masked with their colour and latest declaration, before anything is recorded
    expect(page.locator("#scan-preview")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#preview-name")).to_have_text("夏**民")
    expect(page.locator("#preview-phone")).to_have_text("137****5678")
    expect(page.locator("#preview-color")).to_have_text("绿码")
    expect(page.locator("#preview-declaration")).to_have_text("暂无健康申报记录")
    assert "夏侯居民" not in page.content()

    # WHEN they record a fever and a yes answer, double-clicking 提交 THEN one visit is recorded and shown
    page.check("[data-testid=temp-fever]")
    page.check("[data-testid=v-visited_risk_area-true]")
    page.fill("#visit-note", "独居老人，已电话告知家属")
    screenshot("grid_worker_collect.png")
    page.dblclick("[data-testid=collect-submit]")
    expect(page.locator("#collect-done")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#done-name")).to_have_text("夏**民")
    expect(page.locator("#done-temperature")).to_have_text("发热")
    expect(page.locator("[data-testid=done-details]")).to_be_hidden()  # unauthorized: masked only
    assert len(set(keys)) == 1 and keys[0]

    # WHEN they tap 继续采集 THEN the form is empty again, for the next person: one without a phone, entered by hand
    page.click("[data-testid=continue-collect]")
    expect(page.locator("#collect-qr")).to_have_value("")
    expect(page.locator("#scan-preview")).to_be_hidden()
    expect(page.locator("[data-testid=temp-normal]")).to_be_checked()
    expect(page.locator("[data-testid=v-visited_risk_area-false]")).to_be_checked()
    elder = fresh_identity("欧阳老伯", "1946")
    page.click("[data-testid=mode-manual]")
    page.fill("#manual-name", elder["name"])
    page.fill("#manual-id-number", elder["id_number"])
    page.fill("#manual-phone", "13912345678")
    screenshot("grid_worker_manual.png")
    page.click("[data-testid=collect-submit]")
    expect(page.locator("#collect-done")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#done-name")).to_have_text("欧**伯")
    expect(page.locator("#done-temperature")).to_have_text("正常")

    # THEN 今日登记次数 and 累计登记次数 count both
    page.click("[data-testid=done-home]")
    expect(page.locator("#worker-today")).to_have_text("2", timeout=SLOW_MS)
    expect(page.locator("#worker-total")).to_have_text("2")
    drain(stack)
    counted = stats(stack, admin_headers, grid["place_id"])
    assert (counted["collections_today"], counted["fever_today"], counted["people_today"]) == (2, 1, 2)

    # WHEN the admin authorizes them THEN the page offers the key persons and a person's full declarations
    authorize(stack, admin_headers, grid["place_id"], worker_id)
    _, red_headers = red_resident(stack, "端木红码", "1990", "+8613712345678")
    red_qr = code_of(stack, red_headers)
    page.reload()
    page.click("[data-testid=tab-worker]")
    expect(page.locator("#worker-authorized")).to_have_text("已授权", timeout=SLOW_MS)
    expect(page.locator("[data-testid=open-worker-keys]")).to_be_visible()

    # WHEN they collect a red-code resident THEN the red code's reasons are shown, and the full record on request
    page.click("[data-testid=start-collect]")
    page.click("[data-testid=mode-scan]")
    page.fill("#collect-qr", red_qr)
    page.click("[data-testid=collect-read]")
    expect(page.locator("#preview-color")).to_have_text("红码", timeout=SLOW_MS)
    page.click("[data-testid=collect-submit]")
    expect(page.locator("#collect-done")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#done-alert")).to_be_visible()
    expect(page.locator("#done-reasons [data-testid=reason-tag]")).to_have_count(1)
    page.click("[data-testid=done-details]")
    expect(page.locator("#person-view")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#person-name")).to_have_text("端木红码")
    expect(page.locator("#person-color")).to_have_text("红码")
    screenshot("grid_worker_person.png")

    # THEN, once the stream has run, the grid's key persons list them in full, with the reason
    drain(stack)
    page.click("[data-testid=person-back]")
    page.click("[data-testid=done-home]")
    page.click("[data-testid=open-worker-keys]")
    expect(page.locator("[data-testid=key-person]")).to_have_count(1, timeout=SLOW_MS)
    expect(page.locator("[data-testid=key-person]")).to_contain_text("端木红码")
    expect(page.locator("[data-testid=key-person-reasons]")).not_to_be_empty()
    screenshot("grid_worker_keys.png")
    page.click("[data-testid=key-person-details]")
    expect(page.locator("#person-name")).to_have_text("端木红码", timeout=SLOW_MS)


def test_a_pending_grid_is_refused_with_its_reason(page: Any, stack: Any) -> None:
    _, admin_headers, _ = person(stack, "钟离网管")
    worker, worker_headers, _ = person(stack, "闻人网格")
    grid = create_grid(stack, admin_headers, "待审核网格")

    # GIVEN a grid its superior has not approved WHEN a worker enters its join code THEN they are told so
    log_in(page, stack, worker)
    page.goto(stack.base_url.rstrip("/") + "/grid.html#tab=worker")
    _bind_on_the_page(page, grid["join_code"])
    expect(page.locator("#grid-error")).to_have_attribute("data-code", "GRID_NOT_ACTIVE", timeout=SLOW_MS)
    expect(page.locator("#grid-error")).to_contain_text("上级")
    assert my_grids(stack, worker_headers) == []


def test_the_worker_switches_the_current_grid_and_unbinds(page: Any, stack: Any) -> None:
    worker, worker_headers, _ = person(stack, "赫连网格")
    first = approved_grid(stack, person(stack, "甲网管")[1], "员村第7网格")
    second = approved_grid(stack, person(stack, "乙网管")[1], "车陂第8网格")
    assert join(stack, worker_headers, first["join_code"]).status_code == 201
    assert join(stack, worker_headers, second["join_code"]).status_code == 201

    # GIVEN a worker of two grids WHEN they open the page THEN they land on the worker's view, the first grid current
    log_in(page, stack, worker)
    page.goto(stack.base_url.rstrip("/") + "/grid.html")
    expect(page.locator("[data-testid=tab-worker]")).to_have_attribute("aria-selected", "true", timeout=SLOW_MS)
    expect(page.locator("#worker-current")).to_have_text("员村第7网格", timeout=SLOW_MS)

    # WHEN they set the other one as current THEN collecting goes to it
    page.click("[data-testid=open-my-grids]")
    expect(page.locator("[data-testid=my-grid-item]")).to_have_count(2, timeout=SLOW_MS)
    page.click("[data-testid=my-grid-current]")
    expect(page.locator("#worker-current")).to_have_text("车陂第8网格", timeout=SLOW_MS)
    page.click("[data-testid=start-collect]")
    expect(page.locator("#collect-grid")).to_have_text("车陂第8网格")

    # WHEN they go back and unbind the current one THEN only the other is left, and it is current
    page.click("[data-testid=collect-back]")
    page.click("[data-testid=open-my-grids]")
    page.locator("[data-testid=my-grid-item][data-current=true] [data-testid=my-grid-leave]").click()
    expect(page.locator("[data-testid=my-grid-item]")).to_have_count(1, timeout=SLOW_MS)
    expect(page.locator("#worker-current")).to_have_text("员村第7网格")
    assert [g["place_id"] for g in my_grids(stack, worker_headers)] == [first["place_id"]]


def test_the_worker_scans_with_the_phone_camera(browser: Any, stack: Any, tmp_path: Path) -> None:
    base = stack.base_url.rstrip("/")
    _, admin_headers, _ = person(stack, "濮阳网管")
    worker, worker_headers, _ = person(stack, "仲孙网格")
    _, resident_headers, _ = person(stack, "长孙居民")
    grid_with_worker(stack, admin_headers, worker_headers)
    resident_qr = code_of(stack, resident_headers)

    # GIVEN a phone whose camera sees the resident's code (Chromium's fake camera playing a video of it)
    with camera_page(browser, base, tmp_path, resident_qr) as phone:
        log_in(phone, stack, worker)
        phone.goto(base + "/grid.html#tab=worker")
        expect(phone.locator("[data-testid=start-collect]")).to_be_enabled(timeout=SLOW_MS)
        phone.click("[data-testid=start-collect]")

        # WHEN the worker taps 扫描粤康码 THEN the code is read from the picture and the person previewed
        phone.click("[data-testid=collect-camera]")
        expect(phone.locator("#scan-preview")).to_be_visible(timeout=SLOW_MS)
        expect(phone.locator("#preview-name")).to_have_text("长**民")
        expect(phone.locator("#collect-qr")).to_have_value(resident_qr)
        expect(phone.locator("#collect-camera-box")).to_be_hidden()


def test_a_tampered_code_and_a_bad_id_number_are_refused_and_named(page: Any, stack: Any) -> None:
    base = stack.base_url.rstrip("/")
    _, admin_headers, _ = person(stack, "巫马网管")
    worker, worker_headers, _ = person(stack, "公冶网格")
    grid_with_worker(stack, admin_headers, worker_headers)
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url)
            if request.url.endswith("/collections") and request.method == "POST" else None)

    # GIVEN a worker collecting WHEN the code read is tampered with THEN it is refused, named, nothing previewed
    log_in(page, stack, worker)
    page.goto(base + "/grid.html#tab=worker")
    expect(page.locator("[data-testid=start-collect]")).to_be_enabled(timeout=SLOW_MS)
    page.click("[data-testid=start-collect]")
    page.fill("#collect-qr", "YKM1.forged.code.sig")
    page.click("[data-testid=collect-read]")
    expect(page.locator("#grid-error")).to_have_attribute("data-code", "INVALID_CODE", timeout=SLOW_MS)
    expect(page.locator("#scan-preview")).to_be_hidden()

    # WHEN they submit without a person read THEN the page asks for a code first and sends nothing
    page.click("[data-testid=collect-submit]")
    expect(page.locator("#grid-error")).to_contain_text("读取")
    assert sent == []

    # WHEN a person entered by hand has an ID number that cannot be THEN the server refuses it, the field is named
    page.click("[data-testid=mode-manual]")
    page.fill("#manual-name", "司寇阿婆")
    page.fill("#manual-id-number", "440100194601011230")
    page.click("[data-testid=collect-submit]")
    expect(page.locator("#grid-error")).to_have_attribute("data-code", "INVALID_ID_NUMBER", timeout=SLOW_MS)
    expect(page.locator("#manual-id-number")).to_be_focused()
    expect(page.locator("#collect-done")).to_be_hidden()
