"""Least privilege, checked by use: every AWS call a function makes is allowed by its policies in template.yaml.

moto enforces no IAM, so a missing policy passes every other test and fails only in AWS (AccessDenied, a 500).
Here each function of the foundation and the colour engine runs real flows while every botocore call is recorded
and turned into the IAM action and resource it needs (a transaction needs PutItem / UpdateItem /
ConditionCheckItem on each table it touches); the function's SAM policy templates must grant each one.
Caches of the secret, the signing keys and the data key are dropped first, so their calls are seen too.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from typing import Any

import pytest

from infra.template import ROOT

# The actions of SAM's policy templates (aws-sam-translator's policy_templates.json).
TEMPLATE_ACTIONS = {
    "DynamoDBReadPolicy": ("TableName", {"dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query",
                                        "dynamodb:BatchGetItem", "dynamodb:DescribeTable"}),
    "DynamoDBWritePolicy": ("TableName", {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"}),
    "DynamoDBCrudPolicy": ("TableName", {"dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem",
                                        "dynamodb:Scan", "dynamodb:Query", "dynamodb:UpdateItem",
                                        "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem",
                                        "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem"}),
    "S3ReadPolicy": ("BucketName", {"s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion",
                                    "s3:GetLifecycleConfiguration"}),
    "S3CrudPolicy": ("BucketName", {"s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion",
                                    "s3:PutObject", "s3:PutObjectAcl", "s3:GetLifecycleConfiguration",
                                    "s3:PutLifecycleConfiguration", "s3:DeleteObject"}),
    "AWSSecretsManagerGetSecretValuePolicy": ("SecretArn", {"secretsmanager:GetSecretValue"}),
    "KMSDecryptPolicy": ("KeyId", {"kms:Decrypt"}),
    "SQSSendMessagePolicy": ("QueueName", {"sqs:SendMessage"}),
}
DYNAMODB_SINGLE = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "DescribeTable"}
TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
S3_ACTIONS = {"GetObject": ["s3:GetObject"], "HeadObject": ["s3:GetObject"], "PutObject": ["s3:PutObject"],
              "DeleteObject": ["s3:DeleteObject"], "CopyObject": ["s3:GetObject", "s3:PutObject"],
              "ListObjectsV2": ["s3:ListBucket"], "ListObjects": ["s3:ListBucket"]}


def _logical(value: Any) -> str:
    if isinstance(value, dict) and "Ref" in value:
        return value["Ref"]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        return (target.split(".") if isinstance(target, str) else target)[0]
    return str(value)


def granted(template: dict[str, Any], function: str) -> set[tuple[str, str]]:
    """(action, logical resource or '*') pairs the function's policies allow."""
    allowed: set[tuple[str, str]] = set()
    for policy in template["Resources"][function]["Properties"].get("Policies", []):
        for name, args in policy.items():
            if name == "Statement":
                for statement in args:
                    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                    resources = statement["Resource"] if isinstance(statement["Resource"], list) \
                        else [statement["Resource"]]
                    allowed |= {(a, "*" if r == "*" else _logical(r)) for a in actions for r in resources}
            else:
                parameter, actions = TEMPLATE_ACTIONS[name]
                allowed |= {(a, _logical(args[parameter])) for a in actions}
    return allowed


def needed(call: tuple[str, str, dict[str, Any]], logical_of: dict[str, str]) -> list[tuple[str, str]]:
    """The IAM (action, logical resource) pairs one recorded API call needs."""
    service, operation, params = call

    def table(name: str) -> str:
        return logical_of.get(name, name)

    if service == "dynamodb":
        if operation in DYNAMODB_SINGLE:
            return [(f"dynamodb:{operation}", table(params["TableName"]))]
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [(f"dynamodb:{operation}", table(name)) for name in params["RequestItems"]]
        if operation == "TransactWriteItems":
            return [(f"dynamodb:{TRANSACT[kind]}", table(body["TableName"]))
                    for item in params["TransactItems"] for kind, body in item.items()]
        if operation == "TransactGetItems":
            return [("dynamodb:GetItem", table(item["Get"]["TableName"])) for item in params["TransactItems"]]
    if service == "s3" and operation in S3_ACTIONS:
        return [(action, logical_of.get(params["Bucket"], params["Bucket"])) for action in S3_ACTIONS[operation]]
    if service == "secretsmanager":
        return [(f"secretsmanager:{operation}", logical_of.get(params["SecretId"], params["SecretId"]))]
    if service == "kms":
        return [(f"kms:{operation}", "PiiKey")]  # the one key; Decrypt names it only inside the blob
    return [(f"{service}:{operation}", "*")]


@contextlib.contextmanager
def recorded() -> Any:
    from botocore.client import BaseClient

    calls: list[tuple[str, str, dict[str, Any]]] = []
    original = BaseClient._make_api_call

    def recording(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        calls.append((self.meta.service_model.service_name, operation_name, api_params))
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = recording  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


def forget_cached_keys() -> None:
    """As in a fresh container: the secret, the keyring and the KMS data key are fetched again on first use."""
    from healthcode import pii, secrets, tokens

    secrets.reset_cache()
    tokens.reset_cache()
    pii._data_key = None
    pii._decrypted_keys.clear()


@pytest.fixture(scope="module")
def logical_of(aws) -> dict[str, str]:
    names: dict[str, str] = {}
    for logical, physical in aws["physical"].items():
        for value in physical.values():
            if isinstance(value, str) and value:
                names.setdefault(value, logical)
                names.setdefault(value.rsplit(":", 1)[-1].rsplit("/", 1)[-1], logical)
    return names


@pytest.fixture
def run_as(lambdas, aws, logical_of):
    """run_as(function, event) -> the answer; records what it needed that its policies do not grant."""
    missing: dict[str, set[tuple[str, str]]] = {}

    def run(function: str, event: dict[str, Any]) -> Any:
        forget_cached_keys()
        allowed = granted(aws["template"], function)
        with recorded() as calls:
            try:
                return lambdas[function].invoke(event)
            finally:  # a handler that raises (the authorizer's 401) has made its calls all the same
                for call in calls:
                    for action, resource in needed(call, logical_of):
                        if (action, resource) not in allowed and (action, "*") not in allowed:
                            missing.setdefault(function, set()).add((action, resource))

    run.missing = missing  # type: ignore[attr-defined]
    return run


def status_of(answer: dict[str, Any]) -> int:
    return answer["statusCode"]


def new_person(lambdas, event, invoke, name: str = "陈大文", phone: str | None = None) -> str:
    import random

    from infra.local.demo import id_number

    number = id_number(f"440305{random.randint(1991, 2005)}0{random.randint(1, 9)}1{random.randint(1, 9)}"
                       f"{random.randint(100, 999)}")
    body = {"id_type": "ID_CARD", "id_number": number, "name": name, "method": "FACE", "proof": "dev-pass"}
    if phone:
        body["phone"] = phone
    status, answer = invoke(lambdas["AuthFunction"], event("auth-login.json", body=body))
    assert status == 200, answer
    return answer["person_id"]


def add_member(guardian: str, member: str) -> None:
    from healthcode import clock
    from healthcode.models import Relation

    Relation.make(guardian, "MEMBER", member, clock.iso(clock.now()), relation="CHILD").save()


def signed_code(person_id: str, code_type: str = "R") -> str:
    from healthcode import clock
    from healthcode.tokens import CodeType, get_keyring

    return get_keyring().sign(CodeType(code_type), person_id, 1, int(clock.now().timestamp()))


def feed_event(event, records: list[dict[str, Any]]) -> dict[str, Any]:
    sample = event("feeds-health-events.json", body=records)
    sample["requestContext"]["authorizer"] = {"person_id": "partner:cdc", "kind": "partner", "roles": "partner",
                                              "principalId": "partner:cdc"}
    return sample


def positive_test(number: str) -> dict[str, Any]:
    from datetime import timedelta

    from healthcode import clock

    return {"event_id": f"lp-{uuid.uuid4().hex}", "person": {"id_type": "ID_CARD", "id_number": number,
                                                            "name": "林测试"},
            "kind": "NUCLEIC_ACID", "occurred_at": clock.iso(clock.now() - timedelta(hours=1)), "result": "POSITIVE",
            "details": {"institution": "广州市第八人民医院"}}


def sample(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "events" / name).read_text())


# ------------------------------------------------------------------------------------------------ foundation

def test_login_needs_only_what_the_auth_function_is_granted(run_as, event):
    from infra.local.demo import id_number

    answer = run_as("AuthFunction", event("auth-login.json", body={
        "id_type": "ID_CARD", "id_number": id_number("44030519880214123"), "name": "陈大文", "phone": "13812345678",
        "method": "FACE", "proof": "dev-pass"}))
    assert status_of(answer) == 200
    assert run_as.missing == {}


def test_showing_a_family_members_code_needs_only_what_codes_is_granted(run_as, lambdas, event, invoke):
    guardian, member = new_person(lambdas, event, invoke), new_person(lambdas, event, invoke, "陈小文")
    add_member(guardian, member)
    shown = run_as("CodesFunction", event("codes-my-code.json", person_id=guardian, query={"member": member}))
    logged = run_as("CodesFunction", event("codes-display-log.json", person_id=guardian, query={"member": member}))
    assert (status_of(shown), status_of(logged)) == (200, 200)
    assert run_as.missing == {}


def test_the_authorizer_needs_only_what_it_is_granted(run_as, lambdas, event, invoke, resident):
    session = sample("authorizer-request.json")
    session["headers"] = {"Authorization": f"Bearer {resident['token']}"}
    partner = sample("authorizer-request.json")
    partner["path"], partner["headers"] = "/v1/feeds/health-events", {"x-api-key": "not-a-partner-key"}
    allowed = run_as("AuthorizerFunction", session)
    with pytest.raises(Exception, match="Unauthorized"):
        run_as("AuthorizerFunction", partner)
    assert allowed["context"]["person_id"] == resident["person_id"]
    assert run_as.missing == {}


def test_meta_needs_only_what_it_is_granted(run_as, event):
    answers = [run_as("MetaFunction", sample(name)) for name in ("meta-health.json", "meta-keys.json")]
    assert [status_of(a) for a in answers] == [200, 200]
    assert run_as.missing == {}


# ------------------------------------------------------------------------------------------------ colour engine

def test_feeds_need_only_what_they_are_granted(run_as, event):
    from infra.local.demo import id_number

    answer = run_as("FeedsFunction", feed_event(event, [positive_test(id_number("44010619900101123"))]))
    assert status_of(answer) == 200, answer
    assert run_as.missing == {}


def test_the_inbox_import_needs_only_what_it_is_granted(run_as, event):
    from healthcode.aws import client
    from healthcode.config import get_config

    from infra.local.demo import id_number

    lines = [json.dumps(positive_test(id_number("44010619910202123")), ensure_ascii=False), "not json"]
    client("s3").put_object(Bucket=get_config().code_bucket, Key=f"inbox/lp-{uuid.uuid4().hex}.jsonl",
                            Body="\n".join(lines).encode())
    answer = run_as("FeedImportFunction", sample("feed-import-schedule.json"))
    assert answer["left_over"] == 0 and answer["files"]
    assert run_as.missing == {}


def test_the_status_stream_and_the_review_need_only_what_they_are_granted(run_as, lambdas, event, invoke):
    from datetime import timedelta

    from healthcode import clock
    from healthcode.models import HealthEvent

    person_id = new_person(lambdas, event, invoke)
    now = clock.now()
    fact = HealthEvent(person_id=person_id, sk=f"{clock.iso(now - timedelta(hours=2))}#lp-{uuid.uuid4().hex}",
                       event_id=f"lp-{uuid.uuid4().hex}", kind="HOME_QUARANTINE",
                       occurred_at=clock.iso(now - timedelta(hours=2)), valid_from=clock.iso(now - timedelta(hours=2)),
                       valid_until=clock.iso(now + timedelta(days=7)), source="feed:test", received_at=clock.iso(now))
    fact.save()
    image = fact.serialize()
    record = {"eventID": uuid.uuid4().hex, "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
              "awsRegion": "us-east-1",
              "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/yk-HealthEventsTable/stream/x",
              "dynamodb": {"Keys": {"person_id": image["person_id"], "sk": image["sk"]}, "NewImage": image,
                           "SequenceNumber": "1", "SizeBytes": 200, "StreamViewType": "NEW_IMAGE"}}
    assert run_as("StatusStreamFunction", {"Records": [record]}) == {"batchItemFailures": []}
    assert run_as("StatusReviewFunction", sample("status-review-schedule.json"))["failed"] == 0
    assert run_as.missing == {}


def test_code_images_and_the_printed_code_need_only_what_they_are_granted(run_as, lambdas, event, invoke):
    from healthcode.models import Person

    guardian, member = new_person(lambdas, event, invoke), new_person(lambdas, event, invoke, "陈小文")
    add_member(guardian, member)
    image = Person.get(member, consistent_read=True).serialize()
    stream = {"Records": [{
        "eventID": uuid.uuid4().hex, "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/yk-PeopleTable/stream/x",
        "dynamodb": {"Keys": {"person_id": image["person_id"]}, "NewImage": image, "SequenceNumber": "1",
                     "SizeBytes": 300, "StreamViewType": "NEW_AND_OLD_IMAGES"}}]}
    assert run_as("CodeImagesFunction", stream) == {"batchItemFailures": []}
    png = run_as("PrintedCodesFunction", event("printed-codes-physical.json", person_id=guardian,
                                               query={"member": member}))
    url = run_as("PrintedCodesFunction", event("printed-codes-physical.json", person_id=guardian,
                                               query={"member": member, "format": "url"}))
    reissued = run_as("PrintedCodesFunction", event("printed-codes-reissue.json", person_id=guardian,
                                                    query={"member": member}))
    assert [status_of(a) for a in (png, url, reissued)] == [200, 200, 200]
    assert run_as.missing == {}


def test_scanning_needs_only_what_scan_is_granted(run_as, lambdas, event, invoke):
    scanned = new_person(lambdas, event, invoke)
    medic = new_person(lambdas, event, invoke, "赵医生")
    resident = new_person(lambdas, event, invoke, "钱多多")
    as_medic = run_as("ScanFunction", event("scan-code.json", person_id=medic, roles=["resident", "medical"],
                                            body={"qr": signed_code(scanned)}))
    as_resident = run_as("ScanFunction", event("scan-code.json", person_id=resident, body={"qr": signed_code(scanned)}))
    assert (status_of(as_medic), status_of(as_resident)) == (200, 403)
    assert run_as.missing == {}


def test_medical_staff_need_only_what_medical_is_granted(run_as, lambdas, event, invoke):
    phone = "+8613922223333"
    granted_list = run_as("MedicalFunction", event("medical-staff-grant.json", person_id=str(uuid.uuid4()),
                                                   roles=["resident", "system_admin"], body=[
                                                       {"name": "孙医生", "phone": phone, "unit": "广州市第八人民医院",
                                                        "position": "主治医师"}]))
    medic = new_person(lambdas, event, invoke, "孙医生", phone)
    observed = new_person(lambdas, event, invoke)
    issued = run_as("MedicalFunction", event("medical-notices-issue.json", person_id=medic,
                                             roles=["resident", "medical"], body={"qr": signed_code(observed)}))
    listed = run_as("MedicalFunction", event("medical-notices-list.json", person_id=medic,
                                             roles=["resident", "medical"]))
    assert [status_of(a) for a in (granted_list, issued, listed)] == [200, 201, 200]
    assert run_as.missing == {}


@pytest.mark.parametrize("kind", ["nucleic_acid", "inbound_entry", "declaration", "display", "temperature"])
def test_records_need_only_what_records_is_granted(run_as, lambdas, event, invoke, kind):
    guardian, member = new_person(lambdas, event, invoke), new_person(lambdas, event, invoke, "陈小文")
    add_member(guardian, member)
    answer = run_as("RecordsFunction", event("records-list.json", person_id=guardian,
                                             query={"kind": kind, "member": member}))
    assert status_of(answer) == 200
    assert run_as.missing == {}
