"""Create every table, stream, bucket, key, secret, topic and queue that template.yaml declares."""

from __future__ import annotations

import json
from typing import Any

from infra.keys import initial_secret
from infra.template import resources_of

PREFIX = "yk"


def _table_request(name: str, props: dict[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        request["GlobalSecondaryIndexes"] = [
            {"IndexName": g["IndexName"], "KeySchema": g["KeySchema"], "Projection": g["Projection"]}
            for g in props["GlobalSecondaryIndexes"]
        ]
    if props.get("StreamSpecification"):
        request["StreamSpecification"] = {"StreamEnabled": True,
                                          "StreamViewType": props["StreamSpecification"]["StreamViewType"]}
    return request


def create_tables(template: dict[str, Any], dynamodb: Any, prefix: str = PREFIX) -> dict[str, dict[str, str]]:
    physical: dict[str, dict[str, str]] = {}
    for logical, res in resources_of(template, "AWS::DynamoDB::Table").items():
        props = res["Properties"]
        name = props.get("TableName") or f"{prefix}-{logical}"
        answer = dynamodb.create_table(**_table_request(name, props))["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={
                "AttributeName": ttl["AttributeName"], "Enabled": True})
        physical[logical] = {"Ref": name, "Arn": answer["TableArn"], "StreamArn": answer.get("LatestStreamArn", "")}
    return physical


def provision(template: dict[str, Any], session: Any, prefix: str = PREFIX,
              endpoint_url: str | None = None) -> dict[str, dict[str, str]]:
    """Everything the template declares that the functions use at run time; returns logical -> physical."""
    def client(service: str) -> Any:
        return session.client(service, endpoint_url=endpoint_url)

    physical = create_tables(template, client("dynamodb"), prefix)
    s3 = client("s3")
    for logical in resources_of(template, "AWS::S3::Bucket"):
        name = f"{prefix}-{logical}".lower()
        s3.create_bucket(Bucket=name)
        physical[logical] = {"Ref": name, "Arn": f"arn:aws:s3:::{name}"}
    kms = client("kms")
    for logical, res in resources_of(template, "AWS::KMS::Key").items():
        key = kms.create_key(Description=res["Properties"].get("Description", logical))["KeyMetadata"]
        physical[logical] = {"Ref": key["KeyId"], "Arn": key["Arn"]}
    sm = client("secretsmanager")
    for logical in resources_of(template, "AWS::SecretsManager::Secret"):
        secret = sm.create_secret(Name=f"{prefix}-{logical}", SecretString=json.dumps(initial_secret()))
        physical[logical] = {"Ref": secret["ARN"], "Arn": secret["ARN"]}
    sns = client("sns")
    for logical in resources_of(template, "AWS::SNS::Topic"):
        arn = sns.create_topic(Name=f"{prefix}-{logical}")["TopicArn"]
        physical[logical] = {"Ref": arn, "Arn": arn, "TopicName": f"{prefix}-{logical}"}
    sqs = client("sqs")
    for logical in resources_of(template, "AWS::SQS::Queue"):
        url = sqs.create_queue(QueueName=f"{prefix}-{logical}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        physical[logical] = {"Ref": url, "Arn": arn, "QueueName": f"{prefix}-{logical}"}
    for logical in resources_of(template, "AWS::Serverless::Function"):
        physical[logical] = {"Ref": f"{prefix}-{logical}",
                             "Arn": f"arn:aws:lambda:us-east-1:123456789012:function:{prefix}-{logical}"}
    return physical
