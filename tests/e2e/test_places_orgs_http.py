"""Organizations over HTTP on the local stack: an admin creates an organization, two members bind and declare
(ORG_MEMBER), the admin reads the statistics after the stream is drained, the day's list and the CSV report."""

from __future__ import annotations

import csv
import io
import random

import pytest
import requests

from infra.local.demo import id_number

pytestmark = pytest.mark.e2e


def _login(stack, name, number=None):
    if number is None:
        number = id_number(f"440104{random.randint(1984, 2000)}0{random.randint(1, 9)}{random.randint(10, 28)}"
                           f"{random.randint(100, 999)}")
    answer = requests.post(f"{stack.base_url}/v1/auth/login", timeout=10, json={
        "id_type": "ID_CARD", "id_number": number, "name": name, "method": "FACE", "proof": "dev-pass",
        "phone": "+8613512345678"})
    assert answer.status_code == 200, answer.text
    return {"person_id": answer.json()["person_id"], "headers": {"Authorization": f"Bearer {answer.json()['token']}"}}


def _declare(stack, person, place_id, temperature, symptoms=()):
    return requests.post(f"{stack.base_url}/v1/me/declarations", headers=person["headers"], timeout=10, json={
        "type": "ORG_MEMBER", "place_id": place_id, "temperature_c": temperature, "symptoms": list(symptoms),
        "answers": {"contact_with_case": False, "current_city": "广州市"}})


def test_an_organization_from_registration_to_its_report(local_stack):
    base = local_stack.base_url
    # GIVEN an admin who registers an organization, and two residents who bind with its code
    admin = _login(local_stack, "黄管理")
    created = requests.post(f"{base}/v1/orgs", headers=admin["headers"], timeout=10, json={
        "name": "越秀街道办（测试）", "address": "广州市越秀区中山五路1号", "level": "TOWNSHIP"})
    assert created.status_code == 201, created.text
    org = created.json()
    members = [_login(local_stack, "欧阳成员"), _login(local_stack, "司马成员")]
    for member in members:
        joined = requests.post(f"{base}/v1/orgs/join", headers=member["headers"], timeout=10,
                               json={"join_code": org["join_code"]})
        assert joined.status_code == 201, joined.text
    stranger = _login(local_stack, "路过人员")
    assert _declare(local_stack, stranger, org["place_id"], 36.5).status_code == 403

    # WHEN both declare as members (one with a fever and a cough) and the streams are drained
    declared = [_declare(local_stack, members[0], org["place_id"], 36.6),
                _declare(local_stack, members[1], org["place_id"], 38.1, ["cough"])]
    assert [d.status_code for d in declared] == [201, 201], [d.text for d in declared]
    day = declared[-1].json()["declared_at"][:10]
    assert requests.post(f"{base}/v1/dev/streams/drain", timeout=60).json()["failures"] == []

    # THEN the admin's statistics count them exactly
    shown = requests.get(f"{base}/v1/orgs/{org['place_id']}/stats", params={"date": day}, headers=admin["headers"],
                         timeout=10)
    assert shown.status_code == 200, shown.text
    assert shown.json() | {"members": 2, "declarations_today": 2, "declared_members_today": 2,
                           "undeclared_members_today": 0, "fever_today": 1, "symptomatic_today": 1,
                           "abnormal_today": 1, "declarations_total": 2} == shown.json()

    # AND the day's list shows masked names only
    listed = requests.get(f"{base}/v1/orgs/{org['place_id']}/declarations", params={"date": day},
                          headers=admin["headers"], timeout=10)
    assert listed.status_code == 200, listed.text
    assert sorted(row["name_masked"] for row in listed.json()["items"]) == ["司**员", "欧**员"]
    assert "欧阳成员" not in listed.text

    # AND the CSV report opens in Excel: UTF-8 with a BOM, one row per declaration
    report = requests.get(f"{base}/v1/orgs/{org['place_id']}/report", params={"date": day},
                          headers=admin["headers"], timeout=10)
    assert report.status_code == 200, report.text
    assert report.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert report.headers["Content-Disposition"].startswith("attachment;")
    assert report.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "申报时间", "姓名"] and len(rows) == 3
    assert [row[2] for row in rows[1:]] == ["欧**员", "司**员"] and rows[2][5] == "是"

    # AND a member is refused the admin's views
    assert requests.get(f"{base}/v1/orgs/{org['place_id']}/report", headers=members[0]["headers"],
                        timeout=10).status_code == 403


def test_a_member_who_unbinds_can_no_longer_declare_and_leaves_the_count(local_stack):
    base = local_stack.base_url
    admin, member = _login(local_stack, "钟管理"), _login(local_stack, "钟成员")
    org = requests.post(f"{base}/v1/orgs", headers=admin["headers"], timeout=10, json={
        "name": "钟氏商行", "address": "广州市荔湾区上下九路1号", "level": "COUNTY"}).json()
    requests.post(f"{base}/v1/orgs/join", headers=member["headers"], json={"join_code": org["join_code"]}, timeout=10)
    mine = requests.get(f"{base}/v1/me/orgs", headers=member["headers"], timeout=10).json()
    assert [o["place_id"] for o in mine["items"]] == [org["place_id"]]

    assert requests.delete(f"{base}/v1/me/orgs/{org['place_id']}", headers=member["headers"],
                           timeout=10).status_code == 204
    refused = _declare(local_stack, member, org["place_id"], 36.5)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "NOT_ORG_MEMBER"
    shown = requests.get(f"{base}/v1/orgs/{org['place_id']}/stats", headers=admin["headers"], timeout=10).json()
    assert shown["members"] == 0


def test_the_demo_organization_is_ready_for_its_admin_and_member(local_stack):
    base = local_stack.base_url
    people = {p["name"]: p for p in local_stack.demo["people"]}
    boss = _login(local_stack, "王管理", people["王管理"]["id_number"])
    member = _login(local_stack, "李小红", people["李小红"]["id_number"])
    mine = requests.get(f"{base}/v1/orgs/mine", headers=boss["headers"], timeout=10)
    assert mine.status_code == 200, mine.text
    org = mine.json()
    assert org["name"] == local_stack.demo["org"]["name"] and org["join_code"] == local_stack.demo["org"]["join_code"]
    bound = requests.get(f"{base}/v1/me/orgs", headers=member["headers"], timeout=10).json()["items"]
    assert org["place_id"] in [o["place_id"] for o in bound]
    shown = requests.get(f"{base}/v1/orgs/{org['place_id']}/stats", headers=boss["headers"], timeout=10).json()
    assert shown["members"] >= 1 and shown["declarations_total"] >= 1
