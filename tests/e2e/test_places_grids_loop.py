"""The community-grid loop over HTTP on the local stack (guide 四(三)): create -> approve by the region admin ->
bind -> authorize -> collect by scan and by hand (two workers at once) -> key persons follow the colour ->
statistics exact -> admin change -> dissolve purges everything."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from e2e_support import login, new_id_card, wait_for

from infra.local.demo import COLOUR_DEMO_PEOPLE

pytestmark = pytest.mark.e2e
SHANGHAI = timezone(timedelta(hours=8))


def drain(stack):
    answer = requests.post(f"{stack.base_url}/v1/dev/streams/drain", timeout=60)
    assert answer.status_code == 200, answer.text


def test_the_whole_grid_loop(local_stack):
    base = local_stack.base_url
    boss = next(p for p in local_stack.demo["people"] if p.get("system_admin"))
    system_admin = login(local_stack, boss["name"], boss["id_number"])
    admin = login(local_stack, "郭网管")
    first, second = login(local_stack, "罗网格"), login(local_stack, "梁网格")

    # create: PENDING, nobody binds
    created = requests.post(f"{base}/v1/grids", headers=admin["headers"], timeout=10,
                            json={"region_code": "440106012", "name": "棠下村第三网格"})
    assert created.status_code == 201 and created.json()["status"] == "PENDING", created.text
    grid = created.json()
    place = grid["place_id"]
    early = requests.post(f"{base}/v1/grids/join", headers=first["headers"], json={"join_code": grid["join_code"]},
                          timeout=10)
    assert (early.status_code, early.json()["error"]["code"]) == (409, "GRID_NOT_ACTIVE")

    # the system admin grants a region admin of the county; the region admin sees the grid and approves it
    region = login(local_stack, "谭区管")
    granted = requests.post(f"{base}/v1/admin/region-admins", headers=system_admin["headers"], timeout=10,
                            json={"name": "谭区管", "id_number": region["id_number"], "region_code": "440106"})
    assert granted.status_code == 201, granted.text
    pending = requests.get(f"{base}/v1/admin/grids", headers=region["headers"], params={"status": "PENDING"},
                           timeout=10)
    assert place in [g["place_id"] for g in pending.json()["items"]], pending.text
    approved = requests.post(f"{base}/v1/admin/grids/{place}/approve", headers=region["headers"], timeout=10)
    assert approved.status_code == 200 and approved.json()["status"] == "ACTIVE", approved.text

    # bind, authorize the first
    for worker in (first, second):
        joined = requests.post(f"{base}/v1/grids/join", headers=worker["headers"],
                               json={"join_code": grid["join_code"]}, timeout=10)
        assert joined.status_code == 201, joined.text
    authorized = requests.post(f"{base}/v1/grids/{place}/workers/{first['person_id']}/authorization",
                               headers=admin["headers"], timeout=10)
    assert authorized.status_code == 200 and authorized.json()["authorized"] is True

    # a resident with a positive test (red, through the partner feed), and six others
    red = login(local_stack, "冯红码")
    fed = requests.post(f"{base}/v1/feeds/health-events", headers={"x-api-key": local_stack.feed_api_key}, timeout=30,
                        json=[{"event_id": f"e2e-grid-{uuid.uuid4().hex}", "kind": "NUCLEIC_ACID",
                               "result": "POSITIVE", "details": {"institution": "广州市第八人民医院"},
                               "person": {"id_type": "ID_CARD", "id_number": red["id_number"], "name": "冯红码"},
                               "occurred_at": (datetime.now(SHANGHAI) - timedelta(hours=1)).isoformat(
                                   timespec="milliseconds")}])
    assert fed.status_code == 200, fed.text
    assert wait_for(lambda: requests.get(f"{base}/v1/me/code", headers=red["headers"], timeout=10)
                    .json()["color"] == "RED")
    residents = [red] + [login(local_stack, name) for name in ("赵一", "钱二", "孙三", "李四", "周五", "吴六")]
    for resident in residents:
        resident["qr"] = requests.get(f"{base}/v1/me/code", headers=resident["headers"], timeout=10).json()["qr"]

    # both workers collect at once: the first scans everyone, the second enters three by hand
    errors, lock = [], threading.Lock()

    def post(worker, body):
        key = str(uuid.uuid4())
        for _ in range(2):  # a retry with the same key: stored once
            answer = requests.post(f"{base}/v1/grids/{place}/collections", timeout=20,
                                   headers=worker["headers"] | {"Idempotency-Key": key}, json={"answers": {}} | body)
            if answer.status_code not in (200, 201):
                with lock:
                    errors.append(answer.text)
        return answer

    def scan_all():
        for resident in residents:
            answer = post(first, {"qr": resident["qr"], "temperature": "FEVER" if resident is residents[1] else
                                  "NORMAL"})
            assert resident["name"] not in answer.text  # masked only

    def by_hand():
        for resident in residents[4:]:
            post(second, {"person": {"name": resident["name"], "id_type": "ID_CARD",
                                     "id_number": resident["id_number"]}})
        post(second, {"person": {"name": "孤寡老人", "id_type": "ID_CARD", "id_number": new_id_card()}})

    threads = [threading.Thread(target=scan_all), threading.Thread(target=by_hand)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    drain(local_stack)

    # statistics exact: 7 + 4 collections, 8 people, 1 fever, 1 red
    stats = requests.get(f"{base}/v1/grids/{place}/stats", headers=admin["headers"], timeout=10).json()
    assert (stats["collections_today"], stats["people_today"], stats["fever_today"], stats["red_today"]) == (
        11, 8, 1, 1), stats
    assert {w["person_id"]: w["today"] for w in stats["workers"]} == {first["person_id"]: 7, second["person_id"]: 4}
    assert (stats["workers_bound"], stats["workers_authorized"]) == (2, 1)
    unauthorized = requests.get(f"{base}/v1/grids/{place}/stats", headers=second["headers"], timeout=10)
    assert unauthorized.status_code == 403

    # key persons: the red resident, with the full name for the authorized worker only
    keys = requests.get(f"{base}/v1/grids/{place}/key-persons", headers=first["headers"], timeout=10).json()
    assert [(k["person_id"], k["name"]) for k in keys["items"]] == [(red["person_id"], "冯红码")]
    assert requests.get(f"{base}/v1/grids/{place}/key-persons", headers=second["headers"], timeout=10).status_code == 403
    person = requests.get(f"{base}/v1/grids/{place}/people/{red['person_id']}", headers=first["headers"], timeout=10)
    assert person.status_code == 200 and person.json()["person"]["name"] == "冯红码"

    # a medic's release notice turns them green: they leave the key persons
    medic_person = COLOUR_DEMO_PEOPLE[0]
    medic = login(local_stack, medic_person["name"], medic_person["id_number"], medic_person["phone"])
    notice = requests.post(f"{base}/v1/medical/notices", headers=medic["headers"], timeout=10,
                           json={"qr": red["qr"], "observation_place": "集中隔离点"})
    assert notice.status_code == 201, notice.text
    assert wait_for(lambda: requests.get(f"{base}/v1/me/code", headers=red["headers"], timeout=10)
                    .json()["color"] == "GREEN")
    drain(local_stack)
    assert wait_for(lambda: requests.get(f"{base}/v1/grids/{place}/key-persons", headers=admin["headers"],
                                         timeout=10).json()["items"] == [])

    # admin change: the successor named by name and ID number accepts after logging in as themselves
    successor = login(local_stack, "邓接任")
    offer = requests.post(f"{base}/v1/grids/{place}/admin-transfer", headers=admin["headers"], timeout=10,
                          json={"name": "邓接任", "id_number": successor["id_number"]})
    assert offer.status_code == 202, offer.text
    accepted = requests.post(f"{base}/v1/grids/admin-transfer/{offer.json()['token']}/accept",
                             headers=successor["headers"], timeout=10)
    assert accepted.status_code == 200 and accepted.json()["admin_id"] == successor["person_id"], accepted.text

    # dissolve: a wrong name changes nothing; the name purges everything
    wrong = requests.delete(f"{base}/v1/grids/{place}", params={"confirm": "棠下村"}, headers=successor["headers"],
                            timeout=10)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (400, "CONFIRMATION_MISMATCH")
    assert requests.get(f"{base}/v1/grids/{place}/stats", headers=successor["headers"], timeout=10).status_code == 200
    for _ in range(20):
        done = requests.delete(f"{base}/v1/grids/{place}", params={"confirm": "棠下村第三网格"},
                               headers=successor["headers"], timeout=60)
        if done.status_code != 202:
            break
    assert done.status_code == 200 and done.json()["deleted"]["collections"] == 11, done.text
    for path in (f"/v1/grids/{place}/stats", f"/v1/grids/{place}/key-persons", "/v1/grids/mine"):
        assert requests.get(f"{base}{path}", headers=successor["headers"], timeout=10).status_code == 404, path
    assert requests.get(f"{base}/v1/me/grids", headers=first["headers"], timeout=10).json()["items"] == []
