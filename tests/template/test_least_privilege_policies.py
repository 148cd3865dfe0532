"""Least privilege, read from template.yaml: rules every function's policies keep, whatever its flows.

The grants themselves are checked by use in tests/integration/test_colour_least_privilege.py (every AWS call a
replayed flow makes is granted, and every grant is used by some flow); these are the rules that hold for all.
"""

from __future__ import annotations

import sys
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.template import load_template, resources_of  # noqa: E402
from tests.template.iam import granted  # noqa: E402

FUNCTIONS = resources_of(load_template(), "AWS::Serverless::Function")
STREAM_FUNCTIONS = sorted(name for name, spec in FUNCTIONS.items()
                          if any(e["Type"] == "DynamoDB" for e in spec["Properties"].get("Events", {}).values()))


def grants(name: str) -> set[tuple[str, str]]:
    return granted(FUNCTIONS[name]["Properties"].get("Policies", []))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_no_function_uses_a_broad_policy_template(name):
    # GIVEN the function's policies THEN only the single-action secret template is left: table and bucket access
    # is written action by action (DynamoDBCrudPolicy would also grant Scan, DeleteItem, BatchWriteItem ...)
    templates = {key for policy in FUNCTIONS[name]["Properties"].get("Policies", []) for key in policy
                 if key != "Statement"}
    assert templates <= {"AWSSecretsManagerGetSecretValuePolicy"}, templates


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_no_function_may_scan_a_table(name):
    assert [pair for pair in grants(name) if pair[0] == "dynamodb:Scan"] == []


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_the_audit_table_is_only_ever_added_to(name):
    # THEN an audit entry is put (PutItem, conditional in audit.record; BatchWriteItem where a read audits many),
    # never updated or deleted; read (Query on the subject) only by the function serving the system admins' trail
    on_audit = {action for action, resource in grants(name) if resource == "AuditTable"}
    readers = {"MedicalFunction"}  # GET /v1/admin/audit
    assert on_audit <= {"dynamodb:PutItem", "dynamodb:BatchWriteItem"} | ({"dynamodb:Query"} if name in readers
                                                                           else set()), on_audit


def test_the_audit_trail_is_read_by_the_function_of_its_route_alone():
    readers = sorted(name for name in FUNCTIONS if ("dynamodb:Query", "AuditTable") in grants(name))
    routes = sorted(name for name, spec in FUNCTIONS.items() for e in spec["Properties"].get("Events", {}).values()
                    if e["Type"] == "Api" and e["Properties"]["Path"] == "/v1/admin/audit")
    assert readers == routes == ["MedicalFunction"]


def statements(name: str) -> list[dict]:
    return [statement for policy in FUNCTIONS[name]["Properties"].get("Policies", []) if isinstance(policy, dict)
            for statement in policy.get("Statement", [])]


def inbox_reads(name: str) -> set[str]:
    """The read actions the function has on a partner file (inbox/...) or on the inbox listing."""
    reads = {action for action, resource in grants(name)
             if action == "s3:GetObject" and fnmatchcase("CodeBucket/inbox/partner.jsonl", resource)}
    for statement in statements(name):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if "s3:ListBucket" in actions:
            prefixes = statement.get("Condition", {}).get("StringLike", {}).get("s3:prefix", ["*"])
            if any(fnmatchcase("inbox/", p) for p in (prefixes if isinstance(prefixes, list) else [prefixes])):
                reads.add("s3:ListBucket")
    return reads


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_only_the_feed_import_reads_the_partner_inbox(name):
    # GIVEN the bucket's inbox/ prefix, where partners drop their files THEN only the import lists and reads it
    expected = {"s3:GetObject", "s3:ListBucket"} if name == "FeedImportFunction" else set()
    assert inbox_reads(name) == expected


def test_listing_the_bucket_is_limited_to_a_prefix():
    # GIVEN every ListBucket statement THEN it carries an s3:prefix condition (inbox/ for the import, codes/ for
    # the printed code), so no function lists the keys of another prefix
    for name in FUNCTIONS:
        for statement in statements(name):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if "s3:ListBucket" in actions:
                assert statement["Condition"]["StringLike"]["s3:prefix"], name


@pytest.mark.parametrize("name", STREAM_FUNCTIONS)
def test_a_stream_function_may_still_send_failed_batches_to_the_failure_queue(name):
    """The on-failure destination is written by Lambda's event source mapping with the function's role: SAM adds
    sqs:SendMessage on the queue from `DestinationConfig.OnFailure.Type: SQS`, so no Policies entry is needed."""
    from infra.cfn import sam_transform

    role = sam_transform(load_template())["Resources"][f"{name}Role"]["Properties"]
    statements = [s for p in role.get("Policies", []) for s in p["PolicyDocument"]["Statement"]]
    assert {"Action": "sqs:SendMessage", "Effect": "Allow",
            "Resource": {"Fn::GetAtt": ["StreamFailureQueue", "Arn"]}} in statements
