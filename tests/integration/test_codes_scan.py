"""POST /v1/scan through the scan handler: who may scan, what they see, the audit, invalid codes."""

from __future__ import annotations

import uuid

import pytest


def bind(person_id, kind):
    from healthcode.core import clock
    from healthcode.models import Relation

    Relation.make(person_id, kind, f"place-{uuid.uuid4().hex[:8]}", clock.iso(clock.now())).save()


def code_of(person_id, code_type="R", version=1):
    from healthcode.codes.tokens import CodeType, get_keyring
    from healthcode.core import clock

    return get_keyring().sign(CodeType(code_type), person_id, version, int(clock.now().timestamp()))


def audits(person_id):
    from healthcode.models import AuditEntry

    return [e for e in AuditEntry.query(person_id) if e.action == "SCAN"]


@pytest.fixture
def inspector():
    person_id = str(uuid.uuid4())
    bind(person_id, "VENUE")
    return person_id


@pytest.fixture
def scan(lambdas, event, invoke):
    def send(scanner, qr, roles=("resident",)):
        return invoke(lambdas["ScanFunction"], event("scan-code.json", person_id=scanner, roles=list(roles),
                                                     body={"qr": qr}))

    return send


def test_an_inspector_sees_the_person_masked_with_colour_and_reasons(scan, inspector, resident):
    status, body = scan(inspector, code_of(resident["person_id"]))
    assert status == 200, body
    assert body | {"person_id": resident["person_id"], "name_masked": "陈*文", "color": "GREEN", "reasons": [],
                   "code_type": "R", "scanned_as": "inspector", "latest_declaration": None} == body
    assert "id_masked" not in body


def test_a_red_persons_reasons_come_with_label_and_guide(scan, inspector, resident):
    from datetime import timedelta

    from healthcode.core import clock
    from healthcode.models import Person

    # a contact period running now, whatever today's date (no test may depend on it)
    now = clock.now()
    Person.get(resident["person_id"]).update(actions=[
        Person.color.set("RED"), Person.reasons.set([{"code": "CLOSE_CONTACT",
                                                      "since": clock.iso(now - timedelta(days=7)),
                                                      "until": clock.iso(now + timedelta(days=7))}])])
    status, body = scan(inspector, code_of(resident["person_id"]))
    assert body["color"] == "RED"
    assert body["reasons"][0] | {"code": "CLOSE_CONTACT", "label": "密切接触者"} == body["reasons"][0]


def test_the_latest_declaration_is_shown(scan, inspector, resident):
    from healthcode.core import clock
    from healthcode.models import Declaration

    for temperature in (36.5, 38.2):
        now = clock.iso(clock.now())
        Declaration(person_id=resident["person_id"], sk=f"{now}#{uuid.uuid4().hex}", declaration_id=uuid.uuid4().hex,
                    type="PERSONAL", temperature_c=temperature, symptoms=["FEVER"] if temperature > 37 else [],
                    declared_by=resident["person_id"], created_at=now).save()
    status, body = scan(inspector, code_of(resident["person_id"]))
    assert body["latest_declaration"] | {"temperature_c": 38.2, "healthy": False} == body["latest_declaration"]


def test_every_scan_is_audited_with_the_scanners_role(scan, inspector, resident):
    scan(inspector, code_of(resident["person_id"]))
    scan(inspector, code_of(resident["person_id"]))
    assert [(e.actor, e.purpose) for e in audits(resident["person_id"])] == [(inspector, "inspector")] * 2


def test_a_grid_worker_may_scan(scan, resident):
    worker = str(uuid.uuid4())
    bind(worker, "GRID")
    status, body = scan(worker, code_of(resident["person_id"]))
    assert status == 200 and body["scanned_as"] == "grid_worker"


def test_medical_staff_see_the_document_masked_for_the_notice(scan, resident):
    status, body = scan(str(uuid.uuid4()), code_of(resident["person_id"]), roles=("resident", "medical"))
    assert status == 200 and body["scanned_as"] == "medical"
    assert body["id_type"] == "ID_CARD" and body["id_masked"].startswith("4403") and "*" in body["id_masked"]


def test_a_printed_code_scans_like_the_screen_code(scan, inspector, resident):
    status, body = scan(inspector, code_of(resident["person_id"], "P"))
    assert status == 200 and body["code_type"] == "P"


def test_a_resident_without_a_scanning_role_is_refused_and_nothing_is_written(scan, resident):
    status, body = scan(str(uuid.uuid4()), code_of(resident["person_id"]))
    assert status == 403 and body["error"]["code"] == "FORBIDDEN"
    assert audits(resident["person_id"]) == []


INVALID = [
    ("broken prefix", lambda qr: "YKM9" + qr[4:]),
    ("bad base64", lambda qr: qr.replace(".", ".!", 2)),
    ("bad signature", lambda qr: qr[:-3] + ("AAA" if not qr.endswith("AAA") else "BBB")),
    ("unknown kid", lambda qr: qr.replace(qr.split(".")[1], "k00000000", 1)),
]


@pytest.mark.parametrize("change", [c[1] for c in INVALID], ids=[c[0] for c in INVALID])
def test_an_invalid_code_is_400_and_writes_nothing(scan, inspector, resident, change):
    from infra.local.embedded import count_aws_calls

    with count_aws_calls() as calls:
        status, body = scan(inspector, change(code_of(resident["person_id"])))
    assert status == 400 and body["error"]["code"] == "INVALID_CODE" and body["error"]["field"] == "qr"
    assert not [op for op in calls if op.split(".")[1] in ("PutItem", "UpdateItem", "BatchWriteItem")]


@pytest.mark.parametrize("code_type", ["Q", "M"])
def test_a_code_of_the_wrong_type_is_invalid(scan, inspector, resident, code_type):
    status, body = scan(inspector, code_of(resident["person_id"], code_type))
    assert status == 400 and body["error"]["code"] == "INVALID_CODE"


def test_a_revoked_printed_code_is_invalid(scan, inspector, resident, lambdas, event, invoke):
    old = code_of(resident["person_id"], "P", 1)
    invoke(lambdas["PrintedCodesFunction"], event("printed-codes-reissue.json", person_id=resident["person_id"]))
    status, body = scan(inspector, old)
    assert status == 400 and body["error"]["code"] == "INVALID_CODE" and "re-issued" in body["error"]["message"]
    assert audits(resident["person_id"]) == []


@pytest.mark.parametrize("body,field", [({}, "qr"), ({"qr": ""}, "qr"), ({"qr": "x", "extra": 1}, "extra"),
                                        ({"qr": "x" * 600}, "qr")])
def test_a_malformed_request_names_the_field(lambdas, event, invoke, inspector, body, field):
    status, answer = invoke(lambdas["ScanFunction"], event("scan-code.json", person_id=inspector, body=body))
    assert status == 400 and answer["error"]["field"] == field
