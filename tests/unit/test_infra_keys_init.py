"""`python -m infra.keys init` on the secret as the template creates it: empty, no value at all (issue 15)."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from moto import mock_aws

from infra import keys


@pytest.fixture
def empty_secret():
    with mock_aws():
        client = boto3.client("secretsmanager", region_name="us-east-1")
        # a name of its own: within an integration run moto's state is shared, and the app secret exists already
        name = f"yk-app-{uuid.uuid4().hex}"
        arn = client.create_secret(Name=name)["ARN"]  # neither SecretString nor GenerateSecretString
        yield client, arn


def test_init_writes_the_first_value_of_an_empty_secret(empty_secret):
    # GIVEN the secret the template creates (no value) WHEN init runs THEN it holds the session, lookup and signing keys
    client, arn = empty_secret
    keys.main(["init", "--secret-id", arn])
    value = json.loads(client.get_secret_value(SecretId=arn)["SecretString"])
    assert value["session_key"] and value["lookup_key"]
    assert [k["kid"] for k in value["signing_keys"]] == [value["active_kid"]]


def test_init_never_overwrites_and_if_needed_makes_it_a_no_op(empty_secret, capsys):
    # GIVEN an initialised secret WHEN init runs again THEN it refuses; with --if-needed it leaves the value alone
    client, arn = empty_secret
    keys.main(["init", "--secret-id", arn])
    first = client.get_secret_value(SecretId=arn)["SecretString"]
    with pytest.raises(SystemExit, match="already initialised"):
        keys.main(["init", "--secret-id", arn])
    keys.main(["init", "--secret-id", arn, "--if-needed"])
    assert client.get_secret_value(SecretId=arn)["SecretString"] == first
    assert "already initialised" in capsys.readouterr().out


def test_init_of_a_secret_that_does_not_exist_fails(empty_secret):
    client, _ = empty_secret
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        keys.main(["init", "--secret-id", "no-such-secret", "--if-needed"])
