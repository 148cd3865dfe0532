"""The venue loop over HTTP on the local stack: an admin, two inspectors scanning concurrently (with device retries),
quick check-ins, and the admin's statistics equal to exactly what was submitted."""

from __future__ import annotations

import random
import threading
import uuid

import pytest
import requests

from infra.local.demo import id_number

pytestmark = pytest.mark.e2e


def _login(stack, name, birth, female=False):
    seq = random.randrange(0, 500) * 2 + (0 if female else 1)
    region = "440104" if birth >= "1983" else "440100"  # 越秀区 exists since 1983
    body = {"id_type": "ID_CARD", "id_number": id_number(f"{region}{birth}{seq:03d}"), "name": name,
            "method": "FACE", "proof": "dev-pass", "phone": "+8613512345678"}
    answer = requests.post(f"{stack.base_url}/v1/auth/login", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    token = answer.json()["token"]
    return {"person_id": answer.json()["person_id"], "headers": {"Authorization": f"Bearer {token}"},
            "female": female, "birth": birth}


def test_two_inspectors_scan_concurrently_and_the_statistics_are_exact(local_stack):
    base = local_stack.base_url
    admin = _login(local_stack, "郑管理", "19850303")
    first, second = _login(local_stack, "王检测", "19920404"), _login(local_stack, "李检测", "19930505", female=True)
    created = requests.post(f"{base}/v1/venues", headers=admin["headers"], timeout=10, json={
        "region_code": "441900003", "address": "东城大道1号", "type": "RESTAURANT", "name": "东莞食府",
        "phone": "0769-22223333"})
    assert created.status_code == 201, created.text
    venue = created.json()
    for inspector in (first, second):
        joined = requests.post(f"{base}/v1/venues/join", headers=inspector["headers"],
                               json={"join_code": venue["join_code"]}, timeout=10)
        assert joined.status_code == 201, joined.text
    visitors = [_login(local_stack, "访客", birth, female)
                for birth, female in (("20120101", True), ("19990909", False), ("19750707", True),
                                      ("19551111", False))]
    for visitor in visitors:
        visitor["qr"] = requests.get(f"{base}/v1/me/code", headers=visitor["headers"], timeout=10).json()["qr"]

    submitted, lock, errors = [], threading.Lock(), []

    def scan(inspector, rounds, seed):
        rng = random.Random(seed)
        for i in range(rounds):
            visitor = rng.choice(visitors)
            temperature = "FEVER" if rng.random() < 0.25 else "NORMAL"
            key = str(uuid.uuid4())
            tries = 2 if i % 5 == 0 else 1  # a device retry: same key, counted once
            for _ in range(tries):
                answer = requests.post(f"{base}/v1/venues/{venue['place_id']}/checks", headers=inspector["headers"]
                                       | {"Idempotency-Key": key}, json={"qr": visitor["qr"],
                                                                         "temperature": temperature}, timeout=20)
                if answer.status_code not in (200, 201):
                    errors.append(answer.text)
                    return
            body = answer.json()
            assert "访客" not in answer.text and visitor["person_id"] not in answer.text
            with lock:
                submitted.append((inspector["person_id"], temperature, visitor, body["checked_at"]))

    threads = [threading.Thread(target=scan, args=(first, 15, 1)), threading.Thread(target=scan, args=(second, 15, 2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(submitted) == 30

    code = requests.get(f"{base}/v1/venues/{venue['place_id']}/quick-code", headers=first["headers"], timeout=10)
    assert code.status_code == 200
    png = requests.get(f"{base}/v1/venues/{venue['place_id']}/quick-code", params={"format": "png"},
                       headers=admin["headers"], timeout=10)
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    quick = requests.post(f"{base}/v1/quick-checkin", headers=visitors[0]["headers"], json={"qr": code.json()["qr"]},
                          timeout=10)
    assert quick.status_code == 201, quick.text

    drained = requests.post(f"{base}/v1/dev/streams/drain", timeout=60)
    assert drained.status_code == 200 and drained.json()["failures"] == []
    day = submitted[-1][3][:10]
    stats = requests.get(f"{base}/v1/venues/{venue['place_id']}/stats", params={"date": day},
                         headers=admin["headers"], timeout=10)
    assert stats.status_code == 200, stats.text
    shown = stats.json()
    assert shown["checks_total"] == 31 and shown["quick_checkins_total"] == 1
    assert shown["fever_total"] == sum(t == "FEVER" for _, t, _, _ in submitted)
    assert sum(shown["cumulative"]["hourly"]) == 31
    assert shown["cumulative"]["gender"]["female"] == sum(v["female"] for _, _, v, _ in submitted) + 1
    by_inspector = {row["person_id"]: row for row in shown["inspectors"]}
    assert by_inspector[first["person_id"]]["total"] == 15 and by_inspector[second["person_id"]]["total"] == 15
    assert by_inspector[second["person_id"]]["name_masked"] == "李*测"

    mine = requests.get(f"{base}/v1/inspector/stats", params={"date": day}, headers=first["headers"], timeout=10)
    assert mine.status_code == 200 and mine.json()["total"] == 15
    forbidden = requests.get(f"{base}/v1/venues/{venue['place_id']}/stats", headers=first["headers"], timeout=10)
    assert forbidden.status_code == 403


def test_the_demo_venue_is_seeded_with_its_admin_and_inspector(local_stack):
    venue = local_stack.demo["venue"]
    admin = venue["admin"]
    login = requests.post(f"{local_stack.base_url}/v1/auth/login", timeout=10, json={
        "id_type": "ID_CARD", "id_number": admin["id_number"], "name": admin["name"], "method": "FACE",
        "proof": "dev-pass"})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    mine = requests.get(f"{local_stack.base_url}/v1/venues/mine", headers=headers, timeout=10)
    assert mine.status_code == 200 and mine.json()["join_code"] == venue["join_code"]
    bound = requests.get(f"{local_stack.base_url}/v1/inspector/venues", headers=headers, timeout=10)
    assert [v["place_id"] for v in bound.json()["items"]] == [venue["place_id"]]
