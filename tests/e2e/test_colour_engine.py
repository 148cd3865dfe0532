"""The colour engine on the local stack, over HTTP: feeds -> stream -> colour, medics, schedules, printed codes."""

from __future__ import annotations

import base64
import io
import json
import random
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from e2e_support import login as log_in
from e2e_support import wait_for

from infra.local.demo import id_number

pytestmark = pytest.mark.e2e
SHANGHAI = timezone(timedelta(hours=8))


def iso(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).isoformat(timespec="milliseconds")


def now() -> datetime:
    return datetime.now(SHANGHAI)


def new_resident() -> dict:
    number = id_number(f"440106{random.randint(1986, 2000)}0{random.randint(1, 9)}{random.randint(10, 28)}"
                       f"{random.randint(100, 999)}")
    return {"id_type": "ID_CARD", "id_number": number, "name": "梁测试"}


def feed(stack, records):
    for _ in range(20):  # the usage plan's burst may be spent by another test of this session
        answer = requests.post(f"{stack.base_url}/v1/feeds/health-events", json=records, timeout=30,
                               headers={"x-api-key": stack.feed_api_key})
        if answer.status_code != 429:
            return answer
        time.sleep(0.5)
    return answer


def record(person, kind="NUCLEIC_ACID", **fields):
    base = {"event_id": f"e2e-{uuid.uuid4().hex}", "person": person, "kind": kind, "occurred_at": iso(now() - timedelta(
        hours=1))}
    if kind in ("NUCLEIC_ACID", "ANTIBODY"):
        base |= {"result": "POSITIVE", "details": {"institution": "广州市第八人民医院"}}
    return base | fields


def login(stack, person, phone=None):
    return log_in(stack, person["name"], person["id_number"], phone)


def headers(session):
    return {"Authorization": f"Bearer {session['token']}"}


def my_code(stack, session):
    return requests.get(f"{stack.base_url}/v1/me/code", headers=headers(session), timeout=10).json()


@pytest.fixture(scope="module")
def medic(local_stack):
    """A doctor the system admin listed, logged in with the phone on the list."""
    admin = next(p for p in local_stack.demo["people"] if p.get("system_admin"))
    admin_session = login(local_stack, admin)
    phone = f"+86136{random.randint(10000000, 99999999)}"
    person = new_resident() | {"name": "钟医生"}
    answer = requests.post(f"{local_stack.base_url}/v1/admin/medical-staff", headers=headers(admin_session),
                           timeout=10, json=[{"name": "钟医生", "phone": phone, "unit": "广州医科大学附属第一医院",
                                              "position": "副主任医师"}])
    assert answer.status_code == 200, answer.text
    session = login(local_stack, person, phone)
    assert "medical" in session["roles"]
    return session


def test_a_positive_test_from_the_feed_turns_the_code_red_within_seconds(local_stack):
    # (how fast is measured in bench/bench_colour.py; here: red with its reason while the user waits)
    person = new_resident()
    assert feed(local_stack, [record(person)]).json()["stored"] == 1
    session = login(local_stack, person)
    shown = wait_for(lambda: (c := my_code(local_stack, session))["color"] == "RED" and c, seconds=30)
    assert shown, "the code did not turn red"
    reason = shown["reasons"][0]
    assert reason["code"] == "POSITIVE_TEST" and reason["label"] == "核酸检测阳性" and "告知书" in reason["guide"]


def test_a_release_notice_from_a_medic_turns_it_green(local_stack, medic):
    person = new_resident()
    feed(local_stack, [record(person, "CONFIRMED", occurred_at=iso(now() - timedelta(days=10)))])
    session = login(local_stack, person)
    assert wait_for(lambda: my_code(local_stack, session)["color"] == "RED")
    qr = my_code(local_stack, session)["qr"]
    scanned = requests.post(f"{local_stack.base_url}/v1/scan", headers=headers(medic), json={"qr": qr}, timeout=10)
    assert scanned.status_code == 200 and scanned.json()["name_masked"] == "梁*试"
    notice = requests.post(f"{local_stack.base_url}/v1/medical/notices", headers=headers(medic), timeout=10,
                           json={"qr": qr, "observation_place": "集中隔离点"})
    assert notice.status_code == 201, notice.text
    assert wait_for(lambda: my_code(local_stack, session)["color"] == "GREEN")
    mine = requests.get(f"{local_stack.base_url}/v1/medical/notices", headers=headers(medic), timeout=10).json()
    assert notice.json()["notice_id"] in [n["notice_id"] for n in mine["items"]]


def test_a_quarantine_ending_turns_the_code_green_on_schedule(local_stack):
    person = new_resident()
    end = now() + timedelta(seconds=10)  # room for the feed to turn it red first on a busy machine
    feed(local_stack, [record(person, "HOME_QUARANTINE", valid_from=iso(now() - timedelta(days=14)),
                              valid_until=iso(end))])
    session = login(local_stack, person)
    shown = wait_for(lambda: (c := my_code(local_stack, session))["color"] == "RED" and c)
    assert shown and shown["reasons"][0]["code"] == "HOME_QUARANTINE" and shown["reasons"][0]["until"] == iso(end)
    time.sleep(max(0.0, (end - now()).total_seconds()) + 0.2)
    fired = requests.post(f"{local_stack.base_url}/v1/dev/schedules/ReviewStatuses", timeout=30)
    assert fired.status_code == 200 and fired.json()["result"]["failed"] == 0
    assert my_code(local_stack, session)["color"] == "GREEN"


def test_the_printed_code_decodes_to_a_signed_p_code(local_stack):
    import zxingcpp
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from PIL import Image

    person = new_resident()
    session = login(local_stack, person)
    answer = wait_for(lambda: (r := requests.get(f"{local_stack.base_url}/v1/me/code/physical",
                                                 headers=headers(session), timeout=10)).status_code == 200 and r,
                      seconds=60)
    assert answer, f"no printable code within a minute; stack log: {local_stack.log}"
    assert answer.headers["Content-Type"] == "image/png"
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(answer.content)))
    assert len(found) == 1
    prefix, kid, payload, signature = found[0].text.split(".")
    keys = requests.get(f"{local_stack.base_url}/v1/keys", timeout=10).json()["keys"]
    key = next(k for k in keys if k["kid"] == kid)
    Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(key["x"] + "==")).verify(
        base64.urlsafe_b64decode(signature + "=="), f"{prefix}.{kid}.{payload}".encode())
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    assert claims["t"] == "P" and claims["s"] == session["person_id"] and claims["v"] == 1


def test_a_reissued_code_revokes_the_old_printout(local_stack, medic):
    import zxingcpp
    from PIL import Image

    session = login(local_stack, new_resident())

    def printed():
        answer = requests.get(f"{local_stack.base_url}/v1/me/code/physical", headers=headers(session), timeout=10)
        return answer.status_code == 200 and zxingcpp.read_barcodes(Image.open(io.BytesIO(answer.content)))[0].text

    old = wait_for(printed, seconds=60)
    assert old, f"no printable code within a minute; stack log: {local_stack.log}"
    reissued = requests.post(f"{local_stack.base_url}/v1/me/code/reissue", headers=headers(session), timeout=10)
    assert reissued.json()["code_version"] == 2
    new = wait_for(lambda: (text := printed()) and text != old and text, seconds=60)
    assert new
    scan = lambda qr: requests.post(f"{local_stack.base_url}/v1/scan", headers=headers(medic),  # noqa: E731
                                    json={"qr": qr}, timeout=10)
    assert scan(old).status_code == 400 and scan(old).json()["error"]["code"] == "INVALID_CODE"
    assert scan(new).status_code == 200


def test_records_list_what_the_feeds_sent(local_stack):
    person = new_resident()
    feed(local_stack, [record(person, result="NEGATIVE"),
                       record(person, "ANTIBODY", result="NEGATIVE", occurred_at=iso(now() - timedelta(days=2))),
                       record(person, "HEALTH_CERTIFICATE", result="HIGH_RISK")])
    session = login(local_stack, person)

    def items(kind):
        answer = requests.get(f"{local_stack.base_url}/v1/me/records", params={"kind": kind},
                              headers=headers(session), timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()["items"]

    assert [(i["result"], i["institution"]) for i in items("nucleic_acid")] == [("NEGATIVE", "广州市第八人民医院")]
    assert [i["result"] for i in items("antibody")] == ["NEGATIVE"]
    assert [i["status"] for i in items("health_certificate")] == ["HIGH_RISK"]
    assert my_code(local_stack, session)["color"] == "GREEN"  # the certificate never changes the colour


def test_the_demo_has_a_red_resident_and_a_medic(local_stack):
    red = next(p for p in local_stack.demo["people"] if p["name"] == "陈红码")
    assert my_code(local_stack, login(local_stack, red))["color"] == "RED"
    doctor = next(p for p in local_stack.demo["people"] if p["name"] == "赵医生")
    assert "medical" in doctor["roles"]


def test_a_feed_without_a_valid_key_is_401(local_stack):
    for key in (None, "wrong-key"):
        answer = requests.post(f"{local_stack.base_url}/v1/feeds/health-events", json=[], timeout=10,
                               headers={"x-api-key": key} if key else {})
        assert answer.status_code == 401


def test_the_feed_is_throttled_per_key_with_429(local_stack):
    from concurrent.futures import ThreadPoolExecutor

    def send(_):
        return requests.post(f"{local_stack.base_url}/v1/feeds/health-events", json=[], timeout=30,
                             headers={"x-api-key": local_stack.feed_api_key}).status_code

    time.sleep(2.5)  # a full bucket: the burst of 10 that the usage plan allows
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, range(40)))
    time.sleep(2.5)  # let the bucket refill for the other tests of this session
    assert set(statuses) <= {400, 429}
    assert statuses.count(400) >= 10 and statuses.count(429) >= 1  # the burst passes, then the key is throttled
