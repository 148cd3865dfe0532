"""What the grid pages' browser tests share: a grid made and approved over the API (a system admin approves, as a
superior would in the console), workers bound and authorized, a collection, the township picked on the page."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import requests
from browser_support import api_login, fresh_identity

from infra.local.demo import DEMO_PEOPLE

TIANHE_YUANCUN = "440106002"  # 广东省广州市天河区员村街道


def system_admin(stack: Any) -> dict[str, str]:
    """The demo system admin's headers (a superior who approves any grid)."""
    boss = next(p for p in DEMO_PEOPLE if p.get("system_admin"))
    return api_login(stack, {"id_number": boss["id_number"], "name": boss["name"]})


def person(stack: Any, name: str, born: str = "1988") -> tuple[dict[str, str], dict[str, str], str]:
    """A fresh resident who has logged in once: (identity, headers, person_id)."""
    identity = fresh_identity(name, born)
    headers = api_login(stack, identity, "+8613712345678")
    me = requests.get(f"{stack.base_url}/v1/me/code", headers=headers, timeout=10).json()
    return identity, headers, me["person_id"]


def create_grid(stack: Any, headers: Mapping[str, str], name: str | None = None,
                region_code: str = TIANHE_YUANCUN) -> dict[str, Any]:
    created = requests.post(f"{stack.base_url}/v1/grids", headers=dict(headers), timeout=10,
                            json={"region_code": region_code, "name": name or f"员村第{random.randint(1, 9999)}网格"})
    assert created.status_code == 201, created.text
    return created.json()


def approve(stack: Any, place_id: str) -> None:
    answer = requests.post(f"{stack.base_url}/v1/admin/grids/{place_id}/approve", headers=system_admin(stack),
                           timeout=10)
    assert answer.status_code == 200, answer.text


def approved_grid(stack: Any, headers: Mapping[str, str], name: str | None = None) -> dict[str, Any]:
    grid = create_grid(stack, headers, name)
    approve(stack, grid["place_id"])
    return grid


def join(stack: Any, headers: Mapping[str, str], join_code: str) -> requests.Response:
    return requests.post(f"{stack.base_url}/v1/grids/join", headers=dict(headers), timeout=10,
                         json={"join_code": join_code})


def grid_with_worker(stack: Any, admin_headers: Mapping[str, str], worker_headers: Mapping[str, str],
                     name: str | None = None) -> dict[str, Any]:
    """An approved grid of the admin of `admin_headers`, with the person of `worker_headers` bound as its worker."""
    grid = approved_grid(stack, admin_headers, name)
    answer = join(stack, worker_headers, grid["join_code"])
    assert answer.status_code == 201, answer.text
    return grid


def authorize(stack: Any, admin_headers: Mapping[str, str], place_id: str, person_id: str) -> None:
    answer = requests.post(f"{stack.base_url}/v1/grids/{place_id}/workers/{person_id}/authorization",
                           headers=dict(admin_headers), timeout=10)
    assert answer.status_code == 200, answer.text


def code_of(stack: Any, headers: Mapping[str, str]) -> str:
    return requests.get(f"{stack.base_url}/v1/me/code", headers=dict(headers), timeout=10).json()["qr"]


def collect(stack: Any, worker_headers: Mapping[str, str], place_id: str, qr: str, temperature: str = "NORMAL",
            ) -> dict[str, Any]:
    answer = requests.post(f"{stack.base_url}/v1/grids/{place_id}/collections", timeout=10,
                           headers=dict(worker_headers) | {"Idempotency-Key": f"browser-{random.random()}"},
                           json={"qr": qr, "temperature": temperature, "answers": {}})
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def stats(stack: Any, admin_headers: Mapping[str, str], place_id: str) -> dict[str, Any]:
    answer = requests.get(f"{stack.base_url}/v1/grids/{place_id}/stats", headers=dict(admin_headers), timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def my_grids(stack: Any, headers: Mapping[str, str]) -> list[dict[str, Any]]:
    answer = requests.get(f"{stack.base_url}/v1/me/grids", headers=dict(headers), timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def pick_township(page: Any, form: str = "create", city: str = "4401", county: str = "440106",
                  township: str = TIANHE_YUANCUN) -> None:
    page.select_option(f"[data-testid={form}-city]", city)
    page.select_option(f"[data-testid={form}-county]", county)
    page.select_option(f"[data-testid={form}-township]", township)
