"""Onboard a feed partner on a deployed stack: an API Gateway key in the feeds usage plan (throttle, quota)
and the same key stored hashed in the auth table, where the authorizer looks it up.

    python -m infra.partners add --name gdcdc --usage-plan yuekang-partner-feeds --auth-table <AuthTable name>

Prints the key once; only its SHA-256 is stored by us.
"""

from __future__ import annotations

import argparse
import hashlib
import secrets
from typing import Any


def api_key_hash(key: str) -> str:
    # Same digest as healthcode.core.pii.key_digest (kept dependency-free so this runs without the layer).
    return hashlib.sha256(key.encode()).hexdigest()


def add_partner(name: str, usage_plan_name: str, auth_table: str, apigateway: Any, dynamodb: Any,
                key: str | None = None) -> str:
    key = key or secrets.token_urlsafe(32)
    plans = [p for p in apigateway.get_usage_plans(limit=500)["items"] if p["name"] == usage_plan_name]
    if len(plans) != 1:
        raise SystemExit(f"usage plan {usage_plan_name!r} not found (or not unique)")
    created = apigateway.create_api_key(name=f"partner-{name}", value=key, enabled=True,
                                        description=f"Health-event feed partner {name}")
    apigateway.create_usage_plan_key(usagePlanId=plans[0]["id"], keyId=created["id"], keyType="API_KEY")
    dynamodb.put_item(TableName=auth_table, Item={"key": {"S": f"apikey#{api_key_hash(key)}"}, "value": {"S": name}},
                      ConditionExpression="attribute_not_exists(#k)", ExpressionAttributeNames={"#k": "key"})
    return key


def main(argv: list[str] | None = None) -> None:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add")
    add.add_argument("--name", required=True)
    add.add_argument("--usage-plan", default="yuekang-partner-feeds")
    add.add_argument("--auth-table", required=True)
    args = parser.parse_args(argv)
    key = add_partner(args.name, args.usage_plan, args.auth_table, boto3.client("apigateway"), boto3.client("dynamodb"))
    print(f"partner {args.name}: x-api-key {key}  (shown once; store it with the partner)")


if __name__ == "__main__":
    main()
