"""Fires the template's Schedule events (rate(...) and cron(...)) with the event EventBridge would send."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from infra.template import Schedule

from .lambdas import LoadedFunction

log = logging.getLogger("infra.local.scheduler")
_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def next_fire(expression: str, after: float) -> float:
    """The next time (epoch seconds) `expression` fires after `after`."""
    rate = re.fullmatch(r"rate\((\d+)\s+(\w+)\)", expression.strip())
    if rate:
        return after + int(rate.group(1)) * _UNITS[rate.group(2)]
    cron = re.fullmatch(r"cron\((.+)\)", expression.strip())
    if not cron:
        raise ValueError(f"unsupported schedule expression: {expression}")
    from croniter import croniter

    minute, hour, day, month, weekday, *_year = cron.group(1).split()
    # EventBridge uses `?` for "any" and 1-7 = SUN-SAT; croniter takes `*` and 0-6.
    day = "*" if day == "?" else day
    weekday = "*" if weekday == "?" else re.sub(r"\d", lambda m: str(int(m.group()) - 1), weekday)
    spec = " ".join((minute, hour, day, month, weekday))
    return croniter(spec, datetime.fromtimestamp(after, UTC)).get_next(float)


def scheduled_event(schedule: Schedule) -> dict[str, Any]:
    if schedule.input:
        return json.loads(schedule.input)
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "123456789012", "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1", "resources": [f"arn:aws:events:us-east-1:123456789012:rule/{schedule.name}"],
        "detail": {},
    }


class Scheduler:
    def __init__(self, jobs: list[tuple[Schedule, LoadedFunction]]) -> None:
        self.jobs = {schedule.name: (schedule, function) for schedule, function in jobs}
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self.fired: list[str] = []

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if timeout > 0:
            self.thread.join(timeout=timeout)

    def fire(self, name: str) -> Any:
        schedule, function = self.jobs[name]
        self.fired.append(name)
        return function.invoke(scheduled_event(schedule))

    def _run(self) -> None:
        due = {name: next_fire(schedule.expression, time.time())
               for name, (schedule, _) in self.jobs.items() if schedule.enabled}
        while not self._stop.is_set():
            now = time.time()
            for name, when in list(due.items()):
                if when <= now:
                    try:
                        self.fire(name)
                    except Exception:  # noqa: BLE001 - one failing job must not stop the others
                        log.exception("scheduled job %s failed", name)
                    due[name] = next_fire(self.jobs[name][0].expression, now)
            self._stop.wait(1.0)
