"""Load scenario for the local stack (`make run`), headless with locust; method and figures in docs/perf/load.md.

Three kinds of users, in the proportions of the real system (many residents, fewer inspectors, few partners):
- Resident: logs in once (a new resident each, face verification "dev-pass"), then shows the code (亮码)
  again and again, now and then reads the three-day display log.
- Inspector: logs in as the demo venue's inspector (the demo resident 张三丰), then records temperature checks
  of residents' codes at the demo venue, each with a fresh Idempotency-Key (and now and then a retry that
  reuses one, as a scanner on a bad network would).
- Partner: posts batches of negative nucleic-acid results to /v1/feeds/health-events with the partner API key,
  paced under the usage plan's throttle (5 requests/s per key), so that 429 never counts as a failure.
- Device (only with LOAD_DEVICES=1, so the mix of docs/perf/load.md stays as measured): a scanner device
  (数字哨兵) the demo venue's admin registers at start, posting checks of residents' codes and ID cards with
  measured temperatures (POST /v1/device/checks, x-device-key), now and then resending one (counted once).

    .venv/bin/locust -f bench/locustfile.py --headless -u 20 -r 5 -t 30s --host http://127.0.0.1:8000

FEED_API_KEY (default local-feed-key, as `make run` sets it) is the partner key.
"""

from __future__ import annotations

import itertools
import os
import random
import threading
import uuid
from datetime import datetime, timedelta, timezone

from locust import HttpUser, between, constant_pacing, task
from stdnum.cn import ric

SHANGHAI = timezone(timedelta(hours=8))
DEMO_INSPECTOR = {"id_type": "ID_CARD", "id_number": "440305199003074568", "name": "张三丰"}
FEED_KEY = os.environ.get("FEED_API_KEY", "local-feed-key")
BATCH = int(os.environ.get("FEED_BATCH", "20"))

_serial = itertools.count(random.randint(0, 400))
_lock = threading.Lock()


def new_id_number() -> str:
    """A valid resident ID card number nobody has used yet in this run (Guangzhou Yuexiu, 440104, born 1990-2005:
    the region code is valid for births from 1983)."""
    with _lock:
        n = next(_serial)
    first17 = f"440104{1990 + n % 16}{1 + n // 16 % 12:02d}{1 + n // 192 % 28:02d}{n // 5376 % 1000:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def login_body(person: dict[str, str]) -> dict[str, str]:
    return {"id_type": "ID_CARD", "id_number": person["id_number"], "name": person["name"], "method": "FACE",
            "proof": "dev-pass"}


class Resident(HttpUser):
    weight = 6
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        answer = self.client.post("/v1/auth/login", json=login_body({"id_number": new_id_number(), "name": "陈大文"}),
                                  name="POST /v1/auth/login")
        answer.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {answer.json()['token']}"

    @task(10)
    def show_code(self) -> None:
        with self.client.get("/v1/me/code", name="GET /v1/me/code", catch_response=True) as answer:
            if answer.status_code == 200 and not answer.json().get("qr", "").startswith("YKM1."):
                answer.failure("no signed code in the answer")

    @task(1)
    def display_log(self) -> None:
        self.client.get("/v1/me/display-log?limit=20", name="GET /v1/me/display-log")


class Scanner(HttpUser):
    """What the inspector and the device share: every check sent with a fresh Idempotency-Key (201), and now and then
    the last one sent again, as on a bad network or from a device's queue (200: the first answer, counted once)."""

    abstract = True
    checks_path = checks_name = ""  # where the checks go; the row of locust's statistics they are counted in
    last: tuple[str, dict[str, object]] | None = None  # Idempotency-Key and body of the last check

    def record(self, body: dict[str, object]) -> None:
        self.last = (uuid.uuid4().hex, body)
        self._check(*self.last, 201)

    def _check(self, key: str, body: dict[str, object], expected: int) -> None:
        with self.client.post(self.checks_path, json=body, headers={"Idempotency-Key": key}, name=self.checks_name,
                              catch_response=True) as answer:
            if answer.status_code != expected:
                answer.failure(f"expected {expected}, got {answer.status_code}: {answer.text[:200]}")

    @task(1)
    def resend(self) -> None:
        if self.last is not None:
            self._check(*self.last, 200)


class Inspector(Scanner):
    weight = 3
    checks_name = "POST /v1/venues/{id}/checks"
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        answer = self.client.post("/v1/auth/login", json=login_body(DEMO_INSPECTOR), name="POST /v1/auth/login")
        answer.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        venues = self.client.get("/v1/inspector/venues", name="GET /v1/inspector/venues").json()["items"]
        self.checks_path = f"/v1/venues/{venues[0]['place_id']}/checks"
        self.codes = [self._code_of_a_new_resident() for _ in range(3)]

    def _code_of_a_new_resident(self) -> str:
        login = self.client.post("/v1/auth/login", name="POST /v1/auth/login",
                                 json=login_body({"id_number": new_id_number(), "name": "林小雨"})).json()
        code = self.client.get("/v1/me/code", name="GET /v1/me/code",
                               headers={"Authorization": f"Bearer {login['token']}"}).json()
        return code["qr"]

    @task(10)
    def check(self) -> None:
        self.record({"qr": random.choice(self.codes), "temperature": "FEVER" if random.random() < 0.02 else "NORMAL"})


class Partner(HttpUser):
    weight = 1
    fixed_count = 1  # one partner key: its usage plan allows 5 requests/s
    wait_time = constant_pacing(1.0)

    @task
    def post_batch(self) -> None:
        now = datetime.now(SHANGHAI)
        records = [{
            "event_id": f"load-{uuid.uuid4().hex}",
            "person": {"id_type": "ID_CARD", "id_number": new_id_number(), "name": "黄小明"},
            "kind": "NUCLEIC_ACID", "result": "NEGATIVE",
            "occurred_at": (now - timedelta(hours=random.randint(1, 30))).isoformat(timespec="seconds"),
            "details": {"institution": "广州市第八人民医院"},
        } for _ in range(BATCH)]
        with self.client.post("/v1/feeds/health-events", json=records, headers={"x-api-key": FEED_KEY},
                              name="POST /v1/feeds/health-events", catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")



class Device(Scanner):
    abstract = os.environ.get("LOAD_DEVICES") != "1"  # opt-in: LOAD_DEVICES=1
    weight = 2
    checks_path, checks_name = "/v1/device/checks", "POST /v1/device/checks"
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        login = self.client.post("/v1/auth/login", json=login_body(DEMO_INSPECTOR), name="POST /v1/auth/login")
        login.raise_for_status()
        admin = {"Authorization": f"Bearer {login.json()['token']}"}
        place_id = self.client.get("/v1/venues/mine", headers=admin, name="GET /v1/venues/mine").json()["place_id"]
        created = self.client.post(f"/v1/venues/{place_id}/devices", json={"name": "压测哨兵"}, headers=admin,
                                   name="POST /v1/venues/{id}/devices")
        created.raise_for_status()
        self.client.headers["x-device-key"] = created.json()["device_key"]
        self.people = []
        for _ in range(3):
            number = new_id_number()
            token = self.client.post("/v1/auth/login", name="POST /v1/auth/login",
                                     json=login_body({"id_number": number, "name": "林小雨"})).json()["token"]
            qr = self.client.get("/v1/me/code", name="GET /v1/me/code",
                                 headers={"Authorization": f"Bearer {token}"}).json()["qr"]
            self.people.append({"qr": qr, "id_card": {"id_number": number, "name": "林小雨"}})

    @task(10)
    def check(self) -> None:
        person = random.choice(self.people)
        body: dict[str, object] = {"temperature_c": round(random.uniform(36.0, 37.6), 1),
                                   "measured_at": datetime.now(SHANGHAI).isoformat(timespec="milliseconds")}
        body |= {"qr": person["qr"]} if random.random() < 0.7 else {"id_card": person["id_card"]}
        self.record(body)
