"""Inspectors' bindings, temperature checks (idempotent, private, append-only) and the quick check-in code."""

from __future__ import annotations

import base64
import json

import pytest
from venues_support import api, check, code_of, create_venue, join, new_person


@pytest.fixture
def venue(lambdas):
    admin, inspector = new_person(lambdas, name="管理员"), new_person(lambdas, name="保安甲")
    created = create_venue(lambdas, admin)
    status, _ = join(lambdas, inspector, created["join_code"])
    assert status == 201
    return created | {"admin": admin, "inspector": inspector}


def _checks_of(place_id):
    from healthcode.core import clock
    from healthcode.models import Check

    today = clock.local_date(clock.now())
    from datetime import timedelta

    return [c for day in (today - timedelta(days=1), today) for c in Check.query(f"{place_id}#{day.isoformat()}")]


# ---------------------------------------------------------------- bindings


def test_an_inspector_binds_many_venues_and_lists_them(lambdas):
    inspector = new_person(lambdas)
    first, second = create_venue(lambdas, new_person(lambdas)), create_venue(lambdas, new_person(lambdas), name="二号")
    assert join(lambdas, inspector, first["join_code"])[0] == 201
    assert join(lambdas, inspector, f" {second['join_code'][:6]}-{second['join_code'][6:]} ")[0] == 201
    status, body = api(lambdas, "GET", "/v1/inspector/venues", "/v1/inspector/venues", inspector)
    assert status == 200
    assert {v["place_id"] for v in body["items"]} == {first["place_id"], second["place_id"]}
    assert all("join_code" not in v and "phone" not in v for v in body["items"])


@pytest.mark.parametrize("join_code", ["000000000000", "12345", "abcdefghijkl", ""])
def test_an_unknown_or_malformed_join_code_is_404(lambdas, join_code):
    status, body = join(lambdas, new_person(lambdas), join_code)
    assert status in (404, 400)
    assert body["error"]["field"] == "join_code"
    if join_code:
        assert status == 404


def test_an_organization_join_code_does_not_bind_a_venue(lambdas):
    from healthcode.core import clock
    from healthcode.models import Place

    Place(place_id="01JORGNOTAVENUE0000000000A", kind="ORG", name="某单位", join_code="555555555555",
          created_at=clock.iso(clock.now())).save()
    status, body = join(lambdas, new_person(lambdas), "555555555555")
    assert status == 404


def test_a_join_code_is_read_consistently_through_its_marker_not_the_index(lambdas):
    """GIVEN a venue just created WHEN an inspector binds with its code THEN the code is found by consistent
    GetItems (the places index is eventually consistent: a code shared at once could be refused)."""
    from infra.local.embedded import count_aws_calls

    created = create_venue(lambdas, new_person(lambdas))
    inspector = new_person(lambdas)
    with count_aws_calls() as calls:
        status, body = join(lambdas, inspector, created["join_code"])
    assert status == 201, body
    assert "dynamodb.Query" not in calls and "dynamodb.Scan" not in calls


def test_the_admin_who_unbound_themselves_may_bind_again_as_inspector(lambdas, venue):
    """GIVEN the admin bound as an inspector and then unbound themselves from the members page
    WHEN they bind with the venue's code again THEN they are its inspector (the admin may always inspect)."""
    join(lambdas, venue["admin"], venue["join_code"])
    status, _ = api(lambdas, "DELETE", f"/v1/venues/{venue['place_id']}/inspectors/{venue['admin']}",
                    "/v1/venues/{id}/inspectors/{person_id}", venue["admin"],
                    params={"id": venue["place_id"], "person_id": venue["admin"]})
    assert status == 204
    status, body = join(lambdas, venue["admin"], venue["join_code"])
    assert status == 201, body
    assert check(lambdas, venue["place_id"], venue["admin"], code_of(lambdas, new_person(lambdas)))[0] == 201


def test_binding_twice_is_409(lambdas, venue):
    status, body = join(lambdas, venue["inspector"], venue["join_code"])
    assert status == 409 and body["error"]["code"] == "ALREADY_BOUND"


def test_an_inspector_leaves_a_venue_and_may_bind_again(lambdas, venue):
    path = (f"/v1/inspector/venues/{venue['place_id']}", "/v1/inspector/venues/{id}")
    status, _ = api(lambdas, "DELETE", *path, venue["inspector"], params={"id": venue["place_id"]})
    assert status == 204
    status, _ = api(lambdas, "DELETE", *path, venue["inspector"], params={"id": venue["place_id"]})
    assert status == 404
    assert check(lambdas, venue["place_id"], venue["inspector"], code_of(lambdas, new_person(lambdas)))[0] == 403
    assert join(lambdas, venue["inspector"], venue["join_code"])[0] == 201


# ---------------------------------------------------------------- checks


def test_a_check_answers_masked_data_colour_and_stores_one_record(lambdas, venue):
    visitor = new_person(lambdas, name="诸葛明亮")
    status, body = check(lambdas, venue["place_id"], venue["inspector"], code_of(lambdas, visitor), "FEVER")
    assert status == 201, body
    assert body["name_masked"] == "诸**亮" and body["phone_masked"] == "139****5678"
    assert body["color"] == "GREEN" and body["reasons"] == [] and body["red"] is False
    assert body["temperature"] == "FEVER" and body["code_type"] == "R"
    text = json.dumps(body, ensure_ascii=False)
    assert "诸葛明亮" not in text and "13912345678" not in text and visitor not in text  # FAQ 9
    stored = _checks_of(venue["place_id"])
    assert len(stored) == 1 and stored[0].person_id == visitor and stored[0].inspector_id == venue["inspector"]
    assert stored[0].gender == "male" and stored[0].age_group == "18-39"


def test_every_scan_writes_an_audit_entry(lambdas, venue):
    from healthcode.models import AuditEntry

    visitor = new_person(lambdas)
    check(lambdas, venue["place_id"], venue["inspector"], code_of(lambdas, visitor))
    entries = [e for e in AuditEntry.query(visitor) if e.action == "VENUE_CHECK"]
    assert len(entries) == 1
    assert entries[0].actor == venue["inspector"] and entries[0].place_id == venue["place_id"]


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer_and_counts_once(lambdas, venue):
    qr = code_of(lambdas, new_person(lambdas))
    status, first = check(lambdas, venue["place_id"], venue["inspector"], qr, "FEVER", key="device-7:scan-0001")
    again_status, again = check(lambdas, venue["place_id"], venue["inspector"], qr, "FEVER", key="device-7:scan-0001")
    assert (status, again_status) == (201, 200)
    assert again["check_id"] == first["check_id"] and again["replayed"] is True
    assert len(_checks_of(venue["place_id"])) == 1


def test_the_same_key_with_another_payload_is_422_and_writes_nothing(lambdas, venue):
    qr = code_of(lambdas, new_person(lambdas))
    check(lambdas, venue["place_id"], venue["inspector"], qr, "NORMAL", key="k-1")
    status, body = check(lambdas, venue["place_id"], venue["inspector"], qr, "FEVER", key="k-1")
    assert status == 422 and body["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert len(_checks_of(venue["place_id"])) == 1


def test_the_same_key_from_another_inspector_is_another_check(lambdas, venue):
    other = new_person(lambdas)
    join(lambdas, other, venue["join_code"])
    qr = code_of(lambdas, new_person(lambdas))
    check(lambdas, venue["place_id"], venue["inspector"], qr, key="shared-key")
    check(lambdas, venue["place_id"], other, qr, key="shared-key")
    assert len(_checks_of(venue["place_id"])) == 2


@pytest.mark.parametrize("key", [None, "", "x" * 129, "has space", "中文"])
def test_a_missing_or_malformed_idempotency_key_is_400(lambdas, venue, key):
    qr = code_of(lambdas, new_person(lambdas))
    if key is None:
        status, body = check(lambdas, venue["place_id"], venue["inspector"], qr, key=None)
    else:
        status, body = api(lambdas, "POST", f"/v1/venues/{venue['place_id']}/checks", "/v1/venues/{id}/checks",
                           venue["inspector"], {"qr": qr, "temperature": "NORMAL"}, {"id": venue["place_id"]},
                           headers={"Idempotency-Key": key})
    assert status == 400 and body["error"]["field"] == "Idempotency-Key"
    assert _checks_of(venue["place_id"]) == []


@pytest.mark.parametrize("body, field", [
    ({"qr": "x", "temperature": "HOT"}, "temperature"),
    ({"qr": "x", "temperature": "normal"}, "temperature"),
    ({"qr": "x", "temperature": 37.5}, "temperature"),
    ({"qr": "x"}, "temperature"),
    ({"temperature": "NORMAL"}, "qr"),
    ({"qr": "x", "temperature": "NORMAL", "note": "extra"}, "note"),
])
def test_bad_check_input_is_400_naming_the_field(lambdas, venue, body, field):
    status, answer = api(lambdas, "POST", f"/v1/venues/{venue['place_id']}/checks", "/v1/venues/{id}/checks",
                         venue["inspector"], body, {"id": venue["place_id"]}, headers={"Idempotency-Key": "k"})
    assert status == 400 and answer["error"]["field"] == field
    assert _checks_of(venue["place_id"]) == []


def _tampered(qr):
    prefix, kid, payload, sig = qr.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["s"] = "01JSOMEONEELSE000000000000"
    forged = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()).rstrip(b"=").decode()
    return f"{prefix}.{kid}.{forged}.{sig}"


@pytest.mark.parametrize("case", ["garbage", "tampered", "bad signature", "unknown kid", "revoked", "quick code"])
def test_forged_tampered_or_revoked_codes_are_invalid_and_write_nothing(lambdas, venue, case):
    from healthcode.codes.tokens import CodeType, get_keyring
    from healthcode.models import AuditEntry, Person

    visitor = new_person(lambdas)
    qr = code_of(lambdas, visitor)
    if case == "revoked":  # a re-issued code bumps the version: the old one no longer resolves
        person = Person.get(visitor)
        person.update(actions=[Person.code_version.set(2)])
    qr = {"garbage": "hello", "tampered": _tampered(qr), "bad signature": qr[:-4] + ("AAAA" if qr[-4:] != "AAAA" else "BBBB"),
          "unknown kid": qr.replace(qr.split(".")[1], "nokid", 1), "revoked": qr,
          "quick code": get_keyring().sign(CodeType.QUICK_CHECKIN, venue["place_id"], 1, 0)}[case]
    status, body = check(lambdas, venue["place_id"], venue["inspector"], qr)
    assert status == 400 and body["error"]["code"] == "INVALID_CODE"
    assert _checks_of(venue["place_id"]) == []
    assert [e for e in AuditEntry.query(visitor) if e.action == "VENUE_CHECK"] == []


def test_printed_and_inbound_codes_are_accepted(lambdas, venue):
    from healthcode.codes.tokens import CodeType, get_keyring
    from healthcode.core import clock
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create

    keyring, now = get_keyring(), int(clock.now().timestamp())
    resident = new_person(lambdas, birth_year=1950)
    printed = keyring.sign(CodeType.PHYSICAL, resident, 1, now)
    traveller, _ = find_or_create(NewPerson(parse_document("PASSPORT", "E1234567" + str(now % 1000)), "JOHN SMITH",
                                            kind="INBOUND", country="GB"))
    inbound = keyring.sign(CodeType.INBOUND, traveller.person_id, 1, now)
    status, body = check(lambdas, venue["place_id"], venue["inspector"], printed)
    assert status == 201 and body["code_type"] == "P"
    status, body = check(lambdas, venue["place_id"], venue["inspector"], inbound)
    assert status == 201 and body["code_type"] == "I" and body["name_masked"] == "J*** S****"
    wrong = keyring.sign(CodeType.RESIDENT, traveller.person_id, 1, now)  # a resident code for a traveller
    assert check(lambdas, venue["place_id"], venue["inspector"], wrong)[0] == 400


def test_someone_not_bound_to_the_venue_gets_403_and_nothing_is_written(lambdas, venue):
    stranger = new_person(lambdas)
    status, body = check(lambdas, venue["place_id"], stranger, code_of(lambdas, new_person(lambdas)))
    assert status == 403 and body["error"]["code"] == "NOT_BOUND"
    status, body = check(lambdas, venue["place_id"], venue["admin"], code_of(lambdas, new_person(lambdas)))
    assert status == 403  # the admin checks only once bound as an inspector too
    assert _checks_of(venue["place_id"]) == []
    join(lambdas, venue["admin"], venue["join_code"])
    assert check(lambdas, venue["place_id"], venue["admin"], code_of(lambdas, new_person(lambdas)))[0] == 201


def test_a_red_code_is_recorded_and_flagged_with_its_reasons(lambdas, venue):
    from healthcode.models import Person

    visitor = new_person(lambdas)
    qr = code_of(lambdas, visitor)
    Person.get(visitor).update(actions=[Person.color.set("RED"), Person.reasons.set([{"code": "CLOSE_CONTACT",
                                                                                        "since": "2026-11-20"}])])
    status, body = check(lambdas, venue["place_id"], venue["inspector"], qr)
    assert status == 201
    assert body["color"] == "RED" and body["red"] is True and body["alert"]["level"] == "RED"
    assert body["reasons"][0]["code"] == "CLOSE_CONTACT" and body["reasons"][0]["label"] == "密切接触者"
    assert _checks_of(venue["place_id"])[0].color == "RED"


def test_the_latest_declaration_is_shown_on_request_only(lambdas, venue):
    from healthcode.core import clock
    from healthcode.models import Declaration

    visitor = new_person(lambdas)
    now = clock.iso(clock.now())
    Declaration(person_id=visitor, sk=f"{now}#d1", declaration_id="d1", type="PERSONAL", temperature_c=36.6,
                symptoms=[], answers={}, declared_by=visitor, created_at=now).save()
    qr = code_of(lambdas, visitor)
    _, plain = check(lambdas, venue["place_id"], venue["inspector"], qr)
    assert "latest_declaration" not in plain
    _, detailed = check(lambdas, venue["place_id"], venue["inspector"], qr, query={"with_declaration": "true"})
    assert detailed["latest_declaration"]["healthy"] is True and detailed["latest_declaration"]["type"] == "PERSONAL"


def test_checks_cannot_be_edited_or_deleted():
    """FAQ 12: the template has no route that changes or removes a check (an inspector's or a scanner device's)."""
    from infra.template import load_template, routes

    check_routes = [r for r in routes(load_template()) if "/checks" in r.path]
    assert sorted((r.path, r.method.upper()) for r in check_routes) == [("/v1/device/checks", "POST"),
                                                                        ("/v1/venues/{id}/checks", "POST")]


# ---------------------------------------------------------------- quick check-in (葵花码)


def _quick_code(lambdas, person, place_id, fmt=None):
    return api(lambdas, "GET", f"/v1/venues/{place_id}/quick-code", "/v1/venues/{id}/quick-code", person,
               params={"id": place_id}, query={"format": fmt} if fmt else None)


def test_the_quick_code_is_a_signed_fixed_venue_code(lambdas, venue):
    from healthcode.codes.tokens import CodeType, get_keyring

    status, body = _quick_code(lambdas, venue["inspector"], venue["place_id"])
    assert status == 200
    claims = get_keyring().verify(body["qr"], {CodeType.QUICK_CHECKIN})
    assert claims.subject == venue["place_id"]
    assert _quick_code(lambdas, venue["admin"], venue["place_id"])[1]["qr"] == body["qr"]  # fixed: printouts stay valid


def test_the_printable_quick_code_decodes_to_the_same_code(lambdas, venue):
    import io

    import zxingcpp
    from PIL import Image

    _, body = _quick_code(lambdas, venue["inspector"], venue["place_id"])
    answer = lambdas["VenuesFunction"].invoke(__import__("tests.integration.conftest", fromlist=["x"]).sample_event(
        "venues-mine.json", person_id=venue["inspector"], method="GET", query={"format": "png"},
        path=(f"/v1/venues/{venue['place_id']}/quick-code", "/v1/venues/{id}/quick-code", {"id": venue["place_id"]})))
    assert answer["statusCode"] == 200 and answer["isBase64Encoded"] is True
    assert answer["multiValueHeaders"]["Content-Type"] == ["image/png"]
    image = Image.open(io.BytesIO(base64.b64decode(answer["body"])))
    assert image.size == (1240, 1754)
    assert sorted(r.text for r in zxingcpp.read_barcodes(image)) == sorted([body["qr"], body["code_page_url"]])


def test_the_poster_also_leads_straight_to_the_code_page(lambdas, venue, monkeypatch):
    """Guide 4.(二).2.(2).3: below the quick check-in entry, a code that opens the code page, for whoever cannot find
    theirs: the configured page, else the page beside this API (its Host)."""
    import io

    import zxingcpp
    from healthcode.core.config import get_config
    from PIL import Image

    _, body = _quick_code(lambdas, venue["inspector"], venue["place_id"])
    assert body["code_page_url"].endswith("/") and body["code_page_url"].startswith("http")
    monkeypatch.setenv("CODE_PAGE_URL", "https://ykm.example.gd.gov.cn/")
    get_config.cache_clear()
    try:
        _, body = _quick_code(lambdas, venue["inspector"], venue["place_id"])
    finally:
        monkeypatch.delenv("CODE_PAGE_URL")
        get_config.cache_clear()
    poster = Image.open(io.BytesIO(base64.b64decode(body["png_base64"])))
    found = {r.text for r in zxingcpp.read_barcodes(poster)}
    assert found == {body["qr"], "https://ykm.example.gd.gov.cn/"}


def test_a_stranger_cannot_get_the_quick_code(lambdas, venue):
    assert _quick_code(lambdas, new_person(lambdas), venue["place_id"])[0] == 403
    assert _quick_code(lambdas, venue["inspector"], "01JNOSUCHVENUE000000000000")[0] == 404


def _quick_checkin(lambdas, person, qr, query=None, key=None):
    return api(lambdas, "POST", "/v1/quick-checkin", "/v1/quick-checkin", person, {"qr": qr}, query=query,
               headers={"Idempotency-Key": key} if key else None)


def test_a_resident_checks_in_with_the_quick_code_as_normal_temperature(lambdas, venue):
    _, code = _quick_code(lambdas, venue["inspector"], venue["place_id"])
    resident = new_person(lambdas, name="快打卡", female=True)
    status, body = _quick_checkin(lambdas, resident, code["qr"])
    assert status == 201, body
    assert body["kind"] == "QUICK_CHECKIN" and body["temperature"] == "NORMAL" and body["place_name"] == "天河城"
    stored = _checks_of(venue["place_id"])
    assert len(stored) == 1 and stored[0].inspector_id is None and stored[0].gender == "female"


def test_a_quick_checkin_retried_with_its_key_counts_once(lambdas, venue):
    _, code = _quick_code(lambdas, venue["inspector"], venue["place_id"])
    resident = new_person(lambdas)
    first = _quick_checkin(lambdas, resident, code["qr"], key="phone-1")[1]
    again = _quick_checkin(lambdas, resident, code["qr"], key="phone-1")[1]
    assert again["check_id"] == first["check_id"] and len(_checks_of(venue["place_id"])) == 1


@pytest.mark.parametrize("case", ["person code", "garbage", "tampered", "unknown venue"])
def test_a_quick_checkin_with_anything_but_a_venue_quick_code_is_invalid(lambdas, venue, case):
    from healthcode.codes.tokens import CodeType, get_keyring

    resident = new_person(lambdas)
    _, code = _quick_code(lambdas, venue["inspector"], venue["place_id"])
    qr = {"person code": code_of(lambdas, resident), "garbage": "YKM1.x.y.z", "tampered": _tampered(code["qr"]),
          "unknown venue": get_keyring().sign(CodeType.QUICK_CHECKIN, "01JNOSUCHVENUE000000000000", 1, 0)}[case]
    status, body = _quick_checkin(lambdas, resident, qr)
    assert status == 400 and body["error"]["code"] == "INVALID_CODE"
    assert _checks_of(venue["place_id"]) == []


def test_a_quick_checkin_for_someone_not_in_my_family_is_404(lambdas, venue):
    _, code = _quick_code(lambdas, venue["inspector"], venue["place_id"])
    status, body = _quick_checkin(lambdas, new_person(lambdas), code["qr"], query={"member": new_person(lambdas)})
    assert status == 404 and body["error"]["field"] == "member"


def test_the_inspectors_preview_scan_shows_the_masked_name_and_phone_and_records_no_check(lambdas, venue):
    """Guide 四.(二).2.(2).3: scanning fills in the masked name and phone and 查看健康信息 the latest declaration; the
    check is recorded only when the inspector then submits 正常 or 发热 (the page's scan -> preview -> submit)."""
    from tests.integration.conftest import call, sample_event

    visitor = new_person(lambdas, name="欧阳访客")
    qr = code_of(lambdas, visitor)
    status, preview = call(lambdas["ScanFunction"], sample_event("scan-code.json", person_id=venue["inspector"],
                                                                 body={"qr": qr}))
    assert status == 200, preview
    assert preview["name_masked"] == "欧**客" and preview["phone_masked"] == "139****5678"
    assert preview["color"] == "GREEN" and preview["scanned_as"] == "inspector" and "latest_declaration" in preview
    assert _checks_of(venue["place_id"]) == []
    status, recorded = check(lambdas, venue["place_id"], venue["inspector"], qr, "FEVER")
    assert status == 201 and recorded["name_masked"] == preview["name_masked"]
    assert len(_checks_of(venue["place_id"])) == 1
