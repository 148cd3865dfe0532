"""The grid admin's screens of the community grids page (web/grid.html, guide 四(三)(1)) in Chromium on a phone: create
the grid (township picked, the warning that it cannot be changed), pending until the superior approves it (a
system admin over the API here, as the console would), the join code, members authorized / withdrawn / unbound,
statistics that follow the workers' collections, the admin change (the successor's name and ID number give an
identity code and link, pending until withdrawn or accepted; the successor logs in as that person and accepts), a
rejected grid's reason, and dissolving after typing the name, which leaves nothing of the grid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from browser_support import SLOW_MS, accept_after_login, drain, expect, log_in
from grids_page_support import (
    approve,
    approved_grid,
    authorize,
    code_of,
    collect,
    create_grid,
    grid_with_worker,
    join,
    my_grids,
    person,
    pick_township,
    system_admin,
)

pytestmark = pytest.mark.browser


def test_without_a_session_the_page_sends_to_the_login(page: Any, stack: Any) -> None:
    # GIVEN no login WHEN the grids page opens THEN it asks to log in (real-name) first and shows no grid screen
    page.goto(stack.base_url.rstrip("/") + "/grid.html")
    expect(page.locator("#no-session")).to_be_visible()
    expect(page.locator("#no-session")).to_contain_text("实名认证")
    expect(page.locator("#grid-main")).to_be_hidden()


def test_the_grid_admin_loop_on_the_page(page: Any, stack: Any, screenshot: Callable[[str], None]) -> None:
    base = stack.base_url.rstrip("/")
    admin, admin_headers, _ = person(stack, "欧阳网管")
    _, worker_headers, worker_id = person(stack, "司马网格")
    _, resident_headers, _ = person(stack, "诸葛居民")

    # GIVEN a resident logged in WHEN they open the grids entry of their code page's 防疫工作台
    log_in(page, stack, admin)
    page.click("[data-testid=open-grids]")
    expect(page.locator("#create-form")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#create-form")).to_contain_text("一旦创建不可修改、不可删除")

    # WHEN they submit without a township THEN the region is asked for and nothing is sent
    page.fill("#create-name", "员村一社区第3网格")
    page.click("[data-testid=create-submit]")
    expect(page.locator("#grid-error")).to_contain_text("乡镇街道")
    assert requests.get(f"{base}/v1/grids/mine", headers=admin_headers, timeout=10).status_code == 404

    # WHEN they pick the township and confirm THEN the grid is shown pending, with its join code to share
    pick_township(page)
    screenshot("grid_admin_create.png")
    page.click("[data-testid=create-submit]")
    expect(page.locator("#my-grid")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#grid-name")).to_have_text("员村一社区第3网格")
    expect(page.locator("#grid-region")).to_have_text("广东省广州市天河区员村街道（440106002）")
    expect(page.locator("#grid-status")).to_have_text("待上级审核")
    expect(page.locator("#grid-status-note")).to_contain_text("联系直属上级管理员")
    join_code = page.locator("#join-code").inner_text().strip()
    assert join_code.isdigit()
    grid = requests.get(f"{base}/v1/grids/mine", headers=admin_headers, timeout=10).json()
    assert grid["join_code"] == join_code
    screenshot("grid_admin_pending.png")

    # THEN no worker can bind the pending grid
    refused = join(stack, worker_headers, join_code)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "GRID_NOT_ACTIVE"

    # WHEN the superior approves it THEN the page shows it in force, and a worker binds with the join code
    approve(stack, grid["place_id"])
    page.reload()
    expect(page.locator("#grid-status")).to_have_text("已生效", timeout=SLOW_MS)
    expect(page.locator("#grid-status-note")).to_be_hidden()
    assert join(stack, worker_headers, join_code).status_code == 201
    page.click("[data-testid=copy-join-code]")
    expect(page.locator("#copy-done")).to_contain_text(join_code)

    # WHEN the admin opens 网格成员管理 THEN the worker is listed, masked and unauthorized; 授权 authorizes them
    page.click("[data-testid=open-members]")
    expect(page.locator("[data-testid=member]")).to_have_count(1, timeout=SLOW_MS)
    expect(page.locator("[data-testid=member]")).to_contain_text("司**格")
    expect(page.locator("[data-testid=member-status]")).to_have_text("未授权")
    assert "司马网格" not in page.content()
    page.click("[data-testid=member-authorize]")
    expect(page.locator("[data-testid=member-status]")).to_have_text("已授权", timeout=SLOW_MS)
    assert my_grids(stack, worker_headers)[0]["authorized"] is True
    screenshot("grid_admin_members.png")

    # WHEN the worker collects a resident (with a fever) THEN 查看数据统计 counts it, per day and per worker
    collect(stack, worker_headers, grid["place_id"], code_of(stack, resident_headers), "FEVER")
    drain(stack)
    page.click("[data-testid=open-stats]")
    expect(page.locator("#stats-today")).to_have_text("1 次", timeout=SLOW_MS)
    expect(page.locator("#stats-fever")).to_have_text("1 人次")
    expect(page.locator("#stats-workers")).to_have_text("1 人（已授权 1 人）")
    expect(page.locator("[data-testid=stats-day]")).to_have_count(14)
    expect(page.locator("[data-testid=stats-day]").first).to_contain_text("1")
    expect(page.locator("[data-testid=stats-worker]")).to_have_count(1)
    expect(page.locator("[data-testid=stats-worker]")).to_contain_text("司**格")
    expect(page.locator("#sum-total")).to_have_text("1")
    screenshot("grid_admin_stats.png")


def _offer(page: Any, successor: dict[str, str]) -> str:
    """管理员变更 on the open pane: the successor's name and ID number submitted; answers the identity link shown."""
    page.fill("#transfer-name", successor["name"])
    page.fill("#transfer-id-number", successor["id_number"])
    page.click("[data-testid=transfer-submit]")
    expect(page.locator("#transfer-result")).to_be_visible(timeout=SLOW_MS)
    link = page.locator("#transfer-link").inner_text().strip()
    assert "#transfer=" in link
    return link


def test_the_admin_changes_and_the_successor_accepts_after_logging_in(page: Any, stack: Any,
                                                                      screenshot: Callable[[str], None]) -> None:
    base = stack.base_url.rstrip("/")
    admin, admin_headers, _ = person(stack, "上官网管")
    successor, successor_headers, _ = person(stack, "令狐接任")
    grid = approved_grid(stack, admin_headers, "车陂第2网格")

    page.on("dialog", lambda dialog: dialog.accept())

    # GIVEN the admin on 网格成员管理 WHEN they tap 管理员变更 (top right) and enter the successor's name and ID number
    log_in(page, stack, admin)
    page.goto(base + "/grid.html")
    expect(page.locator("#my-grid")).to_be_visible(timeout=SLOW_MS)
    page.click("[data-testid=open-members]")
    page.click("[data-testid=open-transfer]")
    expect(page.locator("[data-testid=transfer-pending]")).to_be_hidden()
    withdrawn = _offer(page, successor)

    # THEN an identity code and its link are shown to share, and the change awaits the successor, masked
    expect(page.locator("#transfer-text")).to_contain_text("令**任")
    assert page.locator("#transfer-qr").get_attribute("data-qr") == withdrawn
    expect(page.locator("[data-testid=transfer-pending-text]")).to_contain_text("令**任", timeout=SLOW_MS)
    screenshot("grid_admin_transfer.png")

    # WHEN the admin withdraws it (from the keyboard, as on the venues page) THEN the form is back and that link
    # accepts no more
    page.focus("[data-testid=transfer-cancel]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=transfer-pending]")).to_be_hidden(timeout=SLOW_MS)
    expect(page.locator("#transfer-form")).to_be_visible()
    token = withdrawn.split("#transfer=", 1)[1]
    assert requests.post(f"{base}/v1/grids/admin-transfer/{token}/accept", headers=successor_headers,
                         timeout=10).status_code == 404

    # WHEN the admin names the successor again THEN a new link is shown
    link = _offer(page, successor)
    assert link != withdrawn

    # WHEN the successor opens it in a browser that is not logged in THEN they are asked to log in as themselves
    accept_after_login(page, link, successor, "继任管理员")

    # THEN they come back to the offer, which names the grid; WHEN they confirm THEN they are its admin
    expect(page.locator("#accept-grid-name")).to_have_text("车陂第2网格", timeout=SLOW_MS)
    screenshot("grid_admin_accept.png")
    page.click("[data-testid=accept-transfer]")
    expect(page.locator("#my-grid")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#grid-name")).to_have_text("车陂第2网格")
    assert requests.get(f"{base}/v1/grids/mine", headers=admin_headers, timeout=10).status_code == 404
    mine = requests.get(f"{base}/v1/grids/mine", headers=successor_headers, timeout=10).json()
    assert mine["place_id"] == grid["place_id"]


def test_dissolving_needs_the_name_and_leaves_nothing(page: Any, stack: Any,
                                                     screenshot: Callable[[str], None]) -> None:
    base = stack.base_url.rstrip("/")
    admin, admin_headers, _ = person(stack, "东方网管")
    _, worker_headers, worker_id = person(stack, "西门网格")
    _, resident_headers, _ = person(stack, "南宫居民")
    grid = grid_with_worker(stack, admin_headers, worker_headers, "石牌东第1网格")
    authorize(stack, admin_headers, grid["place_id"], worker_id)
    collect(stack, worker_headers, grid["place_id"], code_of(stack, resident_headers))
    drain(stack)

    # GIVEN the admin on 解散网格 WHEN the name typed is not the grid's THEN 确认解散 stays disabled
    log_in(page, stack, admin)
    page.goto(base + "/grid.html")
    expect(page.locator("#my-grid")).to_be_visible(timeout=SLOW_MS)
    page.click("[data-testid=open-dissolve]")
    expect(page.locator("[data-testid=dissolve-warning]")).to_contain_text("清空且不可恢复")
    expect(page.locator("[data-testid=dissolve-submit]")).to_be_disabled()
    page.fill("#dissolve-confirm", "石牌东第2网格")
    expect(page.locator("[data-testid=dissolve-submit]")).to_be_disabled()
    screenshot("grid_admin_dissolve.png")

    # WHEN it is typed exactly and confirmed THEN the grid is gone: the page offers to create one again
    page.fill("#dissolve-confirm", "石牌东第1网格")
    page.click("[data-testid=dissolve-submit]")
    expect(page.locator("#create-form")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#grid-error")).to_contain_text("已解散")

    # THEN nothing of it is left to its admin, its worker or anyone reading it
    drain(stack)
    assert requests.get(f"{base}/v1/grids/mine", headers=admin_headers, timeout=10).status_code == 404
    assert my_grids(stack, worker_headers) == []
    assert requests.get(f"{base}/v1/grids/{grid['place_id']}/stats", headers=admin_headers,
                        timeout=10).status_code in (403, 404)
    assert join(stack, worker_headers, grid["join_code"]).status_code == 404


@pytest.mark.parametrize("finished_elsewhere", [False, True], ids=["page-finishes", "schedule-finished-first"])
def test_a_dissolve_left_half_done_goes_on_when_its_admin_opens_the_page(page: Any, stack: Any,
                                                                        screenshot: Callable[[str], None],
                                                                        finished_elsewhere: bool) -> None:
    import json

    base = stack.base_url.rstrip("/")
    admin, admin_headers, _ = person(stack, "上官网管")
    _, worker_headers, _ = person(stack, "慕容网格")
    grid = grid_with_worker(stack, admin_headers, worker_headers, "石牌西第1网格")
    log_in(page, stack, admin)

    # GIVEN a dissolve the admin confirmed that stopped half-way: the server shows the grid DISSOLVING (faked here
    # until the page sends a DELETE; tests/integration/test_places_grids_dissolve.py covers the server's side),
    # and perhaps the scheduled grid_purge finished it before the page's DELETE (the page then meets a 404)
    mine = requests.get(f"{base}/v1/grids/mine", headers=admin_headers, timeout=10).json()
    dissolving = {k: v for k, v in mine.items() if k != "join_code"} | {
        "status": "DISSOLVING", "status_label": "解散中", "purge": {"step": "collections"}}
    if finished_elsewhere:
        gone = requests.delete(f"{base}/v1/grids/{grid['place_id']}", params={"confirm": "石牌西第1网格"},
                               headers=admin_headers, timeout=30)
        assert gone.status_code == 200, gone.text
    deletes: list[str] = []

    def as_dissolving(route: Any) -> None:
        if deletes:
            return route.continue_()
        route.fulfill(status=200, content_type="application/json", body=json.dumps(dissolving, ensure_ascii=False))

    page.route("**/v1/grids/mine", as_dissolving)
    page.on("request", lambda request: deletes.append(request.url) if request.method == "DELETE" else None)
    # WHEN the admin opens the grids page THEN it says so and carries the purge on without asking again
    page.goto(base + "/grid.html")
    expect(page.locator("#grid-error")).to_contain_text("已解散", timeout=SLOW_MS)
    expect(page.locator("#create-form")).to_be_visible()
    screenshot(f"grid_admin_dissolve_resumed{'_elsewhere' if finished_elsewhere else ''}.png")
    assert len(deletes) >= 1 and "confirm=" in deletes[0]
    # THEN the grid is gone for its admin and its worker
    page.unroute("**/v1/grids/mine")
    drain(stack)
    assert requests.get(f"{base}/v1/grids/mine", headers=admin_headers, timeout=10).status_code == 404
    assert my_grids(stack, worker_headers) == []


def test_a_rejected_grid_shows_the_superiors_reason(page: Any, stack: Any) -> None:
    base = stack.base_url.rstrip("/")
    admin, admin_headers, _ = person(stack, "皇甫网管")
    grid = create_grid(stack, admin_headers, "未核准网格")
    rejected = requests.post(f"{base}/v1/admin/grids/{grid['place_id']}/reject", headers=system_admin(stack),
                             json={"reason": "网格名称不规范，请按村/社区命名"}, timeout=10)
    assert rejected.status_code == 200, rejected.text

    # GIVEN a grid its superior rejected WHEN its admin opens the page THEN they read why
    log_in(page, stack, admin)
    page.goto(base + "/grid.html")
    expect(page.locator("#grid-status")).to_have_text("审核未通过", timeout=SLOW_MS)
    expect(page.locator("#grid-status-note")).to_contain_text("网格名称不规范，请按村/社区命名")


def test_the_admin_withdraws_and_unbinds_a_worker(page: Any, stack: Any) -> None:
    base = stack.base_url.rstrip("/")
    admin, admin_headers, _ = person(stack, "慕容网管")
    _, worker_headers, worker_id = person(stack, "公孙网格")
    grid = grid_with_worker(stack, admin_headers, worker_headers)
    authorize(stack, admin_headers, grid["place_id"], worker_id)

    # GIVEN an authorized worker WHEN the admin taps 取消授权 THEN they are unauthorized
    log_in(page, stack, admin)
    page.goto(base + "/grid.html")
    expect(page.locator("#my-grid")).to_be_visible(timeout=SLOW_MS)
    page.click("[data-testid=open-members]")
    expect(page.locator("[data-testid=member-status]")).to_have_text("已授权", timeout=SLOW_MS)
    page.click("[data-testid=member-withdraw]")
    expect(page.locator("[data-testid=member-status]")).to_have_text("未授权", timeout=SLOW_MS)
    assert my_grids(stack, worker_headers)[0]["authorized"] is False

    # WHEN the admin unbinds them THEN the list is empty and the join code no longer admits them
    page.click("[data-testid=member-unbind]")
    expect(page.locator("[data-testid=member]")).to_have_count(0, timeout=SLOW_MS)
    expect(page.locator("[data-testid=members-empty]")).to_be_visible()
    assert my_grids(stack, worker_headers) == []
    assert join(stack, worker_headers, grid["join_code"]).status_code == 409
