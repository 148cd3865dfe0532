"""Feed files: JSON lines dropped under `inbox/` of the code bucket, imported on schedule like API feeds.

Each line is one feed record (the same shape, validation and idempotency as POST /v1/feeds/health-events). Good
lines are stored in chunks of 500; bad lines, and lines whose event_id is already stored with other content, go to
`rejects/<file>.rejects.jsonl` as `{line, event_id, problems[{field, problem, code}], record}`; the file then moves
to `processed/<file>`. A file not finished within the run stays in the inbox and is imported again from the start
next time: what was stored then counts as replayed, so nothing is stored twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from healthcode.colour import feeds
from healthcode.core import clock
from healthcode.core.aws import client
from healthcode.core.config import get_config

logger = Logger(child=True)
metrics = Metrics()  # flushed by the function's @observed (core.handlers)

INBOX = "inbox/"
PROCESSED = "processed/"
REJECTS = "rejects/"
CHUNK = feeds.MAX_RECORDS
MAX_LINE_BYTES = 16 * 1024  # a record is well under 4 kB; longer lines are rejected, not parsed
SAFETY_SECONDS = 4.0  # a chunk of 500 takes well under this; a run stops before starting one it cannot finish


class OutOfTime(Exception):
    pass


def _reject(line: int, problems: list[dict[str, Any]], text: str, event_id: str | None = None) -> dict[str, Any]:
    return {"line": line, "event_id": event_id, "problems": problems, "record": text}


def import_file(key: str, time_left: Callable[[], float], now: datetime | None = None) -> dict[str, Any]:
    """Import one inbox file; returns its counts. Raises OutOfTime (file left in the inbox) when time runs short."""
    now = now or clock.now()
    s3 = client("s3")
    bucket = get_config().code_bucket
    name = key[len(INBOX):]
    counts = {"file": name, "lines": 0, "stored": 0, "replayed": 0, "rejected": 0, "people_created": 0}
    rejects: list[dict[str, Any]] = []
    pending: list[tuple[int, Any, str]] = []

    def flush() -> None:
        if time_left() < SAFETY_SECONDS:
            raise OutOfTime(name)
        valid, problems = feeds.check_records([value for _, value, _ in pending], now)
        by_index: dict[int, list[dict[str, Any]]] = {}
        for problem in problems:
            by_index.setdefault(problem.index, []).append(
                {"field": problem.field, "problem": problem.problem, "code": problem.code})
        for index, found in sorted(by_index.items()):
            line, value, text = pending[index]
            event_id = value.get("event_id") if isinstance(value, dict) else None
            rejects.append(_reject(line, found, text, event_id if isinstance(event_id, str) else None))
        result = feeds.ingest(valid, source=f"inbox:{name}", now=now)
        for conflict in result.conflicts:
            line, _, text = pending[conflict.index]
            rejects.append(_reject(line, [{"field": conflict.field, "problem": conflict.problem,
                                           "code": conflict.code}], text, conflict.event_id))
        counts["stored"] += result.stored
        counts["replayed"] += result.replayed
        counts["people_created"] += result.people_created
        logger.info("inbox chunk imported", extra={"file": name, "lines_so_far": counts["lines"],
                                                   "stored": counts["stored"], "rejected": len(rejects)})
        pending.clear()

    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    for number, raw in enumerate(body.iter_lines(), start=1):
        if len(raw) > MAX_LINE_BYTES:
            counts["lines"] += 1
            rejects.append(_reject(number, [{"field": "line", "problem": f"longer than {MAX_LINE_BYTES} bytes",
                                             "code": "VALIDATION_ERROR"}], raw[:200].decode("utf-8", "replace")))
            continue
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            counts["lines"] += 1
            rejects.append(_reject(number, [{"field": "line", "problem": "not UTF-8 text", "code": "VALIDATION_ERROR"}],
                                   raw.decode("utf-8", "replace")))
            continue
        if not text:
            continue
        counts["lines"] += 1
        try:
            value = json.loads(text)
        except ValueError:
            rejects.append(_reject(number, [{"field": "line", "problem": "not valid JSON",
                                             "code": "VALIDATION_ERROR"}], text))
            continue
        pending.append((number, value, text))
        if len(pending) >= CHUNK:
            flush()
    if pending:
        flush()

    rejects.sort(key=lambda r: r["line"])
    counts["rejected"] = len(rejects)
    if rejects:
        counts["rejects_file"] = f"{REJECTS}{name}.rejects.jsonl"
        s3.put_object(Bucket=bucket, Key=counts["rejects_file"], ContentType="application/x-ndjson",
                      Body="".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rejects).encode())
    s3.copy_object(Bucket=bucket, Key=f"{PROCESSED}{name}", CopySource={"Bucket": bucket, "Key": key})
    s3.delete_object(Bucket=bucket, Key=key)
    logger.info("inbox file imported", extra=counts)
    return counts


def import_inbox(time_left: Callable[[], float] = lambda: 300.0, now: datetime | None = None) -> dict[str, Any]:
    """Every file waiting in the inbox, oldest first, while time is left (a List on the bucket, no table scan)."""
    s3 = client("s3")
    bucket = get_config().code_bucket
    waiting = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=INBOX):
        waiting += [o for o in page.get("Contents", []) if not o["Key"].endswith("/")]
    waiting.sort(key=lambda o: (o["LastModified"], o["Key"]))
    files: list[dict[str, Any]] = []
    left_over = 0
    for position, item in enumerate(waiting):
        try:
            files.append(import_file(item["Key"], time_left, now))
        except OutOfTime:
            left_over = len(waiting) - position
            logger.warning("inbox import out of time; the rest waits for the next run",
                           extra={"file": item["Key"], "files_left": left_over})
            break
    metrics.add_metric(name="FeedFilesImported", unit=MetricUnit.Count, value=len(files))
    metrics.add_metric(name="FeedRecordsAccepted", unit=MetricUnit.Count, value=sum(f["stored"] for f in files))
    metrics.add_metric(name="FeedRecordsRejected", unit=MetricUnit.Count, value=sum(f["rejected"] for f in files))
    return {"files": files, "left_over": left_over}
