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
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from healthcode.core import audit
from healthcode.core.errors import ReportTooLarge, ValidationFailed
from healthcode.identity.people import masked_names
from healthcode.models import AuditEntry, Declaration
from healthcode.models.catalogue import RISK_QUESTIONS
from healthcode.places.orgs.admin import org_of_admin
from healthcode.residents import declarations

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
    return shown | {"risks": [key for key in RISK_QUESTIONS if answers.get(key) is True],
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


# ---------------------------------------------------------------- the day's report: CSV and XLSX

QUESTION_KEYS = list(declarations.QUESTIONS)
HEADER = ["序号", "申报时间", "姓名", "申报类型", "体温(℃)", "是否发热", "症状",
          *(declarations.QUESTIONS[key] for key in QUESTION_KEYS), "其他申报内容", "监护人代为申报"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
PAGE = 100  # declarations named and written at once: one BatchGetItem of the masked names not yet read
QUERY_PAGE = 1000  # declarations per Query page (~0.3 MB, under DynamoDB's 1 MB): what memory holds at most
MAX_XLSX_BYTES = 4_000_000  # the Lambda response (6 MB) carries it in base64: 4/3 of its size
MAX_REPORT_ROWS = 50_000  # far past what either limit lets through: stop reading there


def _cell(value: Any) -> str:
    """A cell Excel shows as text: yes/no in Chinese, and no formula from what a member typed (a leading = + - @,
    tab or carriage return gets an apostrophe, in CSV and XLSX alike)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _values(number: int, item: Declaration, names: dict[str, str]) -> list[Any]:
    """One report row: the serial number and the reading as numbers, every other cell escaped text (`_cell`)."""
    shown = declarations.view(item)
    answers = shown["answers"]
    others = "；".join(f"{key}: {_cell(value)}" for key, value in sorted(answers.items()) if key not in QUESTION_KEYS)
    reading = shown["temperature_c"]
    return [number, _cell(shown["declared_at"]), _cell(names.get(item.person_id, "")), _cell(shown["type_label"]),
            Decimal(str(reading)).quantize(Decimal("0.1")) if reading is not None else "", _cell(shown["fever"]),
            _cell("、".join(shown["symptom_labels"]) or "无"),
            *(_cell(answers.get(key)) for key in QUESTION_KEYS), _cell(others), _cell(shown["declared_by_guardian"])]


def _text(values: list[Any]) -> list[str]:
    """A row as CSV text: the reading with one decimal."""
    return [f"{v:.1f}" if isinstance(v, Decimal) else _cell(v) for v in values]


def _rows(place_id: str, day: date, shown: set[str]) -> Iterator[list[Any]]:
    """The day's declarations as report rows, oldest first: one Query on the day's key, QUERY_PAGE items a page; PAGE
    rows at a time are named (one BatchGetItem of the masked names not read yet: a member who declared twice is read
    once) and written, so memory holds one Query page and the names, never the day. `shown` collects whose rows
    were made."""
    number = 0
    batch: list[Declaration] = []
    names: dict[str, str] = {}

    def flush() -> Iterator[list[Any]]:
        nonlocal number
        names.update(masked_names([item.person_id for item in batch if item.person_id not in names]))
        for item in batch:
            number += 1
            shown.add(item.person_id)
            yield _values(number, item, names)
        batch.clear()

    for item in Declaration.by_place_date.query(_partition(place_id, day), scan_index_forward=True,
                                                page_size=QUERY_PAGE):
        if number + len(batch) >= MAX_REPORT_ROWS:
            raise ReportTooLarge(field="date")
        batch.append(item)
        if len(batch) == PAGE:
            yield from flush()
    yield from flush()


def day_report(place_id: str, admin_id: str, day: date, fmt: str = "csv") -> tuple[bytes | str, str, str]:
    """GET /v1/orgs/{id}/report: (the file, its media type, its file name), oldest declaration first.

    CSV: UTF-8 text with a BOM (Excel opens the Chinese as such). XLSX: openpyxl's write-only workbook, whose rows go
    to a temporary file as they are written, so memory holds one page of declarations and the finished file, never
    the day (docs/performance.md). Too large for one Lambda answer: 413 REPORT_TOO_LARGE. The members whose
    declarations the file holds are audited once it is made.
    """
    place = org_of_admin(place_id, admin_id)
    shown: set[str] = set()
    rows = _rows(place.place_id, day, shown)
    base = f"{place.name}-健康申报-{day.isoformat()}"
    if fmt == "xlsx":
        body: bytes | str = _xlsx(rows, day)
        if len(body) > MAX_XLSX_BYTES:
            raise ReportTooLarge(field="date")
        media, filename = XLSX_TYPE, f"{base}.xlsx"
    else:
        body = _csv(rows)
        media, filename = CSV_TYPE, f"{base}.csv"
    if shown:
        _audit(admin_id, place.place_id, sorted(shown), "ORG_REPORT_READ")
    return body, media, filename


def _csv(rows: Iterator[list[Any]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for values in rows:
        writer.writerow(_text(values))
        if out.tell() > MAX_REPORT_BYTES:  # characters so far: the bytes are more, so stop as soon as these are
            raise ReportTooLarge(field="date")
    text = out.getvalue()
    if len(text.encode()) > MAX_REPORT_BYTES:
        raise ReportTooLarge(field="date")
    return text


def _xlsx(rows: Iterator[list[Any]], day: date) -> bytes:
    from openpyxl import Workbook  # deferred: only the report's XLSX needs it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=f"健康申报 {day.isoformat()}")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in HEADER:
        cell = WriteOnlyCell(sheet, value=_cell(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for values in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def content_disposition(filename: str, day: date) -> str:
    """An ASCII fallback and the UTF-8 name (RFC 6266 / 5987), so the download keeps the organization's name."""
    extension = filename.rsplit(".", 1)[-1]
    return (f"attachment; filename=\"org-declarations-{day.isoformat()}.{extension}\"; "
            f"filename*=UTF-8''{quote(filename)}")
