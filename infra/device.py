"""A scanner device (数字哨兵) simulator against the local stack: watch a device work, or drive one from a test.

    python -m infra.device                                  # against http://127.0.0.1:$PORT (default 8000)
    python -m infra.device --events 30 --offline-at 10 --offline-for 8 --offline-hours 5 --resend-twice

It logs in as the demo venue admin over the API (POST /v1/auth/login, as the page does), finds the venue
(GET /v1/venues/mine) and registers a device (POST /v1/venues/{id}/devices: the key is shown once). It then logs in
a few visitors to get their codes, and plays a stream of events: scanned codes and ID-card reads (of those
visitors, and now and then of a number nobody registered), each with a measured temperature (one in eight a
fever). Each event is one `POST /v1/device/checks` with its own Idempotency-Key.

With --offline-at N --offline-for M the network drops for events N..N+M-1: the device verifies each code offline
against the JWK Set it fetched (GET /v1/device/keys), shows 离线 (valid code, temperature class), and queues the
check with its Idempotency-Key and measured_at. --offline-hours H spreads the queued measurements over the last H
hours (a long outage, placed in earlier hours and possibly yesterday). When the network is back the queue is sent;
--resend-twice sends it a second time, as a device does that lost the answers: each check is counted once.

The summary (also `run()`'s answer) says what the venue statistics should now count for this device per day and
hour. Nothing of a visitor but the masked name is printed: the API gives a device no more.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import requests

SHANGHAI = timezone(timedelta(hours=8))
FEVER_FROM = 37.3  # the API answers the class; this only picks temperatures


class NetworkDown(ConnectionError):
    """The simulated outage: nothing leaves the device."""


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_offline(qr: str, jwks: dict[str, Any]) -> bool:
    """A code's signature checked against the cached JWK Set, as a device does without the network."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    parts = qr.split(".")
    if len(parts) != 4 or parts[0] != "YKM1":
        return False
    key = next((k for k in jwks.get("keys", []) if k.get("kid") == parts[1]), None)
    if key is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(_b64(key["x"])).verify(_b64(parts[3]), ".".join(parts[:3]).encode())
    except (InvalidSignature, ValueError):
        return False
    return True


def _id_number(first17: str) -> str:
    from stdnum.cn import ric

    return first17 + ric.calc_check_digit(first17 + "0")


@dataclass
class Device:
    base: str
    key: str
    device_id: str
    place_id: str
    online: bool = True
    jwks: dict[str, Any] = field(default_factory=dict)
    queue: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def post(self, body: dict[str, Any], idempotency_key: str) -> requests.Response:
        if not self.online:
            raise NetworkDown("network down")
        return requests.post(f"{self.base}/v1/device/checks", json=body, timeout=20,
                             headers={"x-device-key": self.key, "Idempotency-Key": idempotency_key})


def _login(base: str, id_number: str, name: str) -> dict[str, str]:
    answer = requests.post(f"{base}/v1/auth/login", timeout=20, json={
        "id_type": "ID_CARD", "id_number": id_number, "name": name, "method": "FACE", "proof": "dev-pass"})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def register(base: str, admin_id_number: str, admin_name: str, name: str) -> Device:
    """Log in as the venue admin, register a device; the device then reads its keys."""
    headers = _login(base, admin_id_number, admin_name)
    mine = requests.get(f"{base}/v1/venues/mine", headers=headers, timeout=20)
    mine.raise_for_status()
    created = requests.post(f"{base}/v1/venues/{mine.json()['place_id']}/devices", headers=headers, timeout=20,
                            json={"name": name})
    created.raise_for_status()
    body = created.json()
    device = Device(base=base, key=body["device_key"], device_id=body["device_id"], place_id=mine.json()["place_id"])
    keys = requests.get(f"{base}/v1/device/keys", headers={"x-device-key": device.key}, timeout=20)
    keys.raise_for_status()
    device.jwks = keys.json()
    return device


def _visitors(base: str, rng: random.Random, count: int) -> list[dict[str, str]]:
    names = ["陈小明", "林阿姨", "黄伯伯", "吴同学", "郑女士", "何先生", "罗小妹", "梁大叔"]
    visitors = []
    for i in range(count):
        year = rng.choice([1948, 1956, 1972, 1988, 1995, 2010])
        region = "440104" if year >= 1983 else "440100"
        number = _id_number(f"{region}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}")
        headers = _login(base, number, names[i % len(names)])
        qr = requests.get(f"{base}/v1/me/code", headers=headers, timeout=20).json()["qr"]
        visitors.append({"id_number": number, "name": names[i % len(names)], "qr": qr})
    return visitors


def run(base: str, admin_id_number: str, admin_name: str, events: int = 20, visitors: int = 4,
        offline_at: int | None = None, offline_for: int = 0, offline_hours: float = 0.0, resend_twice: bool = False,
        interval: float = 0.0, seed: int | None = None, name: str = "东门哨兵",
        echo: Any = print) -> dict[str, Any]:
    """Play the device; the answer counts what was recorded per (day, hour) and by decision."""
    rng = random.Random(seed)
    device = register(base, admin_id_number, admin_name, name)
    echo(f"device {device.device_id} registered at venue {device.place_id} ({device.jwks['venue']['name']}); "
         f"key shown once: {device.key}")
    people = _visitors(base, rng, visitors)
    now = datetime.now(SHANGHAI)
    offline = set(range(offline_at, offline_at + offline_for)) if offline_at is not None else set()
    recorded: Counter = Counter()
    decisions: Counter = Counter()
    failures: list[int] = []
    sends = 0

    def measured(i: int) -> datetime:
        if i in offline and offline_hours:
            first = min(offline)
            return now - timedelta(hours=offline_hours) + (timedelta(hours=offline_hours) * (i - first) / len(offline))
        return datetime.now(SHANGHAI)

    def note(answer: requests.Response, body: dict[str, Any], label: str) -> None:
        nonlocal sends
        sends += 1
        if answer.status_code not in (200, 201):
            failures.append(answer.status_code)
            echo(f"  {label}: {answer.status_code} {answer.text}")
            return
        shown = answer.json()
        if answer.status_code == 201 and shown.get("recorded"):
            at = datetime.fromisoformat(shown["measured_at"])
            recorded[(at.date().isoformat(), at.hour)] += 1
            decisions[shown["decision"]] += 1
        elif answer.status_code == 201:
            decisions["UNKNOWN"] += 1
        echo(f"  {label}: {shown['decision']} {shown['color']} {shown.get('name_masked') or '-'} "
             f"{body['temperature_c']}°C {shown['temperature']}{' (replayed)' if shown.get('replayed') else ''}")

    for i in range(events):
        if i in offline and device.online:
            device.online = False
            echo("-- network down: verifying codes offline, queueing checks")
        if i not in offline and not device.online:
            device.online = True
            echo(f"-- network back: sending {len(device.queue)} queued checks"
                 + (" (twice)" if resend_twice else ""))
            for _ in range(2 if resend_twice else 1):
                for key, body in device.queue:
                    note(device.post(body, key), body, "queued")
            device.queue.clear()
        visitor = rng.choice(people)
        celsius = round(rng.uniform(37.3, 38.9) if rng.random() < 0.125 else rng.uniform(36.0, 37.2), 1)
        body: dict[str, Any] = {"temperature_c": celsius, "measured_at": measured(i).isoformat(timespec="milliseconds")}
        kind = rng.random()
        if kind < 0.65:
            body["qr"] = visitor["qr"]
        elif kind < 0.9:
            body["id_card"] = {"id_number": visitor["id_number"], "name": visitor["name"]}
        else:  # someone the system has never heard of
            body["id_card"] = {"id_number": _id_number(f"440104{rng.randint(1985, 2000)}0101{rng.randint(100, 999)}"),
                               "name": "路人"}
        key = str(uuid.uuid4())
        try:
            note(device.post(body, key), body, f"#{i}")
        except NetworkDown:
            what = "code valid" if "qr" in body and verify_offline(body["qr"], device.jwks) else \
                "ID card (answer when online)" if "id_card" in body else "code INVALID"
            echo(f"  #{i}: 离线 offline - {what}, {celsius}°C {'FEVER' if celsius >= FEVER_FROM else 'NORMAL'}; queued")
            device.queue.append((key, body))
        if interval:
            time.sleep(interval)
    if device.queue:  # the spell lasted to the end: the network comes back now
        device.online = True
        echo(f"-- network back: sending {len(device.queue)} queued checks" + (" (twice)" if resend_twice else ""))
        for _ in range(2 if resend_twice else 1):
            for key, body in device.queue:
                note(device.post(body, key), body, "queued")
        device.queue.clear()
    summary = {"device_id": device.device_id, "device_key": device.key, "place_id": device.place_id,
               "sent": sends, "failures": failures, "recorded": sum(recorded.values()), "decisions": dict(decisions),
               "by_day_hour": {f"{day} {hour:02d}": count for (day, hour), count in sorted(recorded.items())}}
    echo(f"recorded {summary['recorded']} checks ({sends} requests): {json.dumps(summary['decisions'])}; "
         f"per day and hour: {json.dumps(summary['by_day_hour'])}")
    return summary


def main(argv: list[str] | None = None) -> None:
    from infra.local.demo import DEMO_PEOPLE

    admin = DEMO_PEOPLE[1]  # the demo venue's admin (infra.local.demo.seed_venues)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    parser.add_argument("--admin-id-number", default=admin["id_number"])
    parser.add_argument("--admin-name", default=admin["name"])
    parser.add_argument("--name", default="东门哨兵", help="the device's name")
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--visitors", type=int, default=4)
    parser.add_argument("--offline-at", type=int, default=None, help="event at which the network drops")
    parser.add_argument("--offline-for", type=int, default=0, help="events played without the network")
    parser.add_argument("--offline-hours", type=float, default=0.0,
                        help="spread the offline measurements over the last H hours (at most 72)")
    parser.add_argument("--resend-twice", action="store_true", help="send the queue twice (lost answers)")
    parser.add_argument("--interval", type=float, default=0.3, help="seconds between events")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    run(args.base_url.rstrip("/"), args.admin_id_number, args.admin_name, args.events, args.visitors,
        args.offline_at, args.offline_for, args.offline_hours, args.resend_twice, args.interval, args.seed, args.name)


if __name__ == "__main__":
    main()
