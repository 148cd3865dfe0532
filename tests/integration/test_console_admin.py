"""The console's system-admin side: medical-staff grants listed and withdrawn, and the audit trail of who read a
person's data. System admins only (403 otherwise); every list is a Query on a key."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.conftest import new_id_card, new_phone

ADMIN = str(uuid.uuid4())
SYSTEM = ("resident", "system_admin")


@pytest.fixture
def call(lambdas, event, invoke):
    def send(sample, who=ADMIN, roles=SYSTEM, **changes):
        return invoke(lambdas["MedicalFunction"], event(sample, person_id=who, roles=list(roles), **changes))

    return send


def staff(name: str, phone: str) -> dict:
    return {"name": name, "phone": phone, "unit": "广州市第八人民医院", "position": "主治医师"}


def listing(call, **query) -> list[dict]:
    items, cursor = [], None
    while True:
        status, page = call("medical-staff-list.json", query={"limit": "100", **query} | ({"cursor": cursor}
                                                                                           if cursor else {}))
        assert status == 200, page
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def withdraw(call, ref: str, **kwargs):
    return call("medical-staff-withdraw.json", path=(f"/v1/admin/medical-staff/{ref}",
                                                     "/v1/admin/medical-staff/{person_id}", {"person_id": ref}),
                **kwargs)


def test_granted_staff_are_listed_masked_and_show_who_claimed_them(call, login):
    claimed_phone, waiting_phone = new_phone(), new_phone()
    status, _ = call("medical-staff-grant.json", body=[staff("钟医生", claimed_phone), staff("黎护士", waiting_phone)])
    assert status == 200
    doctor = login("钟医生", new_id_card(), claimed_phone)

    rows = {row["phone_masked"]: row for row in listing(call)}

    claimed, waiting = rows[claimed_phone[3:6] + "****" + claimed_phone[-4:]], \
        rows[waiting_phone[3:6] + "****" + waiting_phone[-4:]]
    assert (claimed["name_masked"], claimed["person_id"], claimed["unit"]) == ("钟*生", doctor["person_id"],
                                                                                "广州市第八人民医院")
    assert waiting["person_id"] is None and len(waiting["grant_id"]) == 64
    assert claimed_phone not in str(rows) and "钟医生" not in str(rows)


def test_a_withdrawn_medic_can_no_longer_issue_notices_nor_claim_the_grant_again(call, login):
    phone, number = new_phone(), new_id_card()
    call("medical-staff-grant.json", body=[staff("严医生", phone)])
    medic = login("严医生", number, phone)
    assert "medical" in medic["roles"]

    status, body = withdraw(call, medic["person_id"])

    assert status == 200 and body["person_id"] == medic["person_id"], body
    refused = call("medical-notices-list.json", who=medic["person_id"], roles=("resident", "medical"))
    assert refused[0] == 403  # the session still says medical: the role is checked on every request
    assert "medical" not in login("严医生", number, phone)["roles"]
    assert medic["person_id"] not in {row["person_id"] for row in listing(call)}


def test_a_grant_not_yet_claimed_is_withdrawn_by_its_grant_id(call, login):
    phone = new_phone()
    call("medical-staff-grant.json", body=[staff("区医生", phone)])
    grant = next(row for row in listing(call) if row["phone_masked"].endswith(phone[-4:])
                 and row["name_masked"] == "区*生")

    status, _ = withdraw(call, grant["grant_id"])

    assert status == 200
    assert "medical" not in login("区医生", new_id_card(), phone)["roles"]


def test_withdrawing_someone_without_the_role_is_404(call, login):
    nobody = login("路人甲", new_id_card())["person_id"]

    status, body = withdraw(call, nobody)

    assert status == 404 and body["error"]["field"] == "person_id"


@pytest.mark.parametrize("sample", ["medical-staff-list.json", "medical-staff-withdraw.json", "admin-audit.json"])
def test_only_system_admins_reach_the_console_admin_routes(call, sample):
    status, body = call(sample, who=str(uuid.uuid4()), roles=("resident", "medical", "org_admin"))

    assert status == 403, body


def test_the_audit_trail_lists_who_read_the_persons_data_newest_first(lambdas, call, login):
    from orgs_support import create_org, declarations_of, declare, member_of, new_person

    admin = new_person(lambdas, "审计管理")
    org = create_org(lambdas, admin)
    member = member_of(lambdas, org, "被读者")
    declare(lambdas, member, org["place_id"])
    assert declarations_of(lambdas, org["place_id"], admin)[0] == 200

    status, trail = call("admin-audit.json", query={"subject": member})

    assert status == 200, trail
    assert trail["subject"] == member and trail["subject_name_masked"] == "被*者"
    read = next(item for item in trail["items"] if item["action"] == "ORG_DECLARATIONS_READ")
    assert (read["actor"], read["actor_name_masked"], read["place_id"]) == (admin, "审**理", org["place_id"])
    assert [i["at"] for i in trail["items"]] == sorted((i["at"] for i in trail["items"]), reverse=True)
    # reading the trail is a read of the person's data too
    again = call("admin-audit.json", query={"subject": member})[1]
    assert again["items"][0]["action"] == "AUDIT_TRAIL_READ" and again["items"][0]["actor"] == ADMIN


def test_the_audit_trail_pages(lambdas, call):
    from healthcode.core import audit
    from orgs_support import new_person

    subject = new_person(lambdas, "多次读")
    for _ in range(3):
        audit.record(subject, ADMIN, "SCAN")
    first = call("admin-audit.json", query={"subject": subject, "limit": "2"})[1]
    second = call("admin-audit.json", query={"subject": subject, "limit": "2", "cursor": first["next_cursor"]})[1]

    assert len(first["items"]) == 2 and first["next_cursor"]
    assert len(second["items"]) >= 1


@pytest.mark.parametrize("query", [{}, {"subject": ""}, {"subject": "a b"}, {"subject": "x" * 65}])
def test_the_audit_trail_needs_a_well_formed_subject(call, query):
    status, body = call("admin-audit.json", query=query)

    assert status == 400 and body["error"]["field"] == "subject", body


def test_a_foreign_cursor_is_400(call):
    status, body = call("admin-audit.json", query={"subject": "01JX", "cursor": "eyJmb28iOiAxfQ"})

    assert status == 400 and body["error"]["field"] == "cursor", body
