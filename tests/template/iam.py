"""What a function's `Policies` in template.yaml grant, as (IAM action, logical id) pairs.

SAM policy templates are expanded to their actions (aws-sam-translator's policy_templates.json); explicit
statements are read as written, a resource `!GetAtt X.Arn` or `!Sub "${X.Arn}/..."` naming the logical id X.
"""

from __future__ import annotations

import re
from typing import Any

# The actions of SAM's policy templates (aws-sam-translator's policy_templates.json) and the parameter naming
# their resource.
TEMPLATES = {
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


def named(value: Any) -> str | None:
    """The logical id a Ref or a GetAtt names; None for any other value."""
    if isinstance(value, dict) and "Ref" in value:
        return value["Ref"]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        return (target.split(".") if isinstance(target, str) else target)[0]
    return None


def sub_text(value: Any) -> str | None:
    """The text of a Sub (either form); None for any other value."""
    if isinstance(value, dict) and "Fn::Sub" in value:
        return value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
    return None


def listed(value: Any) -> list[Any]:
    """A statement's Action or Resource, one or a list, as a list."""
    return value if isinstance(value, list) else [value]


def _logical(value: Any) -> str:
    text = sub_text(value)
    if text is not None:
        found = re.match(r"\$\{(\w+)(?:\.Arn)?\}(.*)", text)
        return found.group(1) + found.group(2) if found else text
    return named(value) or str(value)


def granted(policies: list[Any]) -> set[tuple[str, str]]:
    """(action, logical id[/suffix]) pairs: ("dynamodb:GetItem", "RelationsTable"), ("s3:GetObject", "CodeBucket/codes/*")."""
    pairs: set[tuple[str, str]] = set()
    for policy in policies:
        if not isinstance(policy, dict):
            continue
        for name, args in policy.items():
            if name == "Statement":
                for statement in args:
                    pairs |= {(a, _logical(r)) for a in listed(statement["Action"])
                              for r in listed(statement["Resource"])}
            elif name in TEMPLATES:
                parameter, actions = TEMPLATES[name]
                pairs |= {(a, _logical(args[parameter])) for a in actions}
    return pairs
