"""Benchmarks: `make bench` runs every bench/bench_*.py module's run() and prints and stores the rows.

Importing the package sets up what every benchmark runs in, as the root conftest does for the tests: the repository
and the layer on sys.path, and an environment for the in-process embedded AWS (us-east-1, fake credentials, no
endpoint override) with quiet Powertools.
"""

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "layers" / "common" / "python"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

os.environ.pop("AWS_ENDPOINT_URL", None)
for _key, _value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
                     "AWS_REGION": "us-east-1", "POWERTOOLS_TRACE_DISABLED": "true",
                     "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "WARNING"}.items():
    os.environ.setdefault(_key, _value)


def median_ms(call: Callable[[], Any], times: int) -> tuple[float, Any]:
    """`call()` `times` times in a row: the median wall time of one call in milliseconds, and the last answer."""
    timings, answer = [], None
    for _ in range(times):
        started = time.perf_counter()
        answer = call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, answer


def print_rows(rows: list[dict[str, Any]]) -> None:
    """A module run on its own (`python -m bench.bench_<x>`) prints its rows as JSON lines; `make bench` tabulates."""
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
