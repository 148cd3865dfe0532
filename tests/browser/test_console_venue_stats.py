"""The console as a venue's admin: logging in with the venue's registered phone and SMS code, the statistics of the
venue's checks as charts over a date range, each chart readable as a table with the numbers of the checks made."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
import requests
from browser_support import SLOW_MS, api_login, drain, expect, fresh_identity
from console_support import chart_table, console_login, new_phone, shot
from healthcode.core.clock import SHANGHAI

pytestmark = pytest.mark.browser


def gender_of(identity: dict[str, str]) -> str:
    """男 or 女, as the 17th digit of the ID number says (odd: male)."""
    return "男" if int(identity["id_number"][16]) % 2 else "女"


@pytest.fixture(scope="module")
def venue(stack: Any) -> dict[str, Any]:
    """A venue registered with a phone of its own; its admin, also its inspector, checked three visitors today,
    aged about 30, 50 and 10, the second with a fever."""
    base = stack.base_url
    phone = new_phone()
    admin = fresh_identity("柯场管", "1985")
    headers = api_login(stack, admin)
    created = requests.post(f"{base}/v1/venues", headers=headers, timeout=10, json={
        "region_code": "440106001", "address": "天河路385号", "type": "SHOPPING_MALL", "name": "太古汇（测试）",
        "phone": phone})
    assert created.status_code == 201, created.text
    place = created.json()
    joined = requests.post(f"{base}/v1/venues/join", headers=headers, timeout=10, json={"join_code": place["join_code"]})
    assert joined.status_code == 201, joined.text
    year = datetime.now(SHANGHAI).year
    visitors = [fresh_identity("甲访客", str(year - 30)), fresh_identity("乙访客", str(year - 50)),
                fresh_identity("丙访客", str(year - 10))]
    for visitor, temperature in zip(visitors, ("NORMAL", "FEVER", "NORMAL"), strict=True):
        qr = requests.get(f"{base}/v1/me/code", headers=api_login(stack, visitor), timeout=10).json()["qr"]
        checked = requests.post(f"{base}/v1/venues/{place['place_id']}/checks", timeout=10,
                                headers=headers | {"Idempotency-Key": uuid.uuid4().hex},
                                json={"qr": qr, "temperature": temperature})
        assert checked.status_code in (200, 201), checked.text
    drain(stack)
    return place | {"phone": phone, "visitors": visitors}


def test_the_venue_admin_logs_in_and_reads_the_statistics_as_charts_and_tables(desktop: Any, stack: Any,
                                                                               venue: dict[str, Any]) -> None:
    # GIVEN three checks today, one with a fever WHEN the venue's admin logs in with the venue's phone
    console_login(desktop, stack, venue["phone"])

    # THEN the venue's statistics open, drawn as charts
    expect(desktop.locator("#menu a")).to_have_text(["场所统计"])
    expect(desktop.locator("#venue-name")).to_have_text("太古汇（测试）")
    expect(desktop.locator("#venue-stats[data-loaded]")).to_be_attached(timeout=SLOW_MS)
    for chart in ("venue-daily", "venue-gender", "venue-ages", "venue-hourly", "venue-fever", "venue-inspectors"):
        expect(desktop.locator(f"#chart-{chart}[data-drawn=true] canvas")).to_have_count(1)
    assert desktop.locator("[data-testid=kpi-checks]").inner_text() == "3"
    assert desktop.locator("[data-testid=kpi-fever]").inner_text() == "1"
    shot(desktop, "console-venue-stats.png")

    # AND each chart reads as a table with the same numbers
    males = sum(gender_of(v) == "男" for v in venue["visitors"])
    assert chart_table(desktop, "venue-gender") == {"男": [str(males)], "女": [str(3 - males)], "未知": ["0"]}
    assert chart_table(desktop, "venue-ages") == {"0-17岁": ["1"], "18-39岁": ["1"], "40-59岁": ["1"],
                                                  "60岁及以上": ["0"], "未知": ["0"]}
    assert chart_table(desktop, "venue-fever") == {"正常": ["2"], "发热": ["1"]}
    daily = chart_table(desktop, "venue-daily")
    assert len(daily) == 7 and list(daily.values())[-1] == ["3", "1"]
    hourly = chart_table(desktop, "venue-hourly")
    assert sum(int(cells[0]) for cells in hourly.values()) == 3
    inspectors = chart_table(desktop, "venue-inspectors")
    assert [cells[0] for cells in inspectors.values()] == ["3"] and list(inspectors) == ["柯*管"]
