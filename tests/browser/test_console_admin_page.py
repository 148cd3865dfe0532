"""The console as a superior (guide 四(三)2.(1)2) 授权确认) and as a system admin: logging in by phone and SMS code,
approving a pending grid and rejecting another with a reason, granting and withdrawing a region admin, whose own
console then shows the grids of their area."""

from __future__ import annotations

import random
from typing import Any

import pytest
import requests
from browser_support import SLOW_MS, api_login, expect, fresh_identity
from console_support import confirm_on_row, console_as, console_login, new_phone, open_view, shot

pytestmark = pytest.mark.browser


def system_admin(stack: Any) -> dict[str, str]:
    return next(p for p in stack.demo["people"] if p.get("system_admin"))


def pending_grid(stack: Any, name: str, region_code: str = "440106001") -> tuple[dict[str, Any], dict[str, str]]:
    """A new grid awaiting approval, created by a new grid admin: (the grid, its admin's headers)."""
    headers = api_login(stack, fresh_identity("网格长"))
    created = requests.post(f"{stack.base_url}/v1/grids", headers=headers, timeout=10,
                            json={"region_code": region_code, "name": name})
    assert created.status_code == 201, created.text
    return created.json(), headers


def grid_row(page: Any, grid: dict[str, Any]) -> Any:
    return page.locator(f"[data-testid=grids-table] tbody tr[data-key='{grid['place_id']}']")


def test_the_system_admin_logs_in_by_sms_and_approves_a_grid(desktop: Any, stack: Any) -> None:
    # GIVEN a grid awaiting its superior
    grid, grid_admin = pending_grid(stack, f"石牌村第{random.randint(100, 999)}网格")
    # WHEN the system admin logs in with phone and SMS code
    console_login(desktop, stack, system_admin(stack)["phone"])
    # THEN the superiors' and system admins' views are in the menu
    expect(desktop.locator("#user-roles")).to_contain_text("系统管理员")
    for view in ("grids", "regions", "medical", "audit"):
        expect(desktop.locator(f"#menu-{view}")).to_be_visible()

    # WHEN they open the pending grids and approve this one
    open_view(desktop, "grids")
    row = grid_row(desktop, grid)
    expect(row).to_contain_text(grid["name"], timeout=SLOW_MS)
    expect(row).to_contain_text("440106001")
    shot(desktop, "console-grids-pending.png")
    confirm_on_row(desktop, row, "approve")

    # THEN the row leaves the list, and the grid is in force for its admin
    expect(row).to_have_count(0, timeout=SLOW_MS)
    expect(desktop.locator("#grids-notice")).to_contain_text("已确认生效")
    mine = requests.get(f"{stack.base_url}/v1/grids/mine", headers=grid_admin, timeout=10).json()
    assert mine["status"] == "ACTIVE"


def test_a_rejection_needs_a_reason_and_the_grid_admin_reads_it(desktop: Any, stack: Any) -> None:
    grid, grid_admin = pending_grid(stack, f"猎德村第{random.randint(100, 999)}网格")
    # GIVEN the system admin on the pending grids
    console_as(desktop, stack, system_admin(stack))
    open_view(desktop, "grids")
    row = grid_row(desktop, grid)
    expect(row).to_be_visible(timeout=SLOW_MS)

    # WHEN they reject it without a reason THEN the dialog asks for one and nothing is sent
    row.locator("button[data-action=reject]").click()
    desktop.click("#confirm-ok")
    expect(desktop.locator("#confirm-error-reason")).to_have_text("请填写原因")
    assert requests.get(f"{stack.base_url}/v1/grids/mine", headers=grid_admin, timeout=10).json()["status"] == "PENDING"

    # WHEN they give the reason THEN the grid is rejected with it
    desktop.fill("#confirm-reason", "网格名称与所在村不符")
    desktop.click("#confirm-ok")
    expect(row).to_have_count(0, timeout=SLOW_MS)
    mine = requests.get(f"{stack.base_url}/v1/grids/mine", headers=grid_admin, timeout=10).json()
    assert (mine["status"], mine["reject_reason"]) == ("REJECTED", "网格名称与所在村不符")

    # AND the rejected grids list shows it with its reason
    desktop.select_option("#grids-status", "REJECTED")
    expect(grid_row(desktop, grid)).to_contain_text("网格名称与所在村不符", timeout=SLOW_MS)


def test_a_region_admin_is_granted_sees_the_grids_of_the_area_and_is_withdrawn(desktop: Any, browser: Any,
                                                                            stack: Any) -> None:
    superior = fresh_identity("区管员")
    inside, _ = pending_grid(stack, f"员村第{random.randint(100, 999)}网格", "440106011")
    outside, _ = pending_grid(stack, f"北京路第{random.randint(100, 999)}网格", "440104001")
    # GIVEN the system admin on the region admins WHEN they grant Tianhe (440106) to a person by name and ID number
    console_as(desktop, stack, system_admin(stack))
    open_view(desktop, "regions")
    desktop.fill("#region-name", superior["name"])
    desktop.fill("#region-id-number", superior["id_number"])
    desktop.fill("#region-region-code", "440106")
    desktop.click("#region-submit")
    # THEN the grant is listed, masked
    expect(desktop.locator("#region-info")).to_contain_text("已授予", timeout=SLOW_MS)
    row = desktop.locator("[data-testid=regions-table] tbody tr", has_text=superior["id_number"][-4:])
    expect(row).to_contain_text("区*员")
    expect(row).to_contain_text("440106")
    shot(desktop, "console-region-admins.png")

    # WHEN that person opens the console THEN only the grid approvals are theirs, of their area only
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        theirs = context.new_page()
        console_as(theirs, stack, superior)
        expect(theirs.locator("#menu a")).to_have_text(["网格审核"])
        expect(theirs.locator("#user-roles")).to_contain_text("区域管理员")
        expect(grid_row(theirs, inside)).to_be_visible(timeout=SLOW_MS)
        expect(grid_row(theirs, outside)).to_have_count(0)
    finally:
        context.close()

    # WHEN the system admin withdraws the grant THEN it leaves the list
    confirm_on_row(desktop, row, "withdraw")
    expect(row).to_have_count(0, timeout=SLOW_MS)
    listed = requests.get(f"{stack.base_url}/v1/admin/region-admins", timeout=10,
                          headers=api_login(stack, system_admin(stack))).json()["items"]
    assert not [g for g in listed if g["id_masked"].endswith(superior["id_number"][-4:])
                and g["region_code"] == "440106" and g["name_masked"] == "区*员"]


def test_the_system_admin_grants_lists_and_withdraws_a_medical_staff_grant(desktop: Any, stack: Any) -> None:
    doctor, phone = fresh_identity("钟医生"), new_phone()
    # GIVEN the system admin on 医护人员授权 WHEN they add a doctor by name, phone, unit and position
    console_as(desktop, stack, system_admin(stack))
    open_view(desktop, "medical")
    desktop.fill("#medical-name", doctor["name"])
    desktop.fill("#medical-phone", phone.removeprefix("+86"))
    desktop.fill("#medical-unit", "广州医科大学附属第一医院")
    desktop.fill("#medical-position", "副主任医师")
    desktop.click("#medical-submit")
    # THEN the grant is listed, masked, waiting for the doctor's login
    expect(desktop.locator("#medical-info")).to_contain_text("已添加", timeout=SLOW_MS)
    row = desktop.locator("[data-testid=medical-table] tbody tr", has_text=phone[-4:])
    expect(row).to_contain_text("钟*生")
    expect(row).to_contain_text("待本人登录")

    # WHEN the doctor logs in with the listed phone THEN the list shows the grant in force
    medic = api_login(stack, doctor, phone)
    assert requests.get(f"{stack.base_url}/v1/medical/notices", headers=medic, timeout=10).status_code == 200
    desktop.reload()
    expect(row).to_contain_text("已生效", timeout=SLOW_MS)
    expect(row).to_contain_text("广州医科大学附属第一医院")
    assert phone.removeprefix("+86") not in row.inner_text()
    shot(desktop, "console-medical-staff.png")

    # WHEN they withdraw it THEN it leaves the list and the doctor's role stops at once
    confirm_on_row(desktop, row, "withdraw")
    expect(row).to_have_count(0, timeout=SLOW_MS)
    expect(desktop.locator("#medical-info")).to_contain_text("已撤销")
    assert requests.get(f"{stack.base_url}/v1/medical/notices", headers=medic, timeout=10).status_code == 403


def test_the_system_admin_reads_who_read_a_persons_data(desktop: Any, stack: Any) -> None:
    # GIVEN an organization's admin who read the day's declarations, a member's among them
    boss, member = fresh_identity("审计主任"), fresh_identity("审计成员")
    boss_headers, member_headers = api_login(stack, boss), api_login(stack, member)
    org = requests.post(f"{stack.base_url}/v1/orgs", headers=boss_headers, timeout=10, json={
        "name": "审计测试单位", "address": "广州市越秀区东风中路1号", "level": "CITY", "phone": new_phone()}).json()
    assert requests.post(f"{stack.base_url}/v1/orgs/join", headers=member_headers, timeout=10,
                         json={"join_code": org["join_code"]}).status_code == 201
    declared = requests.post(f"{stack.base_url}/v1/me/declarations", headers=member_headers, timeout=10, json={
        "type": "ORG_MEMBER", "place_id": org["place_id"], "temperature_c": 36.5, "symptoms": [], "answers": {}})
    assert declared.status_code == 201, declared.text
    assert requests.get(f"{stack.base_url}/v1/orgs/{org['place_id']}/declarations", headers=boss_headers,
                        timeout=10).status_code == 200
    subject = requests.get(f"{stack.base_url}/v1/me/code", headers=member_headers, timeout=10).json()["person_id"]

    # WHEN the system admin looks the member up in 数据访问审计
    console_as(desktop, stack, system_admin(stack))
    open_view(desktop, "audit")
    desktop.fill("#audit-subject", subject)
    desktop.click("#audit-query")

    # THEN the organization admin's read is listed, the admin masked, and whose trail it is
    row = desktop.locator("[data-testid=audit-table] tbody tr", has_text="组织机构查看申报明细")
    expect(row).to_have_count(1, timeout=SLOW_MS)
    expect(row).to_contain_text("审**任")
    expect(row).to_contain_text(org["place_id"])
    expect(desktop.locator("#audit-subject-name")).to_contain_text("审**员")
    shot(desktop, "console-audit.png")

    # WHEN what is typed is no person id THEN the page says so and asks nothing
    desktop.fill("#audit-subject", "not-an-id")
    desktop.click("#audit-query")
    expect(desktop.locator("#audit-error")).to_contain_text("人员编号")
