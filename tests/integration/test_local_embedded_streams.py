"""The local stack's moto keeps DynamoDB streams readable across a failed transaction.

moto rolls a failed TransactWriteItems back by putting deep copies of the tables in place, stream shard included;
every shard iterator handed out before still reads the old shard, so the stream pollers of that table would never
see another record (seen as printable codes that stopped being drawn). infra.local.embedded.make_dynamodb_atomic
gives the restored table the shard its readers hold.
"""

from __future__ import annotations

import socket

import boto3
import pytest
from moto.server import ThreadedMotoServer

from infra.local.embedded import make_dynamodb_atomic


@pytest.fixture(scope="module")
def moto_server():
    make_dynamodb_atomic()  # what infra.local.stack does before it starts moto
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _client(endpoint: str, service: str):
    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                 region_name="us-east-1").client(service, endpoint_url=endpoint)


def test_a_stream_reader_sees_writes_made_after_a_failed_transaction(moto_server):
    # GIVEN a table with a stream and a reader positioned after its first record
    ddb, streams = _client(moto_server, "dynamodb"), _client(moto_server, "dynamodbstreams")
    table = "people-stream-rollback"
    ddb.create_table(TableName=table, KeySchema=[{"AttributeName": "person_id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "person_id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST",
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    ddb.put_item(TableName=table, Item={"person_id": {"S": "before"}})
    answer = streams.get_records(ShardIterator=iterator)
    assert [r["dynamodb"]["Keys"]["person_id"]["S"] for r in answer["Records"]] == ["before"]

    # WHEN a transaction on that table fails its condition, and a plain write follows
    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": {"person_id": {"S": "in-failed-transaction"}}}},
            {"Put": {"TableName": table, "Item": {"person_id": {"S": "before"}},
                     "ConditionExpression": "attribute_not_exists(person_id)"}},
        ])
    ddb.put_item(TableName=table, Item={"person_id": {"S": "after"}})

    # THEN the same reader sees the later write, and nothing of the rolled-back transaction
    answer = streams.get_records(ShardIterator=answer["NextShardIterator"])
    assert [r["dynamodb"]["Keys"]["person_id"]["S"] for r in answer["Records"]] == ["after"]
    assert "Item" not in ddb.get_item(TableName=table, Key={"person_id": {"S": "in-failed-transaction"}})
    # and a reader starting now reads the whole history once
    fresh = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert [r["dynamodb"]["Keys"]["person_id"]["S"] for r in streams.get_records(ShardIterator=fresh)["Records"]] == [
        "before", "after"]
