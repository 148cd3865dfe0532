"""An organization's declarations of one day, for its admin: a page of them, and the day's CSV report (报表).

Read through the declarations' GSI `by_place_date` (`<place_id>#<YYYY-MM-DD>`): a Query on a key, never a scan.
The admin of an organization is not a government officer (the spirit of FAQ (三) 9): members' names are shown
masked (张*三), phones and document numbers not at all; the declaration itself (temperature, symptoms, answers)
is what the member gave this organization. Every read leaves one audit entry per member whose declaration it showed.
The CSV is UTF-8 with a byte-order mark, so that Excel opens the Chinese text as such.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from .. import declarations
from ..core import audit
from ..core.errors import ReportTooLarge, ValidationFailed
from ..models import AuditEntry, Declaration, Person, Place
from ..models.declarations import RISK_ANSWERS
from .admin import org_of_admin

PURPOSE = "org_admin"
MAX_REPORT_BYTES = 2_500_000  # the Lambda response (6 MB) carries it JSON-escaped: up to twice the UTF-8 size
BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _partition(place_id: str, day: date) -> str:
    return f"{place_id}#{day.isoformat()}"


def _check_cursor(cursor: dict[str, Any] | None, partition: str) -> dict[str, Any] | None:
    """Only a cursor this list returned, for this organization and day (else DynamoDB would reject it as a 500)."""
    if cursor is None:
        return None
    expected = {"person_id", "sk", "place_date"}
    valid = (set(cursor) == expected and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str)
                                             for v in cursor.values())
             and cursor["place_date"]["S"] == partition)
    if not valid:
        raise ValidationFailed("cursor is not one this list returned for this date", "分页游标无效", field="cursor")
    return cursor


def masked_names(person_ids: list[str]) -> dict[str, str]:
    """person_id -> masked name, in BatchGetItems of 100 (the person items' masked name only)."""
    names: dict[str, str] = {}
    unique = sorted(set(person_ids))
    for start in range(0, len(unique), 100):
        for person in Person.batch_get(unique[start:start + 100], attributes_to_get=["person_id", "name_masked"]):
            names[person.person_id] = person.name_masked
    return names


def _audit(admin_id: str, place_id: str, person_ids: list[str], action: str) -> None:
    """One entry per member whose declaration was shown (the admin's own, if they are a member too, is no one else's)."""
    with AuditEntry.batch_write() as batch:
        for person_id in sorted(set(person_ids) - {admin_id}):
            batch.save(audit.entry(person_id, admin_id, action, purpose=PURPOSE, place_id=place_id))


# The console's filters of a day's declarations (GET /v1/orgs/{id}/declarations?filter=), on the row as shown.
FILTERS = {
    "fever": lambda shown: shown["fever"],
    "symptoms": lambda shown: bool(shown["symptoms"]),
    "risk": lambda shown: bool(shown["risks"]),
    "abnormal": lambda shown: shown["abnormal"],
    "normal": lambda shown: not shown["abnormal"] and not shown["risks"],
}
MAX_EXAMINED = 1000  # declarations read per filtered page at most: a rare filter answers a short page and a cursor


def row(item: Declaration, names: dict[str, str]) -> dict[str, Any]:
    shown = declarations.view(item) | {"name_masked": names.get(item.person_id, "")}
    answers = shown["answers"] if isinstance(shown["answers"], dict) else {}
    return shown | {"risks": [key for key in RISK_ANSWERS if answers.get(key) is True],
                    "abnormal": bool(shown["fever"] or shown["symptoms"])}


def _key_of(item: Declaration) -> dict[str, Any]:
    return {"person_id": {"S": item.person_id}, "sk": {"S": item.sk}, "place_date": {"S": item.place_date}}


def _filtered(partition: str, cursor: dict[str, Any] | None, limit: int,
              keep: Any) -> tuple[list[Declaration], dict[str, Any] | None]:
    """Up to `limit` of the day's declarations that `keep` accepts, newest first, reading at most MAX_EXAMINED: one
    Query on the day's key, paged; the cursor is the key of the last declaration read (None when none is left)."""
    found: list[Declaration] = []
    examined = 0
    results = Declaration.by_place_date.query(partition, scan_index_forward=False, last_evaluated_key=cursor,
                                              page_size=min(100, max(limit, 25)))
    for item in results:
        examined += 1
        if keep(row(item, {})):
            found.append(item)
        if len(found) >= limit or examined >= MAX_EXAMINED:
            return found, _key_of(item)
    return found, None


def day_page(place_id: str, admin_id: str, day: date, limit: int, cursor: dict[str, Any] | None,
             only: str | None = None) -> tuple[dict[str, Any], Any]:
    """GET /v1/orgs/{id}/declarations: the day's declarations, newest first, a page at a time; `only` keeps those
    of one kind (FILTERS: fever, symptoms, risk, abnormal, normal)."""
    place = org_of_admin(place_id, admin_id)
    partition = _partition(place.place_id, day)
    start = _check_cursor(cursor, partition)
    if only is None:
        page = Declaration.by_place_date.query(partition, scan_index_forward=False, limit=limit,
                                               last_evaluated_key=start)
        items, last_key = list(page), page.last_evaluated_key
    else:
        items, last_key = _filtered(partition, start, limit, FILTERS[only])
    names = masked_names([item.person_id for item in items])
    if items:
        _audit(admin_id, place.place_id, [item.person_id for item in items], "ORG_DECLARATIONS_READ")
    return {"date": day.isoformat(), "place_id": place.place_id, "name": place.name, "filter": only,
            "items": [row(item, names) for item in items]}, last_key


# ---------------------------------------------------------------- the CSV report

QUESTION_KEYS = list(declarations.QUESTIONS)
HEADER = ["序号", "申报时间", "姓名", "申报类型", "体温(℃)", "是否发热", "症状",
          *(declarations.QUESTIONS[key] for key in QUESTION_KEYS), "其他申报内容", "监护人代为申报"]


def _cell(value: Any) -> str:
    """A cell Excel shows as text: yes/no in Chinese, and no formula from what a member typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_row(number: int, item: Declaration, names: dict[str, str]) -> list[str]:
    shown = declarations.view(item)
    answers = shown["answers"]
    others = "；".join(f"{key}: {_cell(value)}" for key, value in sorted(answers.items()) if key not in QUESTION_KEYS)
    reading = shown["temperature_c"]
    return [_cell(v) for v in (
        number, shown["declared_at"], names.get(item.person_id, ""), shown["type_label"],
        f"{Decimal(str(reading)):.1f}" if reading is not None else "", shown["fever"],
        "、".join(shown["symptom_labels"]) or "无",
        *(answers.get(key) for key in QUESTION_KEYS), others, shown["declared_by_guardian"],
    )]


def day_report(place_id: str, admin_id: str, day: date) -> tuple[str, str, Place]:
    """GET /v1/orgs/{id}/report: (CSV text with BOM, file name, the organization), oldest declaration first."""
    place = org_of_admin(place_id, admin_id)
    items = []
    size = 0
    for item in Declaration.by_place_date.query(_partition(place.place_id, day), scan_index_forward=True):
        items.append(item)
        size += 160 + len(str(item.answers or "")) * 3  # over-estimates a row: stop reading far past the limit
        if size > 2 * MAX_REPORT_BYTES:
            raise ReportTooLarge(field="date")
    names = masked_names([item.person_id for item in items])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for number, item in enumerate(items, start=1):
        writer.writerow(_csv_row(number, item, names))
    text = BOM + out.getvalue()
    if len(text.encode()) > MAX_REPORT_BYTES:
        raise ReportTooLarge(field="date")
    if items:
        _audit(admin_id, place.place_id, [item.person_id for item in items], "ORG_REPORT_READ")
    return text, f"{place.name}-健康申报-{day.isoformat()}.csv", place


def content_disposition(filename: str, day: date) -> str:
    """An ASCII fallback and the UTF-8 name (RFC 6266 / 5987), so the download keeps the organization's name."""
    return f"attachment; filename=\"org-declarations-{day.isoformat()}.csv\"; filename*=UTF-8''{quote(filename)}"
