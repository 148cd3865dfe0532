"""infra/partners.py: a partner key goes into the usage plan and, hashed, into the auth table the authorizer reads."""

from __future__ import annotations

import json

import boto3
import pytest


def test_onboarded_partner_key_passes_the_authorizer(aws, lambdas):
    from infra.partners import add_partner

    apigw = boto3.client("apigateway", region_name="us-east-1")
    plan = apigw.create_usage_plan(name="yuekang-partner-feeds")
    key = add_partner("gdcdc", "yuekang-partner-feeds", aws["physical"]["AuthTable"]["Ref"], apigw,
                      boto3.client("dynamodb", region_name="us-east-1"))
    assert [k["type"] for k in apigw.get_usage_plan_keys(usagePlanId=plan["id"])["items"]] == ["API_KEY"]
    request = json.loads(open("events/authorizer-request.json").read())
    request["path"] = "/v1/feeds/health-events"
    request["headers"] = {"x-api-key": key}
    policy = lambdas["AuthorizerFunction"].invoke(request)
    assert policy["context"] == policy["context"] | {"kind": "partner", "person_id": "partner:gdcdc"}


def test_unknown_usage_plan_is_refused(aws):
    from infra.partners import add_partner

    with pytest.raises(SystemExit):
        add_partner("x", "no-such-plan", aws["physical"]["AuthTable"]["Ref"],
                    boto3.client("apigateway", region_name="us-east-1"), boto3.client("dynamodb", region_name="us-east-1"))
