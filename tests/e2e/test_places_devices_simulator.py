"""Scanner devices over HTTP on the local stack (issue 14): the simulator (infra.device) registers a device as a
venue's admin and plays scans and ID-card reads, with an offline spell whose queued checks are measured over the
last hours and sent twice; the venue statistics count exactly what it recorded, per device, day and hour; after
the admin revokes the device its key is refused."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
import requests

from infra.device import run
from infra.local.demo import id_number

pytestmark = pytest.mark.e2e


def test_a_simulated_device_is_counted_exactly_per_day_and_hour_and_stops_when_revoked(local_stack):
    base = local_stack.base_url.rstrip("/")
    admin = {"id_number": id_number(f"44010419870{random.randint(1, 9)}{random.randint(10, 28)}"
                                    f"{random.randint(100, 999)}"), "name": "钟管理"}
    login = requests.post(f"{base}/v1/auth/login", timeout=10, json=admin | {
        "id_type": "ID_CARD", "method": "FACE", "proof": "dev-pass"})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    created = requests.post(f"{base}/v1/venues", headers=headers, timeout=10, json={
        "region_code": "440106001", "address": "天河路1号", "type": "OFFICE", "name": "设备测试大厦",
        "phone": "+8613800138000"})
    assert created.status_code == 201, created.text
    place_id = created.json()["place_id"]

    lines: list[str] = []
    summary = run(base, admin["id_number"], admin["name"], events=24, visitors=4, offline_at=6, offline_for=10,
                  offline_hours=6, resend_twice=True, seed=14, echo=lines.append)
    assert summary["place_id"] == place_id
    assert summary["failures"] == [], lines  # no 4xx/5xx answer
    assert summary["recorded"] > 10 and sum(summary["by_day_hour"].values()) == summary["recorded"]
    assert any("(replayed)" in line for line in lines)  # the queue's second sending was answered as a replay
    assert "陈小明" not in "\n".join(lines) and "路人" not in "\n".join(lines)  # masked names only

    drained = requests.post(f"{base}/v1/dev/streams/drain", timeout=60)
    assert drained.status_code == 200 and drained.json()["failures"] == []
    per_day: dict[str, list[int]] = defaultdict(lambda: [0] * 24)
    for key, count in summary["by_day_hour"].items():
        day, hour = key.split()
        per_day[day][int(hour)] += count
    for day, hourly in per_day.items():
        stats = requests.get(f"{base}/v1/venues/{place_id}/stats", params={"date": day}, headers=headers, timeout=10)
        assert stats.status_code == 200, stats.text
        shown = stats.json()
        assert shown["hourly"] == hourly, (day, shown["hourly"], hourly)
        assert shown["checks_today"] == sum(hourly) and shown["checks_total"] == summary["recorded"]
        [row] = [r for r in shown["inspectors"] if r["person_id"] == summary["device_id"]]
        assert row["device"] is True and row["name_masked"] == "东门哨兵"
        assert (row["today"], row["total"]) == (sum(hourly), summary["recorded"])

    revoked = requests.delete(f"{base}/v1/venues/{place_id}/devices/{summary['device_id']}", headers=headers,
                              timeout=10)
    assert revoked.status_code == 200 and revoked.json()["status"] == "REVOKED"
    refused = requests.post(f"{base}/v1/device/checks", timeout=10, json={"qr": "x", "temperature_c": 36.5,
                                                                           "measured_at": "2026-01-01T00:00:00"},
                            headers={"x-device-key": summary["device_key"], "Idempotency-Key": "after-revoke"})
    assert refused.status_code == 401
    keys = requests.get(f"{base}/v1/device/keys", headers={"x-device-key": summary["device_key"]}, timeout=10)
    assert keys.status_code == 401
