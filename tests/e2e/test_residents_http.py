"""Residents over HTTP on the local stack: a guardian's family, declarations, itinerary card and Macau code."""

from __future__ import annotations

import base64
import json
import random
import re
import time
from urllib.parse import quote

import pytest
import requests

from infra.local.demo import id_number

pytestmark = pytest.mark.e2e


def new_id_number(year: int) -> str:
    return id_number(f"440100{year}{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}")


class Client:
    def __init__(self, base_url: str, token: str, person_id: str) -> None:
        self.base_url, self.person_id = base_url, person_id
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params):
        return requests.get(f"{self.base_url}{path}", params=params, headers=self.headers, timeout=15)

    def post(self, path: str, body, **params):
        return requests.post(f"{self.base_url}{path}", params=params, json=body, headers=self.headers, timeout=15)

    def delete(self, path: str):
        return requests.delete(f"{self.base_url}{path}", headers=self.headers, timeout=15)


def log_in(stack, number: str, name: str, phone: str | None = None) -> Client:
    body = {"id_type": "ID_CARD", "id_number": number, "name": name, "method": "FACE", "proof": "dev-pass"}
    if phone:
        body["phone"] = phone
    answer = requests.post(f"{stack.base_url}/v1/auth/login", json=body, timeout=15)
    assert answer.status_code == 200, answer.text
    return Client(stack.base_url, answer.json()["token"], answer.json()["person_id"])


def add_member(guardian: Client, relation: str, name: str, number: str, method: str = "FACE"):
    return guardian.post("/v1/me/family", {"relation": relation, "name": name, "id_type": "ID_CARD",
                                           "id_number": number, "verification": {"method": method,
                                                                                 "proof": "dev-pass"}})


@pytest.fixture(scope="module")
def household(local_stack):
    """A fresh guardian who adds a child and a parent over HTTP."""
    guardian = log_in(local_stack, new_id_number(1985), "赵监护")
    child = add_member(guardian, "CHILD", "赵小宝", new_id_number(2016), method="ID_MATCH")
    parent = add_member(guardian, "PARENT", "赵老爷", new_id_number(1948))
    assert child.status_code == 201, child.text
    assert parent.status_code == 201, parent.text
    return {"guardian": guardian, "child": child.json(), "parent": parent.json()}


def test_the_guardian_lists_the_child_and_the_parent(household):
    listed = household["guardian"].get("/v1/me/family").json()["items"]
    assert {(m["person_id"], m["relation_label"], m["color"]) for m in listed} == {
        (household["child"]["person_id"], "子女", "GREEN"), (household["parent"]["person_id"], "父母", "GREEN")}
    assert all(m["name_masked"] in ("赵*宝", "赵*爷") for m in listed)


@pytest.mark.parametrize("who", ["child", "parent"])
def test_the_guardian_shows_each_members_code_and_its_display_is_logged(household, who):
    guardian, member = household["guardian"], household[who]
    shown = guardian.get("/v1/me/code", member=member["person_id"])
    assert shown.status_code == 200
    assert shown.json()["person_id"] == member["person_id"] and shown.json()["qr"].startswith("YKM1.")
    log = guardian.get("/v1/me/display-log", member=member["person_id"]).json()["items"]
    assert log and log[0]["color"] == "GREEN"


@pytest.mark.parametrize("who", ["child", "parent"])
def test_the_guardian_prints_each_members_offline_code(household, who):
    # the card is drawn from the people stream a moment after the member is added: ask again as Retry-After says
    deadline = time.monotonic() + 60
    while True:
        answer = household["guardian"].get("/v1/me/code/physical", member=household[who]["person_id"])
        if answer.status_code != 404 or time.monotonic() > deadline:
            break
        assert answer.json()["error"]["code"] == "CARD_NOT_READY" and answer.headers["Retry-After"]
        time.sleep(float(answer.headers["Retry-After"]))
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("image/png")


def test_the_guardian_declares_for_themselves(household):
    guardian = household["guardian"]
    declared = guardian.post("/v1/me/declarations", {"type": "SELF_CHECK", "temperature_c": 36.4, "symptoms": [],
                                                     "answers": {"contact_with_case": False}})
    assert declared.status_code == 201, declared.text
    listed = guardian.get("/v1/me/declarations").json()["items"]
    assert listed[0]["declaration_id"] == declared.json()["declaration_id"]
    assert listed[0]["type_label"] == "个人自查申报"


def test_a_bad_declaration_names_the_field(household):
    answer = household["guardian"].post("/v1/me/declarations", {"type": "PERSONAL", "temperature_c": 45})
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "temperature_c"


def test_the_demo_resident_reads_the_itinerary_card_with_an_sms_code(local_stack):
    demo = local_stack.demo["people"][1]
    resident = log_in(local_stack, demo["id_number"], demo["name"], demo["phone"])
    sent = resident.post("/v1/itinerary/sms-code", {"phone": demo["phone"]})
    assert sent.status_code == 202, sent.text
    messages = requests.get(f"{local_stack.base_url}/v1/dev/sms?phone={quote(demo['phone'])}",
                            timeout=10).json()["messages"]
    code = re.search(r"\d{6}", messages[-1]["text"]).group(0)
    card = resident.post("/v1/itinerary", {"phone": demo["phone"], "sms_code": code})
    assert card.status_code == 200, card.text
    assert [c["city"] for c in card.json()["cities"]] == local_stack.demo["residents"]["itinerary_cities"]


def test_the_itinerary_card_is_read_for_any_mainland_mobile_its_sms_code_proves(household, local_stack):
    # The guide asks for a phone number and its SMS code only: the code sent to the number proves the handset
    phone = "+8613800001111"
    sent = household["guardian"].post("/v1/itinerary/sms-code", {"phone": phone})
    assert sent.status_code == 202, sent.text
    messages = requests.get(f"{local_stack.base_url}/v1/dev/sms?phone={quote(phone)}", timeout=10).json()["messages"]
    code = re.search(r"\d{6}", messages[-1]["text"]).group(0)
    assert household["guardian"].post("/v1/itinerary", {"phone": phone, "sms_code": code}).status_code == 200
    assert household["guardian"].post("/v1/itinerary/sms-code", {"phone": "+85291234567"}).status_code == 400


def test_the_guardian_gets_a_macau_code_shown_as_its_own_page(household):
    guardian = household["guardian"]
    declaration = {"entry_port": "HENGQIN", "temperature_c": 36.5, "symptoms": [], "contact_with_case": False,
                   "visited_risk_area": False, "returned_from_abroad": False, "confirmed": True}
    issued = guardian.post("/v1/me/macau-code", {"declaration": declaration})
    assert issued.status_code == 201, issued.text
    shown = guardian.get("/v1/me/macau-code").json()
    assert shown["status"] == "VALID" and shown["qr"] == issued.json()["qr"]
    payload = shown["qr"].split(".")[2]  # YKM1.<kid>.<payload>.<sig>
    assert json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["t"] == "M"


def test_an_unconfirmed_macau_declaration_is_refused(household):
    answer = household["guardian"].post("/v1/me/macau-code", {"declaration": {
        "entry_port": "HENGQIN", "contact_with_case": False, "visited_risk_area": False,
        "returned_from_abroad": False, "confirmed": False}})
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "declaration.confirmed"


def test_a_stranger_sees_none_of_the_familys_data(local_stack, household):
    stranger = log_in(local_stack, new_id_number(1979), "钱路人")
    child = household["child"]["person_id"]
    for path, query in (("/v1/me/code", {}), ("/v1/me/display-log", {}), ("/v1/me/declarations", {}),
                        ("/v1/me/macau-code", {}), ("/v1/me/code/physical", {}), ("/v1/me/orgs", {}),
                        ("/v1/me/records", {"kind": "declaration"}), ("/v1/me/records", {"kind": "display"})):
        answer = stranger.get(path, member=child, **query)
        assert answer.status_code == 404, path
        assert "赵" not in answer.text
    assert stranger.post("/v1/me/declarations", {"type": "PERSONAL"}, member=child).status_code == 404
    assert stranger.post("/v1/me/code/reissue", {}, member=child).status_code == 404
    assert stranger.delete(f"/v1/me/family/{child}").status_code == 404
    assert stranger.get("/v1/me/family").json()["items"] == []
    assert household["guardian"].get("/v1/me/code", member=child).status_code == 200


def test_removing_a_member_takes_them_off_the_list(local_stack):
    guardian = log_in(local_stack, new_id_number(1990), "孙监护")
    member = add_member(guardian, "SIBLING", "孙二", new_id_number(1995)).json()
    assert guardian.delete(f"/v1/me/family/{member['person_id']}").status_code == 204
    assert guardian.get("/v1/me/family").json()["items"] == []
    assert guardian.get("/v1/me/code", member=member["person_id"]).status_code == 404
