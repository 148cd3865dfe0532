"""Least privilege, checked by use, both ways: every AWS call a function makes is allowed by its policies in
template.yaml, and every grant in its policies is used by some replayed flow.

moto enforces no IAM, so a missing policy passes every other test and fails only in AWS (AccessDenied, a 500).
Here every function runs real flows (set-up calls such as logins and joins included) while every botocore call
and every presigned URL is recorded and turned into the IAM action and resource it needs (a transaction needs
PutItem / UpdateItem / DeleteItem / ConditionCheckItem on each table it touches; a Query on an index needs the
index; an S3 call needs its key, a listing its prefix); the function's policies must grant each one.
The other way round, a grant no flow needed is one nobody uses, and fails `test_every_grant_is_used_by_a_replayed_flow`
unless ALLOWED_UNUSED says why no flow here can reach it. Caches of the secret, the signing keys, the data key
and the presigning client are dropped before each call, as in a fresh container, so their calls are seen too.
SMS go through SNS (as with SmsProvider=sns), not the dev outbox.
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import unquote

import pytest
from healthcode.core.config import get_config

from infra.template import ROOT, load_template
from tests.template.iam import TEMPLATES as TEMPLATE_ACTIONS
from tests.template.iam import listed, named, sub_text

# The actions of SAM's policy templates; DynamoDB templates grant the table and its indexes, S3 templates the
# bucket and every object in it.
TEMPLATE_SUFFIXES = {"DynamoDB": ("", "/index/*"), "S3": ("?prefix=*", "/*")}
DYNAMODB_SINGLE = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "DescribeTable"}
TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
S3_OBJECT_ACTIONS = {"GetObject": "s3:GetObject", "HeadObject": "s3:GetObject", "PutObject": "s3:PutObject",
                     "DeleteObject": "s3:DeleteObject", "presign:get_object": "s3:GetObject"}

# Granted and never exercised by a replayed flow, on purpose. Each entry says why no flow here can use it.
# Keyed by (function, action, resource as written).
# None today: every grant is reached by some flow (error paths included, by fault injection where needed).
ALLOWED_UNUSED: dict[tuple[str, str, str], str] = {}


@dataclass(frozen=True)
class Grant:
    """One action on one resource as the template words it (a SAM template's action covers all its resources)."""

    action: str
    resources: tuple[str, ...]  # logical id, with "/index/<name>", "/<key pattern>" or "?prefix=<pattern>"
    source: str

    def allows(self, action: str, resource: str) -> bool:
        return action == self.action and any(r == "*" or fnmatchcase(resource, r) for r in self.resources)


def _logical(value: Any, resources: dict[str, Any]) -> str:
    """The logical id a Ref / GetAtt names, or the logical path a Sub of an ARN names ("CodeBucket/inbox/*")."""
    text = sub_text(value)
    if text is not None:
        text = re.sub(r"^arn:\$\{AWS::Partition\}:s3:::", "", text)
        return re.sub(r"\$\{(\w+)(?:\.Arn)?\}", lambda m: m.group(1) if m.group(1) in resources else m.group(0), text)
    return named(value) or str(value)


def grants(template: dict[str, Any], function: str) -> list[Grant]:
    """What the function's policies allow, one Grant per action and written resource."""
    resources = template["Resources"]
    found: list[Grant] = []
    for policy in resources[function]["Properties"].get("Policies", []):
        for name, args in policy.items():
            if name == "Statement":
                for statement in args:
                    actions, written = listed(statement["Action"]), listed(statement["Resource"])
                    prefixes = statement.get("Condition", {}).get("StringLike", {}).get("s3:prefix")
                    for resource in written:
                        logical = "*" if resource == "*" else _logical(resource, resources)
                        if prefixes is not None:  # ListBucket limited to key prefixes
                            prefixes = prefixes if isinstance(prefixes, list) else [prefixes]
                            names = tuple(f"{logical}?prefix={p}" for p in prefixes)
                        else:
                            names = (logical if "/" in logical or logical == "*" or
                                     not any(a.startswith("s3:List") for a in actions) else f"{logical}?prefix=*",)
                        found += [Grant(a, names, f"Statement {a} {resource}") for a in actions]
            else:
                parameter, actions = TEMPLATE_ACTIONS[name]
                logical = _logical(args[parameter], resources)
                suffixes = next((v for k, v in TEMPLATE_SUFFIXES.items() if name.startswith(k)), ("",))
                found += [Grant(a, tuple(logical + s for s in suffixes), name) for a in sorted(actions)]
    return found


def granted(template: dict[str, Any], function: str) -> set[tuple[str, str]]:
    """(action, resource pattern) pairs the function's policies allow."""
    return {(g.action, r) for g in grants(template, function) for r in g.resources}


def needed(call: tuple[str, str, dict[str, Any]], logical_of: dict[str, str]) -> list[tuple[str, str]]:
    """The IAM (action, logical resource) pairs one recorded API call needs."""
    service, operation, params = call

    def table(name: str, index: str | None = None) -> str:
        return logical_of.get(name, name) + (f"/index/{index}" if index else "")

    def bucket(name: str) -> str:
        return logical_of.get(name, name)

    if service == "dynamodb":
        if operation in DYNAMODB_SINGLE:
            return [(f"dynamodb:{operation}", table(params["TableName"], params.get("IndexName")))]
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [(f"dynamodb:{operation}", table(name)) for name in params["RequestItems"]]
        if operation == "TransactWriteItems":
            return [(f"dynamodb:{TRANSACT[kind]}", table(body["TableName"]))
                    for item in params["TransactItems"] for kind, body in item.items()]
        if operation == "TransactGetItems":
            return [("dynamodb:GetItem", table(item["Get"]["TableName"])) for item in params["TransactItems"]]
    if service == "s3":
        if operation in S3_OBJECT_ACTIONS:
            return [(S3_OBJECT_ACTIONS[operation], f"{bucket(params['Bucket'])}/{params['Key']}")]
        if operation == "CopyObject":
            source = params["CopySource"]  # botocore has made {"Bucket", "Key"} "bucket/key" (quoted) by now
            if isinstance(source, str):
                source_bucket, _, source_key = unquote(source).partition("/")
                source = {"Bucket": source_bucket, "Key": source_key}
            return [("s3:GetObject", f"{bucket(source['Bucket'])}/{source['Key']}"),
                    ("s3:PutObject", f"{bucket(params['Bucket'])}/{params['Key']}")]
        if operation in ("ListObjectsV2", "ListObjects"):
            return [("s3:ListBucket", f"{bucket(params['Bucket'])}?prefix={params.get('Prefix', '')}")]
    if service == "secretsmanager":
        return [(f"secretsmanager:{operation}", logical_of.get(params["SecretId"], params["SecretId"]))]
    if service == "kms":
        return [(f"kms:{operation}", "PiiKey")]  # the one key; Decrypt names it only inside the blob
    if service == "sns" and operation == "Publish" and "PhoneNumber" in params:
        return [("sns:Publish", "*")]  # an SMS to a phone number: no resource to name
    return [(f"{service}:{operation}", "*")]


@contextlib.contextmanager
def recorded() -> Any:
    """Every botocore call (boto3 and PynamoDB alike) and every presigned URL, as (service, operation, params)."""
    from botocore import signers
    from botocore.client import BaseClient

    calls: list[tuple[str, str, dict[str, Any]]] = []
    original, presign = BaseClient._make_api_call, signers.generate_presigned_url

    def recording(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        calls.append((self.meta.service_model.service_name, operation_name, api_params))
        return original(self, operation_name, api_params)

    def presigning(self: Any, client_method: str, Params: Any = None, **kwargs: Any) -> Any:  # noqa: N803
        calls.append((self.meta.service_model.service_name, f"presign:{client_method}", Params or {}))
        return presign(self, client_method, Params=Params, **kwargs)

    BaseClient._make_api_call = recording  # type: ignore[method-assign]
    signers.generate_presigned_url = presigning  # clients created from now on (forget_cached_keys drops them)
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]
        signers.generate_presigned_url = presign


def forget_cached_keys() -> None:
    """As in a fresh container: the secret, the keyring and the KMS data key are fetched again on first use."""
    from healthcode.codes import printed as printed_codes
    from healthcode.codes import tokens
    from healthcode.core import pii, secrets

    printed_codes._presigner.cache_clear()
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


# What every replayed flow of this module used, by function: (action, resource) pairs.
USED: dict[str, set[tuple[str, str]]] = {}
AUDIT_PUTS: list[dict[str, Any]] = []


def audit_puts(call: tuple[str, str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The single puts of a call (PutItem, or a transaction's Put items): those that can carry a condition."""
    service, operation, params = call
    if service != "dynamodb":
        return []
    if operation == "PutItem":
        return [params]
    if operation == "TransactWriteItems":
        return [item["Put"] for item in params["TransactItems"] if "Put" in item]
    return []


class Recording:
    """A function whose invocations are checked against its grants; `missing` collects what they do not allow."""

    def __init__(self, name: str, function: Any, template: dict[str, Any], logical_of: dict[str, str],
                 missing: dict[str, set[tuple[str, str]]]) -> None:
        self.name, self.function, self.logical_of, self.missing = name, function, logical_of, missing
        self.grants = grants(template, name)

    def invoke(self, event: dict[str, Any]) -> Any:
        with recorded() as calls:
            forget_cached_keys()
            try:
                return self.function.invoke(event)
            finally:  # a handler that raises (the authorizer's 401) has made its calls all the same
                for call in calls:
                    AUDIT_PUTS.extend(put for put in audit_puts(call) if self.logical_of.get(put["TableName"]) ==
                                      "AuditTable")
                    for action, resource in needed(call, self.logical_of):
                        USED.setdefault(self.name, set()).add((action, resource))
                        if not any(g.allows(action, resource) for g in self.grants):
                            self.missing.setdefault(self.name, set()).add((action, resource))


class Recorded(dict):
    """The functions by logical id, each invocation recorded; `missing` maps a function to what its grants lack."""

    missing: dict[str, set[tuple[str, str]]]


@pytest.fixture
def lambdas(lambdas, aws, logical_of) -> Recorded:
    """Every function of this module's flows is recorded, set-up calls (logins, joins) included."""
    missing: dict[str, set[tuple[str, str]]] = {}
    wrapped = Recorded({name: Recording(name, function, aws["template"], logical_of, missing)
                        for name, function in lambdas.items()})
    wrapped.missing = missing
    return wrapped


@pytest.fixture
def run_as(lambdas):
    """run_as(function, event) -> the answer; records what it needed that its policies do not grant."""

    def run(function: str, event: dict[str, Any]) -> Any:
        return lambdas[function].invoke(event)

    run.missing = lambdas.missing  # type: ignore[attr-defined]
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
    from healthcode.core import clock
    from healthcode.models import Relation

    Relation.make(guardian, "MEMBER", member, clock.iso(clock.now()), relation="CHILD").save()


def signed_code(person_id: str, code_type: str = "R") -> str:
    from healthcode.codes.tokens import CodeType, get_keyring
    from healthcode.core import clock

    return get_keyring().sign(CodeType(code_type), person_id, 1, int(clock.now().timestamp()))


def feed_event(event, records: list[dict[str, Any]]) -> dict[str, Any]:
    sample = event("feeds-health-events.json", body=records)
    sample["requestContext"]["authorizer"] = {"person_id": "partner:cdc", "kind": "partner", "roles": "partner",
                                              "principalId": "partner:cdc"}
    return sample


def positive_test(number: str) -> dict[str, Any]:
    from datetime import timedelta

    from healthcode.core import clock

    return {"event_id": f"lp-{uuid.uuid4().hex}", "person": {"id_type": "ID_CARD", "id_number": number,
                                                            "name": "林测试"},
            "kind": "NUCLEIC_ACID", "occurred_at": clock.iso(clock.now() - timedelta(hours=1)), "result": "POSITIVE",
            "details": {"institution": "广州市第八人民医院"}}


def sample(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "events" / name).read_text())


# ------------------------------------------------------------------------------------------------ foundation

def test_login_needs_only_what_the_auth_function_is_granted(run_as, event):
    from infra.local.demo import id_number

    body = {"id_type": "ID_CARD", "id_number": id_number("44030519880214123"), "name": "陈大文", "phone": "13812345678",
            "method": "FACE", "proof": "dev-pass"}
    first = run_as("AuthFunction", event("auth-login.json", body=body))
    again = run_as("AuthFunction", event("auth-login.json", body=body | {"phone": random_phone()}))  # a new phone
    # one a partner feed created under another spelling: the verified name replaces it
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create

    fed = id_number("44030519880214456")
    find_or_create(NewPerson(parse_document("ID_CARD", fed), "林测试"))
    renamed = run_as("AuthFunction", event("auth-login.json", body=body | {"id_number": fed}))
    assert (status_of(first), status_of(again), status_of(renamed)) == (200, 200, 200)
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
    answers = [run_as("MetaFunction", sample(name)) for name in ("meta-health.json", "meta-keys.json", "meta-catalogue.json")]
    assert [status_of(a) for a in answers] == [200, 200, 200]
    assert run_as.missing == {}


# ------------------------------------------------------------------------------------------------ colour engine

def inbound_entry(passport: str) -> dict[str, Any]:
    from datetime import timedelta

    from healthcode.core import clock

    entered = clock.now() - timedelta(days=1)
    return {"event_id": f"lp-{uuid.uuid4().hex}", "kind": "INBOUND_ENTRY", "occurred_at": clock.iso(entered),
            "person": {"id_type": "PASSPORT", "id_number": passport, "name": "JOHN SMITH"},
            "details": {"country": "英国", "entry_date": clock.local_date(entered).isoformat(), "port": "深圳湾口岸",
                        "vehicle": "CX123"}}


def test_feeds_need_only_what_they_are_granted(run_as, event):
    import random

    from infra.local.demo import id_number

    passport = f"E{random.randint(10000000, 99999999)}"
    known = [positive_test(id_number("44010619900101123")) | {"person": {"id_type": "PASSPORT", "id_number": passport,
                                                                         "name": "JOHN SMITH"}}]
    batch = [positive_test(id_number("44010619900101123")), inbound_entry(passport)]
    answers = [run_as("FeedsFunction", feed_event(event, records)) for records in (known, batch, batch)]
    assert [status_of(a) for a in answers] == [200, 200, 200], answers
    assert json.loads(answers[-1]["body"])["replayed"] == 2
    assert run_as.missing == {}


def test_the_inbox_import_needs_only_what_it_is_granted(run_as, event):
    import random

    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    from infra.local.demo import id_number

    passport = f"E{random.randint(10000000, 99999999)}"
    known = positive_test(id_number("44010619910202123")) | {"person": {"id_type": "PASSPORT", "id_number": passport,
                                                                       "name": "JOHN SMITH"}}
    lines = [json.dumps(r, ensure_ascii=False) for r in (positive_test(id_number("44010619910202123")),
                                                         inbound_entry(passport))] + ["not json"]
    s3 = client("s3")
    s3.put_object(Bucket=get_config().code_bucket, Key=f"inbox/lp-{uuid.uuid4().hex}.jsonl",
                  Body=json.dumps(known, ensure_ascii=False).encode())
    run_as("FeedImportFunction", sample("feed-import-schedule.json"))
    for _ in range(2):  # the second time, a replay
        s3.put_object(Bucket=get_config().code_bucket, Key=f"inbox/lp-{uuid.uuid4().hex}.jsonl",
                      Body="\n".join(lines).encode())
        answer = run_as("FeedImportFunction", sample("feed-import-schedule.json"))
    assert answer["left_over"] == 0 and answer["files"]
    assert run_as.missing == {}


@pytest.fixture
def first_write_conflicts(monkeypatch):
    """The first status write of each version of a person meets a conflict (someone wrote the person meanwhile), as
    two writers would make it: the person is read again and the write retried."""
    from botocore.exceptions import ClientError
    from healthcode.colour import recompute
    from pynamodb.exceptions import UpdateError

    original, conflicted = recompute._write, set()

    def write(person, *args, **kwargs):
        if (person.person_id, person.version) not in conflicted:
            conflicted.add((person.person_id, person.version))
            raise UpdateError("conflict", cause=ClientError(
                {"Error": {"Code": "ConditionalCheckFailedException", "Message": "version"}}, "UpdateItem"))
        return original(person, *args, **kwargs)

    monkeypatch.setattr(recompute, "_write", write)


def test_the_status_stream_and_the_review_need_only_what_they_are_granted(run_as, lambdas, event, invoke, clock,
                                                                          first_write_conflicts):
    from datetime import timedelta

    from healthcode.core import clock as product_clock
    from healthcode.models import HealthEvent

    person_id = new_person(lambdas, event, invoke)
    now = product_clock.now()
    fact = HealthEvent(person_id=person_id, sk=f"{product_clock.iso(now - timedelta(hours=2))}#lp-{uuid.uuid4().hex}",
                       event_id=f"lp-{uuid.uuid4().hex}", kind="HOME_QUARANTINE",
                       occurred_at=product_clock.iso(now - timedelta(hours=2)), valid_from=product_clock.iso(now - timedelta(hours=2)),
                       valid_until=product_clock.iso(now + timedelta(days=7)), source="feed:test", received_at=product_clock.iso(now))
    fact.save()
    image = fact.serialize()
    record = {"eventID": uuid.uuid4().hex, "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
              "awsRegion": "us-east-1",
              "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/yk-HealthEventsTable/stream/x",
              "dynamodb": {"Keys": {"person_id": image["person_id"], "sk": image["sk"]}, "NewImage": image,
                           "SequenceNumber": "1", "SizeBytes": 200, "StreamViewType": "NEW_IMAGE"}}
    assert run_as("StatusStreamFunction", {"Records": [record]}) == {"batchItemFailures": []}
    clock.advance(days=8)  # the quarantine has ended: the review turns the code green again
    reviewed = run_as("StatusReviewFunction", sample("status-review-schedule.json"))
    assert reviewed["failed"] == 0 and reviewed["changed"] >= 1, reviewed
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
    after = Person.get(member, consistent_read=True).serialize()
    stream["Records"][0]["eventName"] = "MODIFY"
    stream["Records"][0]["dynamodb"] |= {"OldImage": image, "NewImage": after, "SequenceNumber": "2"}
    assert run_as("CodeImagesFunction", stream) == {"batchItemFailures": []}  # the old version's card goes
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
                                             roles=["resident", "medical"], body={"qr": signed_code(observed)},
                                             headers={"Idempotency-Key": f"lp-{uuid.uuid4().hex}"}))
    refused = run_as("MedicalFunction", event(  # not remembered: its Idempotency-Key record is deleted
        "medical-notices-issue.json", person_id=medic, roles=["resident", "medical"],
        body={"qr": "YKM1.k1.e30.AAAA"}, headers={"Idempotency-Key": f"lp-{uuid.uuid4().hex}"}))
    assert status_of(refused) == 400, refused
    listed = run_as("MedicalFunction", event("medical-notices-list.json", person_id=medic,
                                             roles=["resident", "medical"]))
    # the console: the system admin lists the grants, reads the observed person's trail, withdraws the medic
    admin = {"person_id": str(uuid.uuid4()), "roles": ["resident", "system_admin"]}
    staff = run_as("MedicalFunction", event("medical-staff-list.json", **admin))
    trail = run_as("MedicalFunction", event("admin-audit.json", **admin, query={"subject": observed}))
    withdrawn = run_as("MedicalFunction", event("medical-staff-withdraw.json", **admin, path=(
        f"/v1/admin/medical-staff/{medic}", "/v1/admin/medical-staff/{person_id}", {"person_id": medic})))
    assert [status_of(a) for a in (granted_list, issued, listed, staff, trail, withdrawn)] == [200, 201, 200, 200,
                                                                                               200, 200]
    assert run_as.missing == {}


@pytest.mark.parametrize("kind", ["nucleic_acid", "inbound_entry", "declaration", "display", "temperature"])
def test_records_need_only_what_records_is_granted(run_as, lambdas, event, invoke, kind):
    guardian, member = new_person(lambdas, event, invoke), new_person(lambdas, event, invoke, "陈小文")
    add_member(guardian, member)
    answer = run_as("RecordsFunction", event("records-list.json", person_id=guardian,
                                             query={"kind": kind, "member": member}))
    assert status_of(answer) == 200
    assert run_as.missing == {}


# ------------------------------------------------------------------------------------------------ SMS, inbound, auth

@pytest.fixture
def sns_sms(monkeypatch):
    """SMS through Amazon SNS (SmsProvider=sns, as deployed) instead of the dev outbox; sent(phone) reads moto's."""
    from healthcode.identity import sms

    monkeypatch.setattr(sms.DevSms, "send", sms.SnsSms.send)

    def sent(phone: str) -> list[str]:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.sns.models import sns_backends

        return [text for to, text in sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages.values()
                if to == phone]

    return sent


@pytest.fixture
def failing_sms(monkeypatch, sns_sms):
    """fail(phone): from now on an SMS to that phone fails at the gateway (an SNS outage or throttling)."""
    from healthcode.identity import sms

    send, failing = sms.DevSms.send, set()

    def flaky(self: Any, phone: str, text: str) -> None:
        if phone in failing:
            raise ConnectionError("SMS gateway unavailable")
        send(self, phone, text)

    monkeypatch.setattr(sms.DevSms, "send", flaky)
    return failing.add


def sms_code(sent: list[str]) -> str:
    import re

    return re.search(r"(\d{6})", sent[-1]).group(1)


def random_phone() -> str:
    import random

    return f"+86139{random.randrange(10**8):08d}"


def test_inbound_travellers_and_their_sms_login_need_only_what_inbound_and_auth_are_granted(
        run_as, lambdas, event, sns_sms, failing_sms):
    import random

    from healthcode.identity.captcha import dev_answer

    from infra.local.demo import record_inbound_entry

    # first use: the traveller applies, the page link goes by SMS
    number, phone = f"R{random.randrange(10**9, 10**10)}", random_phone()
    traveller = record_inbound_entry("PASSPORT", number, "SMITH JOHN PAUL", "US").person_id
    missed = run_as("InboundFunction", event("inbound-apply.json", body={
        "name": "SMITH JANE", "country": "US", "doc_type": "PASSPORT", "doc_number": number, "phone": phone}))
    assert 400 <= status_of(missed) < 500, missed
    locked_number = f"R{random.randrange(10**9, 10**10)}"  # another traveller: ten wrong names lock the check
    record_inbound_entry("PASSPORT", locked_number, "SMITH JOHN PAUL", "US")
    misses = [run_as("InboundFunction", event("inbound-apply.json", source_ip="198.19.0.1", body={
        "name": "SMITH JANE", "country": "US", "doc_type": "PASSPORT", "doc_number": locked_number,
        "phone": random_phone()})) for _ in range(10)]
    assert status_of(misses[-1]) == 429, misses[-1]
    applied = run_as("InboundFunction", event("inbound-apply.json", body={
        "name": "SMITH JOHN PAUL", "country": "US", "doc_type": "PASSPORT", "doc_number": number, "phone": phone}))
    # the page link cannot be sent: the traveller still gets their code, and the resend window is taken back
    unsent_number, unsent_phone = f"R{random.randrange(10**9, 10**10)}", random_phone()
    record_inbound_entry("PASSPORT", unsent_number, "SMITH ANNA", "US")
    failing_sms(unsent_phone)
    unsent = run_as("InboundFunction", event("inbound-apply.json", body={
        "name": "SMITH ANNA", "country": "US", "doc_type": "PASSPORT", "doc_number": unsent_number,
        "phone": unsent_phone}))
    assert status_of(unsent) == 200 and json.loads(unsent["body"])["link_sent"] is False, unsent
    # a companion: added, listed (audited), removed
    companion_number = f"R{random.randrange(10**9, 10**10)}"
    companion = record_inbound_entry("PASSPORT", companion_number, "SMITH EMMA", "US").person_id
    added = run_as("InboundFunction", event("inbound-companions.json", person_id=traveller, roles=["inbound"], body={
        "name": "SMITH EMMA", "doc_type": "PASSPORT", "doc_number": companion_number}))
    listed = run_as("InboundFunction", event("inbound-companions-list.json", person_id=traveller, roles=["inbound"]))
    removed = run_as("InboundFunction", event("inbound-companions-remove.json", person_id=traveller, roles=["inbound"], path=(
        f"/v1/me/companions/{companion}", "/v1/me/companions/{person_id}", {"person_id": companion})))
    # a return visit: captcha, SMS code, SMS login
    captcha = json.loads(run_as("AuthFunction", event("auth-captcha.json"))["body"])
    asked = run_as("AuthFunction", event("auth-sms-code.json", body={
        "phone": phone, "captcha_id": captcha["captcha_id"], "captcha_answer": dev_answer(captcha["captcha_id"])}))
    logged_in = run_as("AuthFunction", event("auth-sms-login.json", body={
        "phone": phone, "sms_code": sms_code(sns_sms(phone))}))
    assert [status_of(a) for a in (applied, added, listed, removed, asked, logged_in)] == [200, 201, 200, 204, 200,
                                                                                           200], removed
    assert json.loads(logged_in["body"])["person_id"] == traveller
    assert run_as.missing == {}


def test_the_console_login_of_an_org_admin_needs_only_what_auth_is_granted(run_as, lambdas, event, sns_sms):
    """The phone an organization's admin registered logs them in (the places' by_phone_hash, the admin markers)."""
    from healthcode.identity.captcha import dev_answer
    from orgs_support import create_org, new_person

    admin, phone = new_person(lambdas, "周管理"), random_phone()
    create_org(lambdas, admin, phone=phone)
    captcha = json.loads(run_as("AuthFunction", event("auth-captcha.json"))["body"])
    asked = run_as("AuthFunction", event("auth-sms-code.json", body={
        "phone": phone, "captcha_id": captcha["captcha_id"], "captcha_answer": dev_answer(captcha["captcha_id"])}))
    logged_in = run_as("AuthFunction", event("auth-sms-login.json", body={
        "phone": phone, "sms_code": sms_code(sns_sms(phone))}))
    assert [status_of(a) for a in (asked, logged_in)] == [200, 200], logged_in
    assert json.loads(logged_in["body"])["person_id"] == admin and "org_admin" in json.loads(logged_in["body"])["roles"]
    assert run_as.missing == {}


# ------------------------------------------------------------------------------------------------ residents

@pytest.fixture
def macau_service(monkeypatch):
    """provider("http" | "local"): MacauProvider as deployed with either value; `http` talks to a Macau health code
    service on loopback that issues a 12-hour code."""
    from datetime import timedelta

    from healthcode.core import clock
    from healthcode.residents import macau
    from macau_support import macau_server

    def answer(sent: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        until = clock.now().replace(microsecond=0) + timedelta(hours=12)
        return 201, {"qr": "MO-HEALTH-CODE-LP", "valid_until": until.isoformat()}

    def provider(name: str) -> None:
        monkeypatch.setenv("MACAU_PROVIDER", name)
        get_config.cache_clear()  # config is read once; the test changed the environment
        macau.get_macau_code_service.cache_clear()

    with macau_server(answer) as url:
        monkeypatch.setenv("MACAU_PROVIDER_URL", url)
        yield provider
        macau.get_macau_code_service.cache_clear()


def test_family_declarations_itinerary_and_macau_need_only_what_they_are_granted(run_as, lambdas, event, invoke,
                                                                                 sns_sms, macau_service):
    from infra.local.demo import id_number

    phone = random_phone()
    guardian = new_person(lambdas, event, invoke, "黄行者", phone)
    child_number = id_number("44030520150307123")
    added = run_as("FamilyFunction", event("family-add.json", person_id=guardian, body={
        "relation": "CHILD", "name": "黄小行", "id_type": "ID_CARD", "id_number": child_number,
        "verification": {"method": "FACE", "proof": "dev-pass"}}))
    assert status_of(added) == 201, added
    child = json.loads(added["body"])["person_id"]
    import random

    parent_number = id_number(f"4401001960{random.randint(10, 12)}{random.randint(10, 28)}{random.randint(100, 999)}")
    assert status_of(run_as("AuthFunction", event("auth-login.json", body={
        "id_type": "ID_CARD", "id_number": parent_number, "name": "黄老行", "method": "FACE", "proof": "dev-pass"}))) == 200
    known = run_as("FamilyFunction", event("family-add.json", person_id=guardian, body={  # one who has logged in
        "relation": "PARENT", "name": "黄老行", "id_type": "ID_CARD", "id_number": parent_number,
        "verification": {"method": "FACE", "proof": "dev-pass"}}))
    assert status_of(known) == 201, known
    members = run_as("FamilyFunction", event("family-list.json", person_id=guardian))
    key = {"Idempotency-Key": f"lp-{uuid.uuid4().hex}"}
    declared = run_as("DeclarationsFunction", event("declarations-declare.json", person_id=guardian,
                                                    query={"member": child}, headers=key))
    replayed = run_as("DeclarationsFunction", event("declarations-declare.json", person_id=guardian,
                                                    query={"member": child}, headers=key))
    assert (status_of(replayed), json.loads(replayed["body"])) == (201, json.loads(declared["body"]))
    refused = run_as("DeclarationsFunction", event(  # not remembered: its Idempotency-Key record is deleted
        "declarations-declare.json", person_id=guardian, headers={"Idempotency-Key": f"lp-{uuid.uuid4().hex}"},
        body={"type": "ORG_MEMBER", "place_id": "no-such-org", "temperature_c": 36.5, "symptoms": [],
              "answers": {"contact_with_case": False, "current_city": "广州市"}}))
    assert status_of(refused) == 403, refused
    declarations = run_as("DeclarationsFunction", event("declarations-list.json", person_id=guardian,
                                                        query={"member": child}))
    macau_service("local")  # the code drawn and signed here (the AppSecret's keys)
    own = run_as("MacauFunction", event("macau-issue.json", person_id=guardian))
    assert status_of(own) == 201, own
    macau_service("http")  # the code issued by the Macau service (the holder's name and document decrypted)
    issued = run_as("MacauFunction", event("macau-issue.json", person_id=guardian, query={"member": child}))
    shown = run_as("MacauFunction", event("macau-show.json", person_id=guardian, query={"member": child}))
    asked = run_as("ItineraryFunction", event("itinerary-sms-code.json", person_id=guardian, body={"phone": phone}))
    card = run_as("ItineraryFunction", event("itinerary-card.json", person_id=guardian, body={
        "phone": phone, "sms_code": sms_code(sns_sms(phone))}))
    removed = run_as("FamilyFunction", event("family-remove.json", person_id=guardian, path=(
        f"/v1/me/family/{child}", "/v1/me/family/{person_id}", {"person_id": child})))
    answers = (added, members, declared, declarations, issued, shown, asked, card, removed)
    assert [status_of(a) for a in answers] == [201, 200, 201, 200, 201, 200, 202, 200, 204], \
        [(status_of(a), (a.get("body") or "")[:300]) for a in answers]
    assert run_as.missing == {}


# ------------------------------------------------------------------------------------------------ venues

def test_venues_checks_and_their_statistics_need_only_what_they_are_granted(run_as, lambdas, event):
    from venues_support import api, check, code_of, create_venue, join, new_person, stats, stream_records
    from venues_support import deliver as deliver_checks

    admin, inspector, successor = new_person(lambdas), new_person(lambdas, "检测甲"), new_person(lambdas, "黄接任")
    visitor = new_person(lambdas, "访客乙", female=True)
    venue = create_venue(lambdas, admin)
    place = venue["place_id"]

    def at(path: str, resource: str, **params: str) -> tuple[str, str, dict[str, str]]:
        return path, resource, {"id": place} | params

    answers = [
        api(lambdas, "GET", "/v1/venues/mine", "/v1/venues/mine", admin),
        api(lambdas, "PATCH", *at(f"/v1/venues/{place}", "/v1/venues/{id}")[:2], admin, {"name": "天河城购物中心"},
            {"id": place}),
        join(lambdas, inspector, venue["join_code"]),
        api(lambdas, "GET", "/v1/inspector/venues", "/v1/inspector/venues", inspector),
        api(lambdas, "GET", f"/v1/venues/{place}/quick-code", "/v1/venues/{id}/quick-code", inspector,
            params={"id": place}),
    ]
    quick = answers[-1][1]["qr"]
    visitor_code = code_of(lambdas, visitor)
    answers += [
        check(lambdas, place, inspector, visitor_code, key="lp-replayed"),
        check(lambdas, place, inspector, visitor_code, key="lp-replayed"),  # a retry: the first answer again
        check(lambdas, place, inspector, visitor_code, query={"with_declaration": "true"}),
        api(lambdas, "POST", "/v1/quick-checkin", "/v1/quick-checkin", visitor, {"qr": quick},
            headers={"Idempotency-Key": f"lp-{uuid.uuid4().hex}"}),
    ]
    child = new_person(lambdas, "访客丙")
    add_member(visitor, child)
    answers.append(api(lambdas, "POST", "/v1/quick-checkin", "/v1/quick-checkin", visitor, {"qr": quick},
                       query={"member": child}))
    drained = deliver_checks(lambdas, stream_records(place))
    checked = run_as("RecordsFunction", event("records-list.json", person_id=visitor, query={"kind": "temperature"}))
    assert status_of(checked) == 200 and json.loads(checked["body"])["items"], checked
    from healthcode.core import clock
    from healthcode.models import Person, Relation
    from healthcode.places.venues import UNBOUND

    # an unbinding marker from before markers carried the name: the list names it from the person
    Relation.make(new_person(lambdas, "旧标记"), UNBOUND, place, clock.iso(clock.now())).save()
    answers += [
        stats(lambdas, place, admin),
        api(lambdas, "GET", "/v1/inspector/stats", "/v1/inspector/stats", inspector),
        api(lambdas, "GET", f"/v1/venues/{place}/members", "/v1/venues/{id}/members", admin, params={"id": place}),
        api(lambdas, "DELETE", f"/v1/venues/{place}/inspectors/{inspector}", "/v1/venues/{id}/inspectors/{person_id}",
            admin, params={"id": place, "person_id": inspector}),
        api(lambdas, "GET", f"/v1/venues/{place}/revocations", "/v1/venues/{id}/revocations", admin,
            params={"id": place}),
        api(lambdas, "DELETE", f"/v1/venues/{place}/revocations/{inspector}", "/v1/venues/{id}/revocations/{person_id}",
            admin, params={"id": place, "person_id": inspector}),
        join(lambdas, inspector, venue["join_code"]),
        api(lambdas, "DELETE", f"/v1/inspector/venues/{place}", "/v1/inspector/venues/{id}", inspector,
            params={"id": place}),
    ]
    from healthcode.core.pii import decrypt

    offer = {"name": "黄接任", "id_number": decrypt(Person.get(successor).id_enc)}
    transfer = f"/v1/venues/{place}/admin-transfer"
    answers += [
        api(lambdas, "POST", transfer, "/v1/venues/{id}/admin-transfer", admin, offer, {"id": place}),
        api(lambdas, "GET", transfer, "/v1/venues/{id}/admin-transfer", admin, params={"id": place}),
        api(lambdas, "DELETE", transfer, "/v1/venues/{id}/admin-transfer", admin, params={"id": place}),
        api(lambdas, "POST", transfer, "/v1/venues/{id}/admin-transfer", admin, offer, {"id": place}),
    ]
    token = answers[-1][1]["token"]
    answers.append(api(lambdas, "POST", f"/v1/venues/admin-transfer/{token}/accept",
                       "/v1/venues/admin-transfer/{token}/accept", successor, params={"token": token}))
    assert drained == {"batchItemFailures": []}
    answers.append(check(lambdas, place, inspector, visitor_code))  # no longer bound: refused, not remembered
    assert [status for status, _ in answers] == [200, 200, 201, 200, 200, 201, 200, 201, 201, 201, 200, 200, 200, 204,
                                                 200, 204, 201, 204, 202, 200, 204, 202, 200, 403], [s for s, _ in answers]
    assert run_as.missing == {}


# ------------------------------------------------------------------------------------------------ organizations

def test_organizations_and_their_statistics_need_only_what_they_are_granted(run_as, lambdas):
    from healthcode.core import clock
    from orgs_support import api, create_org, declarations_of, declare, join, leave, my_orgs, new_person, raw, stats
    from orgs_support import deliver as deliver_declarations
    from orgs_support import stream_records as declaration_records

    admin, member = new_person(lambdas), new_person(lambdas, "林小雨")
    org = create_org(lambdas, admin)
    place = org["place_id"]
    answers = [
        api(lambdas, "GET", "/v1/orgs/mine", "/v1/orgs/mine", admin),
        api(lambdas, "PATCH", f"/v1/orgs/{place}", "/v1/orgs/{id}", admin, {"phone": "+8613800138000"},
            {"id": place}),
        join(lambdas, member, org["join_code"]),
        my_orgs(lambdas, member),
        declare(lambdas, member, place),
    ]
    drained = deliver_declarations(lambdas, declaration_records({member}))
    report = raw(lambdas, f"/v1/orgs/{place}/report", "/v1/orgs/{id}/report", admin, {"id": place},
                 {"date": clock.local_date(clock.now()).isoformat()})
    child = new_person(lambdas, "林小小")
    add_member(member, child)
    today = clock.local_date(clock.now()).isoformat()
    answers += [stats(lambdas, place, admin), declarations_of(lambdas, place, admin), leave(lambdas, member, place),
                my_orgs(lambdas, member, {"member": child}),
                api(lambdas, "GET", f"/v1/orgs/{place}/stats", "/v1/orgs/{id}/stats", admin, params={"id": place},
                    query={"from": today, "to": today})]  # the console's range: one Query of the day buckets
    # the admin role handed over to the member (更换管理员): offered, read, withdrawn, offered again, seen, accepted
    from healthcode.core.pii import decrypt
    from healthcode.models import Person

    offer = {"name": "林小雨", "id_number": decrypt(Person.get(member).id_enc)}
    transfer = f"/v1/orgs/{place}/admin-transfer"
    answers += [
        api(lambdas, "POST", transfer, "/v1/orgs/{id}/admin-transfer", admin, offer, {"id": place}),
        api(lambdas, "GET", transfer, "/v1/orgs/{id}/admin-transfer", admin, params={"id": place}),
        api(lambdas, "DELETE", transfer, "/v1/orgs/{id}/admin-transfer", admin, params={"id": place}),
        api(lambdas, "POST", transfer, "/v1/orgs/{id}/admin-transfer", admin, offer, {"id": place}),
    ]
    token = answers[-1][1]["token"]
    answers += [api(lambdas, "GET", f"/v1/orgs/admin-transfer/{token}", "/v1/orgs/admin-transfer/{token}", member,
                    params={"token": token}),
                api(lambdas, "POST", f"/v1/orgs/admin-transfer/{token}/accept",
                    "/v1/orgs/admin-transfer/{token}/accept", member, params={"token": token})]
    assert drained == {"batchItemFailures": []} and report["statusCode"] == 200
    assert [status for status, _ in answers] == [200, 200, 201, 200, 201, 200, 200, 204, 200, 200,
                                                 202, 200, 204, 202, 200, 200], [s for s, _ in answers]
    assert run_as.missing == {}


# ------------------------------------------------------------------------------------------------ scanner devices

def test_scanner_devices_and_their_keys_need_only_what_devices_and_the_authorizer_are_granted(run_as, lambdas):
    """The admin registers, lists and revokes a device; the device, through the authorizer (x-device-key), checks a
    code, a known and an unknown ID card, a code of nobody (refused: its Idempotency-Key record is deleted), a retry,
    and reads its keys; a revoked or a wrong key is refused by the authorizer."""
    import random

    from devices_support import device_check, device_keys, listing, register, revoke
    from healthcode.core import clock
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create
    from venues_support import code_of, create_venue, new_person

    from infra.local.demo import id_number

    def card_number() -> str:
        return id_number(f"440100{random.randint(1940, 1960)}0{random.randint(1, 9)}{random.randint(10, 28)}"
                         f"{random.randint(100, 999)}")

    admin = new_person(lambdas, "王店长")
    place = create_venue(lambdas, admin)["place_id"]
    registered = register(lambdas, admin, place, "北门哨兵")
    assert registered[0] == 201, registered
    key = registered[1]["device_key"]
    while True:  # a person known by ID number only (as a feed or a login writes them)
        known = card_number()
        if find_or_create(NewPerson(parse_document("ID_CARD", known), "李阿婆", "+8613912345678"))[1]:
            break

    def measured(body: dict[str, Any]) -> dict[str, Any]:
        from datetime import timedelta

        return body | {"temperature_c": 36.5, "measured_at": clock.iso(clock.now() - timedelta(seconds=5))}

    by_code = measured({"qr": code_of(lambdas, new_person(lambdas, "访客丁"))})
    answers = [
        listing(lambdas, admin, place),
        device_check(lambdas, key, by_code, "lp-device-code"),
        device_check(lambdas, key, by_code, "lp-device-code"),  # a retry: the first answer again
        device_check(lambdas, key, measured({"id_card": {"id_number": known, "name": "李阿婆"}})),
        device_check(lambdas, key, measured({"id_card": {"id_number": card_number(), "name": "某人"}})),  # unknown
        device_check(lambdas, key, measured({"qr": signed_code(str(uuid.uuid4()))})),  # a code of nobody: 400
        device_keys(lambdas, key),
        revoke(lambdas, admin, place, registered[1]["device_id"]),
        device_keys(lambdas, key),  # revoked: the authorizer refuses it
        device_keys(lambdas, key[:-1] + ("A" if key[-1] != "A" else "B")),  # a wrong key
    ]
    assert [status for status, _ in answers] == [200, 201, 200, 201, 201, 400, 200, 200, 401, 401], answers
    assert [answers[i][1]["recorded"] for i in (1, 3, 4)] == [True, True, False]
    assert run_as.missing == {}


# ------------------------------------------------------------------------------------------------ grids

def test_grids_admins_superiors_and_workers_need_only_what_grids_is_granted(run_as, lambdas):
    """Create, list as a region admin, approve and reject, grant / list / withdraw region admins, bind, list, set the
    current grid, authorize, withdraw, unbind, leave."""
    from grids_support import api, approve, authorize, create_grid, join, new_person, new_region_admin, reject

    admin, rejected_admin = new_person(lambdas, "网格管理"), new_person(lambdas, "网格管理")
    grid = create_grid(lambdas, admin, region_code="440106011")[1]
    rejected = create_grid(lambdas, rejected_admin, region_code="440106011")[1]
    place = grid["place_id"]
    reviewer = new_region_admin(lambdas, "440106")
    worker, leaver = new_person(lambdas, "网格员甲"), new_person(lambdas, "网格员乙")
    answers = [
        api(lambdas, "GET", "/v1/grids/mine", "/v1/grids/mine", admin),
        api(lambdas, "GET", "/v1/admin/grids", "/v1/admin/grids", reviewer, query={"status": "PENDING"}),
        api(lambdas, "GET", "/v1/admin/region-admins", "/v1/admin/region-admins", reviewer),
        approve(lambdas, reviewer, place, roles=["resident"]),
        reject(lambdas, new_person(lambdas, "系统管理"), rejected["place_id"]),
        join(lambdas, worker, grid["join_code"]),
        join(lambdas, leaver, grid["join_code"]),
        api(lambdas, "GET", "/v1/me/grids", "/v1/me/grids", worker),
        api(lambdas, "PUT", "/v1/me/grids/current", "/v1/me/grids/current", worker, {"place_id": place}),
        api(lambdas, "GET", f"/v1/grids/{place}/workers", "/v1/grids/{id}/workers", admin, params={"id": place}),
        authorize(lambdas, admin, place, worker),
        authorize(lambdas, admin, place, worker, on=False),
        api(lambdas, "DELETE", f"/v1/grids/{place}/workers/{worker}", "/v1/grids/{id}/workers/{person_id}", admin,
            params={"id": place, "person_id": worker}),
        api(lambdas, "DELETE", f"/v1/me/grids/{place}", "/v1/me/grids/{id}", leaver, params={"id": place}),
    ]
    granter = new_person(lambdas, "系统管理")
    listed = api(lambdas, "GET", "/v1/admin/region-admins", "/v1/admin/region-admins", granter,
                 roles=["resident", "system_admin"])
    grant_id = next(g["grant_id"] for g in answers[2][1]["items"])
    answers += [listed, api(lambdas, "DELETE", "/v1/admin/region-admins", "/v1/admin/region-admins", granter,
                            {"grant_id": grant_id}, roles=["resident", "system_admin"])]
    assert [status for status, _ in answers] == [200, 200, 200, 200, 200, 201, 201, 200, 200, 200, 200, 200, 204,
                                                 204, 200, 204], [(s, b) for s, b in answers]
    assert run_as.missing == {}


def test_grid_collections_and_authorized_reads_need_only_what_grids_is_granted(run_as, lambdas):
    """Collect by code (and its retry), by hand for a registered person and for someone never registered, a refused
    collection (its idempotency record forgotten); an authorized worker reads a person."""
    import random

    from grids_support import approved_grid, bound_worker, collect, person_read
    from healthcode.core.pii import decrypt
    from healthcode.models import Person
    from venues_support import code_of
    from venues_support import new_person as person

    from infra.local.demo import id_number

    grid = approved_grid(lambdas)
    place = grid["place_id"]
    worker = bound_worker(lambdas, grid, authorized=True)
    resident, registered = person(lambdas, "陈大文"), person(lambdas, "李阿婆")
    by_code = {"qr": code_of(lambdas, resident), "temperature": "NORMAL"}
    unknown = id_number(f"44010619{random.randint(40, 60)}0{random.randint(1, 9)}1{random.randint(1, 9)}"
                        f"{random.randint(100, 999)}")
    answers = [
        collect(lambdas, place, worker, by_code, key="lp-grid-1"),
        collect(lambdas, place, worker, by_code, key="lp-grid-1"),
        collect(lambdas, place, worker, {"person": {"name": "李阿婆",
                                                    "id_number": decrypt(Person.get(registered).id_enc)}}),
        collect(lambdas, place, worker, {"person": {"name": "王阿公", "id_number": unknown, "phone": "13912345678"}}),
        collect(lambdas, place, person(lambdas, "路人"), by_code),
        person_read(lambdas, place, worker, resident),
    ]
    assert [status for status, _ in answers] == [201, 200, 201, 201, 403, 200], answers
    assert run_as.missing == {}


def test_grid_statistics_and_key_persons_need_only_what_grids_and_their_streams_are_granted(run_as, lambdas):
    """Collections folded by stats_stream (a replay, a grid being dissolved skipped), a colour change folded by
    grid_key_persons; the statistics, the key persons (two pages) and a worker's own counts read."""
    from grids_support import (
        api,
        approved_grid,
        bound_worker,
        collect,
        collection_records,
        key_persons,
        make_red,
        people_records,
        stats,
    )
    from healthcode.models import Place
    from healthcode.places.grids import roster
    from venues_support import code_of
    from venues_support import new_person as person

    grid, gone = approved_grid(lambdas), approved_grid(lambdas)
    place = grid["place_id"]
    worker = bound_worker(lambdas, grid, authorized=True)
    gone_worker = bound_worker(lambdas, gone)
    reds = [person(lambdas, "陈红红"), person(lambdas, "林红红")]
    for red in reds:
        make_red(red)
        assert collect(lambdas, place, worker, {"qr": code_of(lambdas, red)})[0] == 201
    later = person(lambdas, "黄后红")
    assert collect(lambdas, place, worker, {"qr": code_of(lambdas, later)})[0] == 201
    assert collect(lambdas, gone["place_id"], gone_worker, {"qr": code_of(lambdas, later)})[0] == 201
    roster.item(gone["place_id"]).update(actions=[roster.GridRoster.status.set("DISSOLVING")])
    Place.get(gone["place_id"]).update(actions=[Place.status.set("DISSOLVING")])
    records = collection_records(place) + collection_records(gone["place_id"])
    folded = [run_as("StatsStreamFunction", {"Records": records}) for _ in range(2)]
    make_red(later)
    moved = run_as("GridKeyPersonsFunction", {"Records": people_records(later)})
    answers = [stats(lambdas, place, grid["admin"]), key_persons(lambdas, place, worker),
               api(lambdas, "GET", f"/v1/grids/{place}/key-persons", "/v1/grids/{id}/key-persons", worker,
                   params={"id": place}, query={"limit": "1"}),
               api(lambdas, "GET", "/v1/me/grid-stats", "/v1/me/grid-stats", worker)]
    cursor = answers[2][1]["next_cursor"]
    answers.append(api(lambdas, "GET", f"/v1/grids/{place}/key-persons", "/v1/grids/{id}/key-persons", worker,
                       params={"id": place}, query={"limit": "1", "cursor": cursor}))
    assert folded == [{"batchItemFailures": []}] * 2 and moved == {"batchItemFailures": []}
    assert [status for status, _ in answers] == [200, 200, 200, 200, 200], answers
    assert len(answers[1][1]["items"]) == 3
    assert run_as.missing == {}


def test_grid_admin_change_and_dissolving_need_only_what_grids_is_granted(run_as, lambdas, monkeypatch):
    """An admin change offered twice (the second voids the first), read and accepted; a grid with workers, an
    unbound one, collections, statistics and a pending offer dissolved: a wrong name, a purge cut short, resumed."""
    from grids_support import (
        accept_transfer,
        api,
        approved_grid,
        bound_worker,
        collect,
        dissolve,
        drain,
        identity_of,
        offer_transfer,
    )
    from healthcode.places.grids import purge
    from venues_support import code_of
    from venues_support import new_person as person

    grid = approved_grid(lambdas, name="变更网格")
    place = grid["place_id"]
    successor = person(lambdas, "黄接任")
    first = offer_transfer(lambdas, grid["admin"], place, *identity_of(person(lambdas, "林接任")))
    pending = f"/v1/grids/{place}/admin-transfer"
    seen = api(lambdas, "GET", pending, "/v1/grids/{id}/admin-transfer", grid["admin"], params={"id": place})
    withdrawn = api(lambdas, "DELETE", pending, "/v1/grids/{id}/admin-transfer", grid["admin"], params={"id": place})
    assert (seen[0], withdrawn[0]) == (200, 204), (seen, withdrawn)
    offer = offer_transfer(lambdas, grid["admin"], place, *identity_of(successor))
    token = offer[1]["token"]
    answers = [first, offer,
               api(lambdas, "GET", f"/v1/grids/admin-transfer/{token}", "/v1/grids/admin-transfer/{token}",
                   successor, params={"token": token}),
               accept_transfer(lambdas, successor, token)]
    grid = grid | {"admin": successor}
    worker, gone = bound_worker(lambdas, grid, authorized=True), bound_worker(lambdas, grid)
    answers.append(api(lambdas, "DELETE", f"/v1/grids/{place}/workers/{gone}", "/v1/grids/{id}/workers/{person_id}",
                       successor, params={"id": place, "person_id": gone}))
    for _ in range(3):
        answers.append(collect(lambdas, place, worker, {"qr": code_of(lambdas, person(lambdas))}))
    drain(lambdas, place)
    answers.append(offer_transfer(lambdas, successor, place, *identity_of(person(lambdas, "周接任"))))
    answers.append(dissolve(lambdas, successor, place, "别的名字"))
    monkeypatch.setattr(purge, "BUDGET_SECONDS", 0.0)
    for _ in range(30):
        answers.append(dissolve(lambdas, successor, place, "变更网格"))
        if answers[-1][0] != 202:
            break
    assert [s for s, _ in answers[:11]] == [202, 202, 200, 200, 204, 201, 201, 201, 202, 400, 202], answers
    assert answers[-1][0] == 200, answers[-1]
    assert run_as.missing == {}


def test_the_scheduled_grid_purge_needs_only_what_grid_purge_is_granted(run_as, lambdas, monkeypatch):
    """A dissolve that failed at its first batch (bindings, collections, statistics, key persons, markers and a
    pending admin change all left) is finished by grid_purge; a line whose grid is not dissolving is dropped."""
    from grids_support import approved_grid, bound_worker, collect, drain, identity_of, offer_transfer
    from healthcode.models import Place
    from healthcode.places.grids import purge
    from venues_support import code_of
    from venues_support import new_person as person

    grid = approved_grid(lambdas, name="定时解散网格")
    place = grid["place_id"]
    worker = bound_worker(lambdas, grid, authorized=True)
    for _ in range(2):
        assert collect(lambdas, place, worker, {"qr": code_of(lambdas, person(lambdas))})[0] == 201
    drain(lambdas, place)
    assert offer_transfer(lambdas, grid["admin"], place, *identity_of(person(lambdas, "林接任")))[0] == 202
    real = purge._delete_batch

    def crash(items):
        raise RuntimeError("the function timed out")

    monkeypatch.setattr(purge, "_delete_batch", crash)
    with pytest.raises(RuntimeError):
        purge.dissolve(place, grid["admin"], "定时解散网格")
    monkeypatch.setattr(purge, "_delete_batch", real)
    other = approved_grid(lambdas, name="未解散网格")
    purge.dissolving_line(Place.get(other["place_id"])).save()

    counts = run_as("GridPurgeFunction", sample("grid-purge-schedule.json"))

    assert counts["dissolved"] >= 1, counts
    assert place not in {line.sk for line in purge.Relation.query(purge.DISSOLVING_PARTITION)}
    assert run_as.missing == {}


# ------------------------------------------------------------------------------------------------ by use

def _every_flow_ran(request) -> bool:
    """The unused-grant checks mean something only after every flow of this module ran in this process: `make test`
    distributes by file (-n 2 --dist loadfile), so the whole module runs on one worker, in order."""
    module = request.module
    flows = {name for name in dir(module) if name.startswith("test_") and "_need" in name}
    selected = {item.originalname for item in request.session.items if getattr(item, "module", None) is module}
    return flows <= selected


FUNCTIONS = sorted(name for name, resource in load_template()["Resources"].items()
                   if resource["Type"] == "AWS::Serverless::Function")


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_grant_is_used_by_a_replayed_flow(request, aws, function):
    """Least privilege the other way: a grant that no replayed flow needed is one nobody uses (or one no flow
    covers yet: then the flow is what is missing). ALLOWED_UNUSED lists the few that cannot be replayed."""
    if not _every_flow_ran(request):
        pytest.skip("needs every flow of this module in the same run")
    used = USED.get(function, set())
    unused = sorted((g.action, ", ".join(g.resources), g.source) for g in grants(aws["template"], function)
                    if not any(g.allows(action, resource) for action, resource in used)
                    and (function, g.action, g.resources[0]) not in ALLOWED_UNUSED)
    assert unused == [], f"{function} is granted what no flow uses: {unused}"


def test_the_allow_list_names_only_grants_that_exist_and_no_flow_uses(request, aws):
    """A stale entry (the grant is gone, or a flow now uses it) is taken off the list, so the list stays short."""
    if not _every_flow_ran(request):
        pytest.skip("needs every flow of this module in the same run")
    for (function, action, resource), why in ALLOWED_UNUSED.items():
        matching = [g for g in grants(aws["template"], function) if (g.action, g.resources[0]) == (action, resource)]
        assert matching, f"{function} is not granted {action} on {resource} any more: drop it from ALLOWED_UNUSED"
        assert not any(g.allows(a, r) for g in matching for a, r in USED.get(function, set())), \
            f"a flow uses {function}'s {action} on {resource} now: drop it from ALLOWED_UNUSED ({why})"


def test_audit_entries_are_put_only_if_new(request):
    """An audit entry is written once and never overwritten: each PutItem on the audit table is conditional."""
    if not _every_flow_ran(request):
        pytest.skip("needs every flow of this module in the same run")
    assert AUDIT_PUTS, "no flow wrote an audit entry"
    assert [p for p in AUDIT_PUTS if "attribute_not_exists" not in p.get("ConditionExpression", "")] == []

