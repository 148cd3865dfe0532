"""The admin's view of the members' declarations: the day's list (masked names, pages) and the CSV report."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import pytest
from orgs_support import create_org, declarations_of, declare, leave, member_of, new_person, raw


@pytest.fixture
def scene(lambdas):
    """An organization whose three members declared today: one well, one with a fever and a cough, one twice."""
    admin = new_person(lambdas, name="组织管理")
    org = create_org(lambdas, admin, name="天河科技园")
    well, ill, twice = (member_of(lambdas, org, name=name) for name in ("欧阳小明", "司马大华", "诸葛小红"))
    declared = []
    for member, temperature, symptoms, answers in [
        (well, 36.5, [], {"contact_with_case": False, "current_city": "广州市"}),
        (ill, 38.2, ["cough"], {"household_unwell": True, "remarks": "=HYPERLINK(\"http://x\")"}),
        (twice, 36.7, [], {"visited_risk_area": False, "shift": "早班"}),
        (twice, 36.6, [], {}),
    ]:
        status, body = declare(lambdas, member, org["place_id"], temperature, symptoms, answers)
        assert status == 201, body
        declared.append(body)
    return {"org": org, "place_id": org["place_id"], "admin": admin, "members": [well, ill, twice],
            "declared": declared, "day": declared[-1]["declared_at"][:10]}


def _report(lambdas, scene, person=None, day=None):
    place_id = scene["place_id"]
    return raw(lambdas, f"/v1/orgs/{place_id}/report", "/v1/orgs/{id}/report", person or scene["admin"],
               {"id": place_id}, {"date": day or scene["day"]})


def _headers(answer):
    return {k.lower(): v[0] for k, v in answer["multiValueHeaders"].items()}


def _audited(person_id, action):
    from healthcode.models import AuditEntry

    return [e for e in AuditEntry.query(person_id) if e.action == action]


# ---------------------------------------------------------------- the list


def test_the_admin_lists_the_days_declarations_with_masked_names_newest_first(lambdas, scene):
    status, page = declarations_of(lambdas, scene["place_id"], scene["admin"], {"date": scene["day"]})
    assert status == 200, page
    assert page | {"date": scene["day"], "place_id": scene["place_id"], "name": "天河科技园",
                   "next_cursor": None} == page
    assert [row["declaration_id"] for row in page["items"]] == [d["declaration_id"]
                                                               for d in reversed(scene["declared"])]
    assert [row["name_masked"] for row in page["items"]] == ["诸**红", "诸**红", "司**华", "欧**明"]
    ill = page["items"][2]
    assert ill | {"temperature_c": 38.2, "fever": True, "symptom_labels": ["咳嗽"]} == ill
    text = str(page)
    assert all(name not in text for name in ("欧阳小明", "司马大华", "诸葛小红", "13912345678"))


def test_each_member_whose_declaration_the_admin_read_is_audited(lambdas, scene):
    declarations_of(lambdas, scene["place_id"], scene["admin"], {"date": scene["day"]})
    for member in scene["members"]:
        entries = _audited(member, "ORG_DECLARATIONS_READ")
        assert len(entries) == 1
        assert (entries[0].actor, entries[0].place_id, entries[0].purpose) == (scene["admin"], scene["place_id"],
                                                                               "org_admin")


def test_the_admin_reading_their_own_declaration_is_not_audited(lambdas, scene):
    from healthcode.places.orgs.members import join

    join(scene["admin"], scene["org"]["join_code"])
    assert declare(lambdas, scene["admin"], scene["place_id"])[0] == 201
    declarations_of(lambdas, scene["place_id"], scene["admin"], {"date": scene["day"]})
    assert _audited(scene["admin"], "ORG_DECLARATIONS_READ") == []
    assert all(len(_audited(member, "ORG_DECLARATIONS_READ")) == 1 for member in scene["members"])


def test_the_list_pages_with_a_cursor(lambdas, scene):
    status, first = declarations_of(lambdas, scene["place_id"], scene["admin"], {"date": scene["day"], "limit": "3"})
    assert len(first["items"]) == 3 and first["next_cursor"]
    status, second = declarations_of(lambdas, scene["place_id"], scene["admin"],
                                     {"date": scene["day"], "limit": "3", "cursor": first["next_cursor"]})
    assert status == 200 and len(second["items"]) == 1
    seen = [row["declaration_id"] for row in first["items"] + second["items"]]
    assert sorted(seen) == sorted(d["declaration_id"] for d in scene["declared"])


def test_a_cursor_of_another_day_or_organization_is_400(lambdas, scene):
    other = create_org(lambdas, new_person(lambdas), name="另一组织")
    member = member_of(lambdas, other)
    declare(lambdas, member, other["place_id"])
    declare(lambdas, member, other["place_id"])
    _, theirs = declarations_of(lambdas, other["place_id"], other["admin_id"], {"limit": "1"})
    status, body = declarations_of(lambdas, scene["place_id"], scene["admin"], {"cursor": theirs["next_cursor"]})
    assert status == 400 and body["error"]["field"] == "cursor"


def test_a_day_without_declarations_is_an_empty_list(lambdas, scene):
    status, page = declarations_of(lambdas, scene["place_id"], scene["admin"], {"date": "2020-01-01"})
    assert status == 200 and page["items"] == [] and page["next_cursor"] is None


def test_declarations_stay_in_the_list_after_the_member_unbinds(lambdas, scene):
    leave(lambdas, scene["members"][0], scene["place_id"])
    _, page = declarations_of(lambdas, scene["place_id"], scene["admin"])
    assert len(page["items"]) == 4


def test_a_member_may_not_list_the_declarations(lambdas, scene):
    status, body = declarations_of(lambdas, scene["place_id"], scene["members"][0])
    assert status == 403


@pytest.mark.parametrize("query, field", [({"date": "2999-01-01"}, "date"), ({"date": "27/11/2026"}, "date"),
                                          ({"limit": "0"}, "limit"), ({"limit": "101"}, "limit"),
                                          ({"cursor": "!!!"}, "cursor")])
def test_bad_list_input_is_400(lambdas, scene, query, field):
    status, body = declarations_of(lambdas, scene["place_id"], scene["admin"], query)
    assert status == 400 and body["error"]["field"] == field


# ---------------------------------------------------------------- the CSV report


def test_the_report_is_a_csv_excel_opens_with_chinese_text(lambdas, scene):
    # GIVEN the day's declarations WHEN the admin downloads the report
    answer = _report(lambdas, scene)

    # THEN it is CSV, UTF-8 with a byte-order mark, named after the organization and the day
    assert answer["statusCode"] == 200
    headers = _headers(answer)
    assert headers["content-type"] == "text/csv; charset=utf-8"
    assert headers["content-disposition"].startswith(f'attachment; filename="org-declarations-{scene["day"]}.csv"')
    assert unquote(headers["content-disposition"].split("UTF-8''")[1]) == f"天河科技园-健康申报-{scene['day']}.csv"
    assert not answer.get("isBase64Encoded")
    body = answer["body"]
    assert body.startswith("\ufeff")
    assert body.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_the_report_holds_each_declaration_oldest_first_with_masked_names(lambdas, scene):
    rows = list(csv.reader(io.StringIO(_report(lambdas, scene)["body"].lstrip("\ufeff"))))
    header, lines = rows[0], rows[1:]
    assert header[:7] == ["序号", "申报时间", "姓名", "申报类型", "体温(℃)", "是否发热", "症状"]
    assert header[-2:] == ["其他申报内容", "监护人代为申报"]
    assert len(lines) == 4
    column = {name: i for i, name in enumerate(header)}
    assert [line[column["申报时间"]] for line in lines] == [d["declared_at"] for d in scene["declared"]]
    assert [line[column["姓名"]] for line in lines] == ["欧**明", "司**华", "诸**红", "诸**红"]
    well, ill, twice = lines[0], lines[1], lines[2]
    assert [well[column[c]] for c in ("序号", "申报类型", "体温(℃)", "是否发热", "症状")] == [
        "1", "组织机构成员健康申报", "36.5", "否", "无"]
    assert [ill[column[c]] for c in ("体温(℃)", "是否发热", "症状", "共同居住人员是否有发热、咳嗽等症状")] == [
        "38.2", "是", "咳嗽", "是"]
    assert well[column["14天内是否接触过新冠肺炎确诊、疑似病例或无症状感染者"]] == "否"
    assert well[column["目前所在城市"]] == "广州市"
    assert twice[column["其他申报内容"]] == "shift: 早班"
    assert all(line[-1] == "否" for line in lines)
    assert "欧阳小明" not in str(rows) and "司马大华" not in str(rows)


def test_a_formula_a_member_typed_is_text_in_the_report(lambdas, scene):
    rows = list(csv.reader(io.StringIO(_report(lambdas, scene)["body"].lstrip("\ufeff"))))
    remarks = rows[0].index("其他需要说明的情况")
    assert rows[2][remarks] == "'=HYPERLINK(\"http://x\")"


def test_the_report_is_audited_for_each_member(lambdas, scene):
    _report(lambdas, scene)
    assert all(len(_audited(member, "ORG_REPORT_READ")) == 1 for member in scene["members"])


def test_the_report_of_a_day_without_declarations_is_the_header_alone(lambdas, scene):
    answer = _report(lambdas, scene, day="2020-01-01")
    assert answer["statusCode"] == 200
    assert len(list(csv.reader(io.StringIO(answer["body"].lstrip("\ufeff"))))) == 1


def test_a_member_may_not_download_the_report(lambdas, scene):
    answer = _report(lambdas, scene, person=scene["members"][1])
    assert answer["statusCode"] == 403 and "FORBIDDEN" in answer["body"]


def test_the_report_of_an_unknown_organization_is_404(lambdas):
    answer = raw(lambdas, "/v1/orgs/01JNOSUCHORG00000000000000/report", "/v1/orgs/{id}/report", new_person(lambdas),
                 {"id": "01JNOSUCHORG00000000000000"})
    assert answer["statusCode"] == 404


def test_a_report_too_large_for_one_download_is_413(lambdas, scene, monkeypatch):
    from healthcode.places.orgs import reports

    monkeypatch.setattr(reports, "MAX_REPORT_BYTES", 500)
    answer = _report(lambdas, scene)
    assert answer["statusCode"] == 413 and "REPORT_TOO_LARGE" in answer["body"]
