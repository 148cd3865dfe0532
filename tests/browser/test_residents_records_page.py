"""What a resident reads on the H5 page in Chromium: records in Chinese words only (no field keys, ids or internal
codes), the venue's name on a temperature check, the relation beside the masked name in the family switcher, the
display log's 成功/失败 column, and the phone's back button returning from each service to the code."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
from browser_support import SLOW_MS, api_login, expect, fresh_identity, log_in, the_one_record

pytestmark = pytest.mark.browser

ULID = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b")
# What the records API sends besides the words a person reads: field keys, ids, internal codes.
DEVELOPER_WORDS = ["notice_id", "position", "observation_from", "observation_until", "observation_place", "source",
                   "medical", "feed", "check_kind", "QUICK_CHECKIN", "VENUE_CHECK", "place_id", "event_id",
                   "场所编号", "details", "from_city", "NORMAL", "FEVER", "GREEN", "SUCCESS", "ticket_no"]


def records_answer(items_by_kind: dict[str, list[dict[str, Any]]]) -> Callable[[Any], None]:
    def answer(route: Any) -> None:
        kind = re.search(r"kind=([a-z_]+)", route.request.url).group(1)
        route.fulfill(status=200, content_type="application/json",
                      body=json.dumps({"kind": kind, "items": items_by_kind.get(kind, []), "next_cursor": None},
                                      ensure_ascii=False))

    return answer


def shown_text(page: Any) -> str:
    return page.locator("#records-list").inner_text()


def test_a_release_notice_shows_chinese_labels_and_no_field_keys(page: Any, stack: Any,
                                                                  screenshot: Callable[[str], None]) -> None:
    # GIVEN a release notice as GET /v1/me/records?kind=release_notice answers it (ids, keys and source included)
    notice = {"kind": "release_notice", "at": "2026-11-20T09:30:00.000+08:00", "event_id": "notice-01M97AQMXAW0CVY8S5ZPE6CCP0",
              "notice_id": "01M97AQMXAW0CVY8S5ZPE6CCP0", "issued_by": "赵*生", "unit": "广州市第八人民医院",
              "position": "主治医师", "observation_from": "2026-11-06", "observation_until": "2026-11-20",
              "observation_place": "广州市天河区集中隔离点", "remarks": "已满14天", "source": "medical"}
    entry = {"kind": "entry_registration", "at": "2026-11-19T08:00:00.000+08:00", "event_id": "r-1",
             "details": {"from_city": "武汉", "arrival_date": "2026-11-18", "ticket_no": "X123"}}
    page.route("**/v1/me/records?*", records_answer({"release_notice": [notice], "entry_registration": [entry]}))
    log_in(page, stack, fresh_identity("周告知"))

    # WHEN the resident opens the notices under 我的粤康码信息
    page.click("[data-testid=open-records]")
    page.click("[data-testid=records-tab-release_notice]")

    # THEN every field is under its Chinese label, the source in words, and no key, id or code is shown
    item = the_one_record(page, "医学观察开始日期", "2026-11-06", "医学观察结束日期", "医学观察地点", "广州市天河区集中隔离点",
                          "出具单位", "广州市第八人民医院", "出具人", "赵*生", "出具人职务", "主治医师", "备注", "来源",
                          "医护人员出具")
    text = shown_text(page)
    assert not ULID.search(text) and not [w for w in DEVELOPER_WORDS if w in text], text
    screenshot("records_release_notice.png")

    # AND a registration's details show the fields the page knows, in Chinese, and leave out the others
    page.click("[data-testid=records-tab-entry_registration]")
    expect(item).to_contain_text("出发城市", timeout=SLOW_MS)
    expect(item).to_contain_text("抵粤日期")
    text = shown_text(page)
    assert "X123" not in text and not [w for w in DEVELOPER_WORDS if w in text], text


def test_a_quick_check_in_shows_the_venues_name_and_the_kind_of_check_in_words(
    page: Any, stack: Any, screenshot: Callable[[str], None]
) -> None:
    # GIVEN a resident who checked in at the demo venue with its 葵花码
    venue = stack.demo["venue"]
    admin = api_login(stack, {"id_number": venue["admin"]["id_number"], "name": venue["admin"]["name"]})
    quick = requests.get(f"{stack.base_url}/v1/venues/{venue['place_id']}/quick-code", headers=admin, timeout=10)
    assert quick.status_code == 200, quick.text
    resident = fresh_identity("周打卡")
    checked = requests.post(f"{stack.base_url}/v1/quick-checkin", timeout=10, json={"qr": quick.json()["qr"]},
                            headers=api_login(stack, resident) | {"Idempotency-Key": uuid.uuid4().hex})
    assert checked.status_code in (200, 201), checked.text
    log_in(page, stack, resident)

    # WHEN they open 体温检测记录
    page.click("[data-testid=open-records]")
    page.click("[data-testid=records-tab-temperature]")

    # THEN the check names the venue, the temperature and the way they checked in, in Chinese; no venue id
    item = the_one_record(page)
    expect(item.locator("dd[data-field=place_name]")).to_have_text(venue["name"])
    expect(item.locator("dd[data-field=temperature]")).to_have_text("正常")
    expect(item.locator("dd[data-field=check_kind]")).to_have_text("快速打卡")
    text = shown_text(page)
    assert venue["place_id"] not in text and not ULID.search(text), text
    assert not [w for w in DEVELOPER_WORDS if w in text], text
    screenshot("records_temperature.png")


def test_the_switcher_names_the_relation_beside_the_masked_name(page: Any, stack: Any) -> None:
    # GIVEN the demo guardian, whose child and parent share the masked name 张*丰
    family = stack.demo["residents"]["family"]
    child = next(m for m in family if m["relation"] == "CHILD")
    log_in(page, stack, stack.demo["people"][1])

    # THEN their own code says 本人 beside the name
    expect(page.locator("#member-switch")).to_contain_text("（本人）", timeout=SLOW_MS)
    own = page.locator("#member-switch").inner_text()

    # WHEN they switch to the child THEN the switcher says 子女, and differs from their own
    page.click("#member-switch")
    page.click(f"[data-testid=member-option][data-person-id='{child['person_id']}']")
    expect(page.locator("#member-switch")).to_contain_text("（子女）", timeout=SLOW_MS)
    assert page.locator("#member-switch").inner_text() != own

    # AND back on their own code it says 本人 again
    page.click("#member-switch")
    page.click("[data-testid=member-option-self]")
    expect(page.locator("#member-switch")).to_contain_text("（本人）", timeout=SLOW_MS)


def test_the_display_log_says_whether_each_display_succeeded(page: Any, stack: Any,
                                                             screenshot: Callable[[str], None]) -> None:
    # GIVEN a display log with a failed display, a successful one, and one logged before displays carried a status
    log = [{"at": "2026-11-20T09:32:00.000+08:00", "color": "GREEN", "code_type": "R", "status": "FAILED"},
           {"at": "2026-11-20T09:31:00.000+08:00", "color": "GREEN", "code_type": "R", "status": "SUCCESS",
            "result": "SUCCESS"},
           {"at": "2026-11-20T09:30:00.000+08:00", "color": "GREEN", "code_type": "R"}]
    page.route("**/v1/me/display-log?*", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps({"items": log, "next_cursor": None})))

    # WHEN the resident's code is shown
    log_in(page, stack, fresh_identity("周亮码"))

    # THEN the log lists each display with 成功 or 失败 under the 状态 column
    statuses = page.locator("#display-log [data-testid=display-log-status]")
    expect(statuses).to_have_text(["失败", "成功", "成功"], timeout=SLOW_MS)
    expect(page.locator("#display-log-head")).to_contain_text("状态")
    expect(page.locator("#display-log [data-testid=display-log-item]").first).to_have_attribute("data-status", "FAILED")
    screenshot("display_log_status.png")


def test_a_real_display_is_logged_as_a_success(page: Any, stack: Any) -> None:
    # GIVEN a resident WHEN their code is shown THEN the display log's newest entry says 成功
    log_in(page, stack, fresh_identity("周成功"))
    expect(page.locator("#display-log [data-testid=display-log-status]").first).to_have_text("成功", timeout=SLOW_MS)


@pytest.mark.parametrize(("service", "view"), [("open-records", "#records-view"), ("open-declare", "#declare-view"),
                                               ("open-itinerary", "#itinerary-view"), ("open-macau", "#macau-view"),
                                               ("open-family", "#family-view")])
def test_the_phones_back_button_returns_from_a_service_to_the_code(page: Any, stack: Any, service: str,
                                                                   view: str) -> None:
    # GIVEN a resident on their code, who opens a service
    log_in(page, stack, fresh_identity("周返回"))
    page.click(f"[data-testid={service}]")
    expect(page.locator(view)).to_be_visible()
    expect(page.locator("#code-view")).to_be_hidden()

    # WHEN they press the phone's back button
    page.go_back()

    # THEN they are back on their code, still logged in on the page
    expect(page.locator("#code-view")).to_be_visible()
    expect(page.locator(view)).to_be_hidden()
    expect(page.locator("#code-qr")).to_have_attribute("data-qr", re.compile(r".+"))


def test_the_pages_back_link_and_the_phones_back_button_agree(page: Any, stack: Any) -> None:
    # GIVEN a resident who opened records, then went back with ‹ 返回
    log_in(page, stack, fresh_identity("周链接"))
    start = page.evaluate("history.length")
    page.click("[data-testid=open-records]")
    page.locator("#records-view .back").click()
    expect(page.locator("#code-view")).to_be_visible()

    # WHEN they open another service THEN back returns to the code: ‹ 返回 left no entry behind to step through
    page.click("[data-testid=open-declare]")
    page.go_back()
    expect(page.locator("#code-view")).to_be_visible()
    expect(page.locator("#declare-view")).to_be_hidden()
    assert page.evaluate("history.length") <= start + 1


# One record of each kind as GET /v1/me/records answers it (layers/common/python/healthcode/residents/records.py).
API_RECORDS = {
    "nucleic_acid": {"kind": "nucleic_acid", "at": "2026-11-20T09:30:00.000+08:00", "event_id": "e-1",
                     "result": "NEGATIVE", "institution": "广州市第一人民医院"},
    "antibody": {"kind": "antibody", "at": "2026-11-20T09:30:00.000+08:00", "event_id": "e-2", "result": "POSITIVE",
                 "institution": "金域检验"},
    "health_certificate": {"kind": "health_certificate", "at": "2026-11-20T09:30:00.000+08:00", "event_id": "e-3",
                           "status": "HIGH_RISK"},
    "release_notice": {"kind": "release_notice", "at": "2026-11-20T09:30:00.000+08:00", "event_id": "e-4",
                       "notice_id": "01M97AQMXAW0CVY8S5ZPE6CCP0", "issued_by": "赵*生", "unit": "广州市第八人民医院",
                       "position": "主治医师", "observation_from": "2026-11-06", "observation_until": "2026-11-20",
                       "observation_place": "集中隔离点", "remarks": None, "source": "feed"},
    "entry_registration": {"kind": "entry_registration", "at": "2026-11-20T09:30:00.000+08:00", "event_id": "e-5",
                           "details": {"from_city": "武汉", "arrival_date": "2026-11-18"}},
    "inbound_entry": {"kind": "inbound_entry", "at": "2026-11-20T09:30:00.000+08:00", "event_id": "e-6",
                      "country": "SG", "doc_type": "PASSPORT", "doc_number": "K****5678", "entry_date": "2026-11-19",
                      "port": "白云机场", "vehicle": "CZ352"},
    "declaration": {"kind": "declaration", "at": "2026-11-20T09:30:00.000+08:00",
                    "declaration_id": "01M97AQMXAW0CVY8S5ZPE6CCP1", "person_id": "01M97AQMXAW0CVY8S5ZPE6CCP2",
                    "type": "ORG_MEMBER", "type_label": "组织机构成员健康申报", "place_id": "01M97AQMXAW0CVY8S5ZPE6CCP3",
                    "temperature_c": 37.6, "symptoms": ["cough"], "symptom_labels": ["咳嗽"],
                    "answers": {"contact_with_case": False, "current_city": "广州市"},
                    "answer_labels": {"contact_with_case": "14天内是否接触过确诊病例"}, "fever": True,
                    "declared_at": "2026-11-20T09:30:00.000+08:00", "declared_by_guardian": True},
    "display": {"kind": "display", "at": "2026-11-20T09:30:00.000+08:00", "color": "RED", "code_type": "R",
                "result": "SUCCESS"},
    "temperature": {"kind": "temperature", "at": "2026-11-20T09:30:00.000+08:00", "temperature": "FEVER",
                    "place_id": "01M97AJDQP474ER6A7HW4G34PN", "check_kind": "VENUE_CHECK", "color": "GREEN",
                    "place_name": "天河城（演示）"},
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_kind_shows_chinese_labels_and_words_and_never_a_key_or_code(page: Any, stack: Any) -> None:
    # GIVEN one record of every kind, as the API answers them
    page.route("**/v1/me/records?*", records_answer({kind: [item] for kind, item in API_RECORDS.items()}))
    log_in(page, stack, fresh_identity("周全类"))
    page.click("[data-testid=open-records]")

    for kind, item in API_RECORDS.items():
        # WHEN the kind's tab is opened
        page.click(f"[data-testid=records-tab-{kind}]")
        record = page.locator("[data-testid=record-item]")
        expect(record).to_have_attribute("data-kind", kind, timeout=SLOW_MS)

        # THEN every label is Chinese, and neither a field's key nor an id or internal code is on screen
        labels = record.locator("dt").all_inner_texts()
        assert labels and all(CJK.search(label) for label in labels), (kind, labels)
        text = record.inner_text()
        keys = set(item) | set(item.get("details") or {}) | set(item.get("answers") or {})
        codes = {v for v in item.values() if isinstance(v, str) and re.fullmatch(r"[A-Z_]{2,}|[a-z_]+|[A-Z]", v)}
        assert not [word for word in keys | codes if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text)
                    and word not in ("at",)], (kind, text)
        assert not ULID.search(text), (kind, text)
