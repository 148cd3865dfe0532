"""The console's report downloads: an organization's declarations of a day as XLSX (openpyxl, write-only) beside the
CSV, with every text cell that begins with = + - @ escaped in both, kept to the organization's admin and audited."""

from __future__ import annotations

import base64
import csv
import io

import pytest
from orgs_support import create_org, declare, member_of, new_person, raw

DANGEROUS = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 138", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture
def scene(lambdas):
    """Two members declared today; one typed formulas into free-text answers."""
    admin = new_person(lambdas, name="组织管理")
    org = create_org(lambdas, admin, name="=白云制造厂")  # even the organization's own name: the sheet title is fixed
    well, typed = member_of(lambdas, org, name="欧阳小明"), member_of(lambdas, org, name="司马大华")
    first = declare(lambdas, well, org["place_id"], 36.5, [], {"contact_with_case": False, "current_city": "广州市"})
    second = declare(lambdas, typed, org["place_id"], 38.2, ["cough"], {
        "current_city": DANGEROUS[0], "remarks": DANGEROUS[1], "shift": DANGEROUS[2], "note": DANGEROUS[3]})
    assert first[0] == second[0] == 201, (first, second)
    return {"place_id": org["place_id"], "admin": admin, "members": [well, typed],
            "day": second[1]["declared_at"][:10]}


def report(lambdas, scene, fmt: str | None, person: str | None = None) -> dict:
    query = {"date": scene["day"]} | ({"format": fmt} if fmt else {})
    return raw(lambdas, f"/v1/orgs/{scene['place_id']}/report", "/v1/orgs/{id}/report", person or scene["admin"],
               {"id": scene["place_id"]}, query)


def headers(answer: dict) -> dict[str, str]:
    return {k.lower(): v[0] for k, v in answer["multiValueHeaders"].items()}


def workbook_rows(answer: dict) -> list[list]:
    from openpyxl import load_workbook

    assert answer["isBase64Encoded"] is True
    book = load_workbook(io.BytesIO(base64.b64decode(answer["body"])), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_the_xlsx_report_holds_the_days_declarations_as_the_csv_does(lambdas, scene):
    xlsx, text = report(lambdas, scene, "xlsx"), report(lambdas, scene, "csv")

    assert xlsx["statusCode"] == text["statusCode"] == 200
    assert headers(xlsx)["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert headers(xlsx)["content-disposition"].startswith(f'attachment; filename="org-declarations-{scene["day"]}.xlsx"')
    rows = workbook_rows(xlsx)
    from_csv = list(csv.reader(io.StringIO(text["body"].lstrip("\ufeff"))))
    assert len(rows) == len(from_csv) == 3
    assert rows[0] == from_csv[0]  # the same header
    assert [rows[1][0], rows[1][2], rows[1][4]] == [1, "欧**明", 36.5]  # the number and the reading are numbers
    assert [str(v) if v is not None else "" for v in rows[2]][1:] == from_csv[2][1:4] + ["38.2"] + from_csv[2][5:]


def test_csv_stays_the_default_format(lambdas, scene):
    answer = report(lambdas, scene, None)

    assert answer["statusCode"] == 200 and headers(answer)["content-type"].startswith("text/csv")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_cell_begins_with_a_formula_character(lambdas, scene, fmt):
    answer = report(lambdas, scene, fmt)
    if fmt == "xlsx":
        cells = [str(v) for row in workbook_rows(answer) for v in row if isinstance(v, str)]
    else:
        cells = [v for row in csv.reader(io.StringIO(answer["body"].lstrip("\ufeff"))) for v in row]

    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    joined = "\n".join(cells)
    assert "'=HYPERLINK" in joined and "'+86 138" in joined and "'-2+3" in joined and "'@SUM(A1:A2)" in joined


def test_the_xlsx_holds_no_formula(lambdas, scene):
    from openpyxl import load_workbook

    answer = report(lambdas, scene, "xlsx")
    book = load_workbook(io.BytesIO(base64.b64decode(answer["body"])))
    assert [c.coordinate for row in book.worksheets[0].iter_rows() for c in row if c.data_type == "f"] == []


def test_the_xlsx_download_is_audited_for_each_member(lambdas, scene):
    from healthcode.models import AuditEntry

    report(lambdas, scene, "xlsx")

    for member in scene["members"]:
        assert any(e.action == "ORG_REPORT_READ" and e.actor == scene["admin"] for e in AuditEntry.query(member))


def test_a_member_may_not_download_the_xlsx(lambdas, scene):
    answer = report(lambdas, scene, "xlsx", person=scene["members"][0])

    assert answer["statusCode"] == 403


def test_an_unknown_format_is_400_naming_it(lambdas, scene):
    answer = report(lambdas, scene, "pdf")

    assert answer["statusCode"] == 400 and '"field": "format"' in answer["body"].replace('":"', '": "')


def test_an_xlsx_too_large_for_one_download_is_413(lambdas, scene, monkeypatch):
    from healthcode.places.orgs import reports

    monkeypatch.setattr(reports, "MAX_XLSX_BYTES", 1000)

    answer = report(lambdas, scene, "xlsx")

    assert answer["statusCode"] == 413 and "REPORT_TOO_LARGE" in answer["body"]


def test_a_report_reads_a_page_of_declarations_at_a_time(lambdas, scene, monkeypatch):
    """Memory holds one page of declarations, not the day: with pages of one, each page is read, named and written
    before the next is asked for (a BatchGetItem of names between the Query pages)."""
    from botocore.client import BaseClient
    from healthcode.places.orgs import reports

    monkeypatch.setattr(reports, "PAGE", 1)
    monkeypatch.setattr(reports, "QUERY_PAGE", 1)
    calls: list[str] = []
    original = BaseClient._make_api_call

    def recording(self, operation, params):
        if operation in ("Query", "BatchGetItem"):
            calls.append(operation)
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    answer = report(lambdas, scene, "xlsx")

    assert answer["statusCode"] == 200
    assert calls[:4] == ["Query", "BatchGetItem", "Query", "BatchGetItem"], calls


def test_a_member_who_declared_twice_is_named_once_per_report(lambdas, scene, monkeypatch):
    """The masked names are read for the members not named yet: the second declaration of the same member (in a later
    page) costs no BatchGetItem, and its row carries the same name."""
    from botocore.client import BaseClient
    from healthcode.places.orgs import reports

    again = declare(lambdas, scene["members"][0], scene["place_id"], 36.6, [], {"contact_with_case": False})
    assert again[0] == 201, again
    monkeypatch.setattr(reports, "PAGE", 1)
    reads: list[list[str]] = []
    original = BaseClient._make_api_call

    def recording(self, operation, params):
        if operation == "BatchGetItem":
            reads.append([key["person_id"]["S"] for keys in params["RequestItems"].values() for key in keys["Keys"]])
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    rows = workbook_rows(report(lambdas, scene, "xlsx"))

    assert [row[2] for row in rows[1:]] == ["欧**明", "司**华", "欧**明"]
    assert sorted(person for read in reads for person in read) == sorted(scene["members"])
