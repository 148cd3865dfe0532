"""What a function's `Policies` in template.yaml grant, as (IAM action, logical id) pairs.

SAM policy templates are expanded to their actions (aws-sam-translator's policy_templates.json); explicit
statements are read as written, a resource `!GetAtt X.Arn` or `!Sub "${X.Arn}/..."` naming the logical id X.
"""

from __future__ import annotations

import re
from typing import Any

TEMPLATES = {
    "DynamoDBReadPolicy": ("TableName", {"dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query",
                                        "dynamodb:BatchGetItem", "dynamodb:DescribeTable"}),
    "DynamoDBWritePolicy": ("TableName", {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"}),
    "DynamoDBCrudPolicy": ("TableName", {"dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem",
                                        "dynamodb:Scan", "dynamodb:Query", "dynamodb:UpdateItem",
                                        "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem",
                                        "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem"}),
    "AWSSecretsManagerGetSecretValuePolicy": ("SecretArn", {"secretsmanager:GetSecretValue"}),
    "KMSDecryptPolicy": ("KeyId", {"kms:Decrypt"}),
}


def _logical(value: Any) -> str:
    if isinstance(value, dict) and "Ref" in value:
        return value["Ref"]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        return (target.split(".") if isinstance(target, str) else target)[0]
    if isinstance(value, dict) and "Fn::Sub" in value:
        text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
        found = re.match(r"\$\{(\w+)(?:\.Arn)?\}(.*)", text)
        return found.group(1) + found.group(2) if found else text
    return str(value)


def granted(policies: list[Any]) -> set[tuple[str, str]]:
    """(action, logical id[/suffix]) pairs: ("dynamodb:GetItem", "RelationsTable"), ("s3:GetObject", "CodeBucket/codes/*")."""
    pairs: set[tuple[str, str]] = set()
    for policy in policies:
        if not isinstance(policy, dict):
            continue
        for name, args in policy.items():
            if name == "Statement":
                for statement in args:
                    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                    resources = statement["Resource"] if isinstance(statement["Resource"], list) \
                        else [statement["Resource"]]
                    pairs |= {(a, _logical(r)) for a in actions for r in resources}
            elif name in TEMPLATES:
                parameter, actions = TEMPLATES[name]
                pairs |= {(a, _logical(args[parameter])) for a in actions}
    return pairs
