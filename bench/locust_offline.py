"""The code page's offline policy under overload (issue 13): locust users that behave like web/lastcode.js.

Each user is a phone on the code page. It logs in, then "displays" its code once every 1-2 s of think time (a
resident at a gate, a guard asking again; env THINK="1,2"). At PEAK_AT seconds (env, default 40; "off" for none)
the peak starts: every phone displays every 0.1-0.3 s (PEAK_THINK) — everyone at the gates refreshing, the morning of 10 January 2022 — which
drives the code route far past the local stack's saturation. A display asks GET /v1/me/code with the page's 5 s timeout, unless the
page is waiting out a backoff after a failure, in which case it shows the stored code without asking (as the page
does: its retry timer, not the display, decides when to ask). The outcome of every display is one of:

- fresh:  the server answered 200 with a signed code; it is stored;
- stored: the server could not be reached, timed out, or answered 429 / 5xx, and the stored code was shown
          (离线显示 · 更新于 …), or the page was inside its backoff and showed the stored code;
- blank:  a failure with nothing stored — what the page shows as 亮码失败: "blank-nocode" while the phone has
          never shown a code (nothing to fall back on), "blank-after" once it has (target 0: the stored code
          is there for every later display).

Failures back off like the page: full jitter, uniform in [0, min(60 s, 2 s * 2^attempt)), at least Retry-After.

    PORT=18123 RATE_LIMITS=auth-login=off .venv/bin/python -m infra.local &    # the stack; kill <pid> afterwards
    .venv/bin/locust -f bench/locust_offline.py --headless -u 40 -r 2 -t 100s --host http://127.0.0.1:18123

The displays appear in locust's table as request type DISPLAY (names fresh / stored / blank-nocode /
blank-after; their "response time" is the time to a drawn code); the summary at the end gives displays per
second, the share answered from storage and the blank displays. Method and figures: docs/perf/offline.md.
"""

from __future__ import annotations

import itertools
import os
import random
import threading
import time
from typing import Any

from locust import HttpUser, events, task
from stdnum.cn import ric

TIMEOUT_S = 5.0  # web/lastcode.js TIMEOUT_MS
BASE_S, CAP_S = 2.0, 60.0  # web/lastcode.js BACKOFF_BASE_MS, BACKOFF_CAP_MS

_serial = itertools.count(random.randint(0, 100_000))
_lock = threading.Lock()
_totals = {"fresh": 0, "stored": 0, "blank-nocode": 0, "blank-after": 0, "requests": 0, "429": 0, "5xx": 0,
           "timeout": 0, "network": 0}
_window: dict[str, float] = {}
_peak: dict[str, float] = {}


def new_id_number() -> str:
    with _lock:
        n = next(_serial)
    first17 = f"440104{1990 + n % 16}{1 + n // 16 % 12:02d}{1 + n // 192 % 28:02d}{n // 5376 % 1000:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def retry_delay(attempt: int, retry_after: float) -> float:
    return max(random.random() * min(CAP_S, BASE_S * 2 ** attempt), retry_after, 0.25)


def _count(kind: str) -> None:
    with _lock:
        _totals[kind] += 1
        if in_peak():
            _peak[kind] = _peak.get(kind, 0) + 1
            _peak.setdefault("from", time.monotonic())
            _peak["to"] = time.monotonic()
        _window.setdefault("first", time.monotonic())
        _window["last"] = time.monotonic()


PEAK_AT = os.environ.get("PEAK_AT", "40")
_started = time.monotonic()


def in_peak() -> bool:
    return PEAK_AT != "off" and time.monotonic() - _started >= float(PEAK_AT)


@events.test_start.add_listener
def _start(**_: Any) -> None:
    global _started
    _started = time.monotonic()


THINK = tuple(float(x) for x in os.environ.get("THINK", "1,2").split(","))  # seconds between displays, before
PEAK_THINK = tuple(float(x) for x in os.environ.get("PEAK_THINK", "0.1,0.3").split(","))  # and in the peak


class Phone(HttpUser):
    def wait_time(self) -> float:
        return random.uniform(*PEAK_THINK) if in_peak() else random.uniform(*THINK)

    def on_start(self) -> None:
        self.stored: str | None = None
        self.shown = False  # a code was drawn on this phone at least once
        self.displays = 0
        self.attempt = 0
        self.not_before = 0.0
        body = {"id_type": "ID_CARD", "id_number": new_id_number(), "name": "陈大文", "method": "FACE",
                "proof": "dev-pass"}
        for _ in range(20):  # logging in is not what is measured: a phone that cannot log in tries again
            answer = self.client.post("/v1/auth/login", json=body, name="POST /v1/auth/login", timeout=30)
            if answer.status_code == 200:
                self.client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
                return
            time.sleep(1)
        raise RuntimeError(f"login failed: {answer.status_code}")

    def _display(self, kind: str, started: float, error: str | None = None) -> None:
        self.displays += 1
        _count(kind)
        self.environment.events.request.fire(request_type="DISPLAY", name=kind, response_length=0,
                                             response_time=(time.perf_counter() - started) * 1000,
                                             exception=RuntimeError(error) if kind.startswith("blank") else None,
                                             context={})

    @task
    def display(self) -> None:
        started = time.perf_counter()
        if time.monotonic() < self.not_before:  # inside the backoff: the page shows what it has, asks nobody
            return self._display("stored", started) if self.stored else self._display("blank-nocode", started, "backoff")
        failure = None
        retry_after = 0.0
        try:
            with _lock:
                _totals["requests"] += 1
            with self.client.get("/v1/me/code", name="GET /v1/me/code", timeout=TIMEOUT_S,
                                 catch_response=True) as answer:
                if answer.status_code == 200 and str(answer.json().get("qr", "")).startswith("YKM1."):
                    answer.success()
                    self.stored = answer.json()["qr"]
                    self.shown = True
                    self.attempt = 0
                    return self._display("fresh", started)
                if answer.status_code == 429 or answer.status_code >= 500 or answer.status_code == 0:
                    kind = "429" if answer.status_code == 429 else "5xx" if answer.status_code >= 500 else "network"
                    if answer.status_code == 0 and "timed out" in str(answer.error or "").lower():
                        kind = "timeout"
                    failure = kind
                    retry_after = float(answer.headers.get("Retry-After") or 0) if answer.headers else 0.0
                    answer.success()  # an outage the page covers: not a failed display
                else:
                    answer.failure(f"unexpected {answer.status_code}")
                    failure = f"status {answer.status_code}"
        except Exception as error:  # noqa: BLE001 - a connection refused/reset is the outage the page covers
            failure = f"network {type(error).__name__}"
        with _lock:
            key = failure if failure in _totals else "network"
            _totals[key] += 1
        self.not_before = time.monotonic() + retry_delay(self.attempt, retry_after)
        self.attempt += 1
        if self.stored:
            return self._display("stored", started)
        return self._display("blank-after" if self.shown else "blank-nocode", started, failure)


@events.quitting.add_listener
def _summary(environment: Any, **_: Any) -> None:
    displays = _totals["fresh"] + _totals["stored"] + _totals["blank-nocode"] + _totals["blank-after"]
    span = max(1e-6, _window.get("last", 0) - _window.get("first", 0))
    lines = [
        "offline policy summary",
        f"  displays {displays} in {span:.0f} s: {displays / span:.1f} displays/s",
        f"  fresh {_totals['fresh']} ({_totals['fresh'] / max(1, displays):.1%}), from storage {_totals['stored']} "
        f"({_totals['stored'] / max(1, displays):.1%})",
        f"  blank: before the phone's first code {_totals['blank-nocode']}, after it {_totals['blank-after']}",
        f"  code requests {_totals['requests']} ({_totals['requests'] / span:.1f}/s): fresh {_totals['fresh']}, "
        f"429 {_totals['429']}, 5xx {_totals['5xx']}, timeout {_totals['timeout']}, network {_totals['network']}",
    ]
    peak = sum(_peak.get(k, 0) for k in ("fresh", "stored", "blank-nocode", "blank-after"))
    if peak:
        peak_span = max(1e-6, _peak["to"] - _peak["from"])
        lines.append(f"  in the peak ({peak_span:.0f} s): {peak / peak_span:.1f} displays/s, fresh "
                     f"{_peak.get('fresh', 0) / peak_span:.1f}/s, from storage {_peak.get('stored', 0) / peak:.1%}, "
                     f"blank {_peak.get('blank-nocode', 0) + _peak.get('blank-after', 0)}")
    print("\n".join(lines))
