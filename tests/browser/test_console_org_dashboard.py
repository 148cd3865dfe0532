"""The console as an organization's admin (guide 四(一)1(3), FAQ 四3): logging in on a desktop with the phone they
registered for the organization, image code and SMS code; the dashboard's numbers are the members' declarations;
the declarations table and its filters; the day's report downloaded."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
import requests
from browser_support import SLOW_MS, api_login, drain, expect, fresh_identity
from console_support import chart_table, console_as, console_login, new_phone, open_view, shot

pytestmark = pytest.mark.browser


def declare(stack: Any, headers: dict[str, str], place_id: str, temperature: float, symptoms: list[str],
            risk: bool) -> None:
    answer = requests.post(f"{stack.base_url}/v1/me/declarations", headers=headers, timeout=10, json={
        "type": "ORG_MEMBER", "place_id": place_id, "temperature_c": temperature, "symptoms": symptoms,
        "answers": {"contact_with_case": risk, "visited_risk_area": False, "current_city": "广州市"}})
    assert answer.status_code == 201, answer.text


@pytest.fixture(scope="module")
def organization(stack: Any) -> dict[str, Any]:
    """An organization registered with a phone of its own, four members bound, three of whom declared today: one
    well, one with a fever and a cough, one who answered yes to contact with a case."""
    phone = new_phone()
    boss = fresh_identity("周主任")
    admin = api_login(stack, boss)
    created = requests.post(f"{stack.base_url}/v1/orgs", headers=admin, timeout=10, json={
        "name": "天河区卫健局（测试）", "address": "广州市天河区天府路1号", "level": "COUNTY", "phone": phone})
    assert created.status_code == 201, created.text
    org = created.json()
    members = []
    for name in ("欧阳明", "司马青", "上官红", "诸葛亮"):
        headers = api_login(stack, fresh_identity(name))
        joined = requests.post(f"{stack.base_url}/v1/orgs/join", headers=headers, timeout=10,
                               json={"join_code": org["join_code"]})
        assert joined.status_code == 201, joined.text
        members.append(headers)
    declare(stack, members[0], org["place_id"], 36.5, [], False)
    declare(stack, members[1], org["place_id"], 38.2, ["cough"], False)
    declare(stack, members[2], org["place_id"], 36.7, [], True)
    drain(stack)
    return org | {"phone": phone, "admin": boss}


def test_the_org_admin_logs_in_with_the_registered_phone_and_sees_the_dashboard(desktop: Any, stack: Any,
                                                                                organization: dict[str, Any]) -> None:
    # GIVEN the organization's members and declarations WHEN its admin logs in with the phone registered for it
    console_login(desktop, stack, organization["phone"])

    # THEN the menu is the organization's, and the dashboard opens on it with today's numbers
    expect(desktop.locator("#menu a")).to_have_text(["组织机构看板", "申报明细"])
    expect(desktop.locator("#org-name")).to_have_text("天河区卫健局（测试）")
    expect(desktop.locator("#org-dashboard[data-loaded]")).to_be_attached(timeout=SLOW_MS)
    numbers = {key: desktop.locator(f"[data-testid=kpi-{key}]").inner_text()
               for key in ("members", "declared", "undeclared", "fever", "symptomatic", "risk")}
    assert numbers == {"members": "4", "declared": "3", "undeclared": "1", "fever": "1", "symptomatic": "1",
                       "risk": "1"}
    # AND the pie of today's share and the daily trend (a week, today last) read as tables too
    assert chart_table(desktop, "org-declared") == {"已申报": ["3"], "未申报": ["1"]}
    trend = chart_table(desktop, "org-trend")
    assert len(trend) == 7
    assert list(trend.values())[-1] == ["3", "3", "1", "1", "1", "1"]  # 人次, 已申报, 未申报, 发热, 症状, 风险
    assert all(cells == ["0", "0", "4", "0", "0", "0"] for cells in list(trend.values())[:-1])
    shot(desktop, "console-org-dashboard.png")

    # WHEN the range is the last 30 days THEN the trend has 30 days, the numbers the same
    desktop.click(".c-toolbar button:has-text('近30天')")
    expect(desktop.locator("[data-testid=chart-org-trend-table] tbody tr")).to_have_count(30, timeout=SLOW_MS)
    assert desktop.locator("[data-testid=kpi-fever]").inner_text() == "1"

    # WHEN the range is upside down THEN it is refused on the page, naming the dates
    desktop.fill("#org-from", "2026-01-10")
    desktop.fill("#org-to", "2026-01-01")
    desktop.click("#org-query")
    expect(desktop.locator("#org-range-error")).to_have_text("开始日期不能晚于结束日期")


def test_the_org_admin_filters_the_declarations_and_downloads_the_report(desktop: Any, stack: Any,
                                                                         organization: dict[str, Any]) -> None:
    # GIVEN the admin in the console WHEN they open the declarations of today
    console_as(desktop, stack, organization["admin"])
    open_view(desktop, "declarations")
    rows = desktop.locator("[data-testid=declarations-table] tbody tr")
    expect(rows).to_have_count(3, timeout=SLOW_MS)
    # THEN the names are masked
    names = sorted(desktop.locator("[data-testid=declarations-table] tbody tr td:nth-child(3)").all_inner_texts())
    assert names == ["上*红", "司*青", "欧*明"]

    # WHEN filtered by fever, then by risk answers THEN one declaration each
    desktop.select_option("#decl-filter", "fever")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("38.2")
    desktop.select_option("#decl-filter", "risk")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("接触")
    shot(desktop, "console-org-declarations.png")

    # WHEN the CSV report is downloaded THEN it holds the three declarations
    with desktop.expect_download(timeout=SLOW_MS) as download:
        desktop.click("#download-csv")
    text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115 - read at once
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["序号", "申报时间", "姓名"]
    assert sorted(row[2] for row in table[1:]) == ["上*红", "司*青", "欧*明"]
    assert download.value.suggested_filename == f"天河区卫健局（测试）-健康申报-{table[1][1][:10]}.csv"
    expect(desktop.locator("#decl-download-note")).to_contain_text("已下载")

    # WHEN the Excel report is downloaded THEN it is a workbook of the same rows
    with desktop.expect_download(timeout=SLOW_MS) as download:
        desktop.click("#download-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0][:3]) == ["序号", "申报时间", "姓名"]
    assert sorted(row[2] for row in rows[1:]) == ["上*红", "司*青", "欧*明"]
