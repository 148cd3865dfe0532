"""template.yaml, checked three ways, all offline:

1. cfn-lint reports no errors (warnings are printed, not failed);
2. the SAM transform (aws-sam-translator) produces the API, functions, REQUEST authorizer,
   layer and DynamoDB tables (with their streams) the template declares;
3. the transformed stack, adjusted by infra.cfn.moto_adjustments, reaches CREATE_COMPLETE in
   moto's CloudFormation and leaves the declared tables, GSIs and streams behind.

See docs/template-checks.md for the moto adjustments.
"""

from __future__ import annotations

import io
import json
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.cfn import (  # noqa: E402
    TEMPLATE,
    code_locations,
    lint,
    moto_adjustments,
    references,
    request_authorizers,
)
from infra.template import authorizer_function, resources_of  # noqa: E402

REGION = "us-east-1"  # as in conftest.py
STACK = "yuekang-template-check"


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def source_tables(source: dict) -> dict[str, dict]:
    tables = {name: res["Properties"] for name, res in resources_of(source, "AWS::DynamoDB::Table").items()}
    assert tables, "template.yaml declares no DynamoDB tables"
    return tables


def _dummy_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", "def lambda_handler(event, context):\n    return {}\n")
    return buf.getvalue()


@pytest.fixture(scope="module")
def moto_stack(transformed: dict):
    """The adjusted, transformed template created in moto; yields (boto3 session, stack, notes, warnings)."""
    import boto3
    from moto import mock_aws

    adjusted, notes = moto_adjustments(transformed)
    fake_env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SECURITY_TOKEN": "testing", "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in fake_env.items():
            mp.setenv(key, value)
        mp.delenv("AWS_PROFILE", raising=False)
        with mock_aws():
            session = boto3.Session(region_name=REGION)
            # what `sam package` would have uploaded: moto's Lambda reads the code from S3
            s3 = session.client("s3")
            for bucket in {b for b, _ in code_locations(adjusted)}:
                s3.create_bucket(Bucket=bucket)
            for bucket, key in code_locations(adjusted):
                s3.put_object(Bucket=bucket, Key=key, Body=_dummy_zip())

            cfn = session.client("cloudformation")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                cfn.create_stack(StackName=STACK, TemplateBody=json.dumps(adjusted),
                                 Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"])
            stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
            yield session, stack, notes, [str(w.message) for w in caught]


# --------------------------------------------------------------------------- 1. cfn-lint

def test_cfn_lint_reports_no_errors():
    errors, lint_warnings = lint(TEMPLATE)
    for match in lint_warnings:
        print(f"cfn-lint warning: {match}")
    assert not errors, "cfn-lint errors:\n" + "\n".join(str(m) for m in errors)


def test_project_loader_agrees_with_cfn_lint_decoder(source: dict):
    from cfnlint.decode import decode

    decoded, matches = decode(str(TEMPLATE))
    assert not matches
    assert json.loads(json.dumps(decoded)) == source


# --------------------------------------------------------------------------- 2. SAM transform

def test_transform_removes_all_serverless_types(transformed: dict):
    assert "Transform" not in transformed
    leftovers = {n: r["Type"] for n, r in transformed["Resources"].items() if r["Type"].startswith("AWS::Serverless::")}
    assert not leftovers


def test_transform_has_the_rest_api(source: dict, transformed: dict):
    apis = resources_of(source, "AWS::Serverless::Api")
    rest_apis = resources_of(transformed, "AWS::ApiGateway::RestApi")
    assert set(apis) <= set(rest_apis)
    for name, api in apis.items():
        body = rest_apis[name]["Properties"]["Body"]
        assert body["paths"], f"{name} has no routes"
        if "Name" in api["Properties"]:
            assert rest_apis[name]["Properties"]["Name"] == api["Properties"]["Name"]
        responses = body.get("x-amazon-apigateway-gateway-responses", {})
        assert set(api["Properties"].get("GatewayResponses", {})) <= set(responses)
        stage = api["Properties"]["StageName"]
        assert any(r["Properties"].get("StageName") == stage
                   for r in resources_of(transformed, "AWS::ApiGateway::Stage").values())
        assert resources_of(transformed, "AWS::ApiGateway::Deployment")


def test_transform_has_a_lambda_function_per_function(source: dict, transformed: dict):
    functions = resources_of(source, "AWS::Serverless::Function")
    lambdas = resources_of(transformed, "AWS::Lambda::Function")
    assert functions and set(functions) == set(lambdas)
    layers = set(resources_of(transformed, "AWS::Lambda::LayerVersion"))
    fn_globals = source.get("Globals", {}).get("Function", {})
    for name, fn in lambdas.items():
        props = fn["Properties"]
        architectures = functions[name]["Properties"].get("Architectures", fn_globals.get("Architectures"))
        if architectures:
            assert props["Architectures"] == architectures, name
        assert props["Code"]["S3Key"] == f"{name}.zip"
        assert {layer["Ref"] for layer in props.get("Layers", [])} <= layers
        assert props.get("Layers"), f"{name} does not get the common layer"
        role = props["Role"]["Fn::GetAtt"][0]
        assert transformed["Resources"][role]["Type"] == "AWS::IAM::Role"


def test_transform_routes_match_the_events(source: dict, transformed: dict):
    expected = set()
    for fn in resources_of(source, "AWS::Serverless::Function").values():
        for event in fn["Properties"].get("Events", {}).values():
            if event["Type"] == "Api":
                expected.add((event["Properties"]["Path"], event["Properties"]["Method"].lower()))
    body = next(iter(resources_of(transformed, "AWS::ApiGateway::RestApi").values()))["Properties"]["Body"]
    actual = {(path, method) for path, ops in body["paths"].items() for method in ops}
    assert actual == expected


def test_transform_has_the_request_authorizer(source: dict, transformed: dict):
    api = next(iter(resources_of(source, "AWS::Serverless::Api").values()))
    auth = api["Properties"]["Auth"]
    default = auth["DefaultAuthorizer"]
    authorizers = request_authorizers(transformed)
    assert default in authorizers, f"no REQUEST authorizer {default}: {sorted(authorizers)}"
    found = authorizers[default]
    function = authorizer_function(source)
    alias = source["Resources"][function]["Properties"].get("AutoPublishAlias")
    if alias:  # the function's published alias (SnapStart), see test_build
        function = f"{function}Alias{alias}"
    assert function in references(found["uri"])
    reauthorize = auth["Authorizers"][default].get("Identity", {}).get("ReauthorizeEvery")
    if reauthorize is not None:
        assert found["ttl"] == reauthorize
    # API Gateway may invoke the authorizer function
    assert any(p["Properties"]["Principal"] == "apigateway.amazonaws.com" and function in references(p["Properties"])
               and "authorizers" in json.dumps(p["Properties"]["SourceArn"])
               for p in resources_of(transformed, "AWS::Lambda::Permission").values())


def test_routes_are_authorized_unless_opted_out(source: dict, transformed: dict):
    api = next(iter(resources_of(source, "AWS::Serverless::Api").values()))
    default = api["Properties"]["Auth"]["DefaultAuthorizer"]
    body = next(iter(resources_of(transformed, "AWS::ApiGateway::RestApi").values()))["Properties"]["Body"]
    public, keyed = set(), set()
    for fn in resources_of(source, "AWS::Serverless::Function").values():
        for event in fn["Properties"].get("Events", {}).values():
            if event["Type"] == "Api" and (event["Properties"].get("Auth") or {}).get("Authorizer") == "NONE":
                public.add((event["Properties"]["Path"], event["Properties"]["Method"].lower()))
            if event["Type"] == "Api" and (event["Properties"].get("Auth") or {}).get("ApiKeyRequired"):
                keyed.add((event["Properties"]["Path"], event["Properties"]["Method"].lower()))
    for path, ops in body["paths"].items():
        for method, op in ops.items():
            schemes = {name for requirement in op.get("security", []) for name in requirement}
            expected = {"NONE"} if (path, method) in public else {default}
            if (path, method) in keyed:  # metered by a usage plan: the API key is required as well
                expected |= {"api_key"}
            assert schemes == expected, (path, method, schemes)


def test_transform_has_the_layer(source: dict, transformed: dict):
    layers = resources_of(source, "AWS::Serverless::LayerVersion")
    versions = resources_of(transformed, "AWS::Lambda::LayerVersion")
    assert layers and len(versions) == len(layers)
    names = {v["Properties"].get("LayerName") for v in versions.values()}
    assert {layer["Properties"].get("LayerName") for layer in layers.values()} == names
    for version in versions.values():
        assert version["Properties"]["Content"]["S3Bucket"]


def test_transform_keeps_the_tables_and_their_streams(source_tables: dict, transformed: dict):
    out = {name: res["Properties"] for name, res in resources_of(transformed, "AWS::DynamoDB::Table").items()}
    assert out == source_tables
    streams = {name: props["StreamSpecification"]["StreamViewType"]
               for name, props in out.items() if "StreamSpecification" in props}
    # streams the system relies on (more may be added; these may not disappear or change view type)
    assert streams.items() >= {
        "PeopleTable": "NEW_AND_OLD_IMAGES",
        "HealthEventsTable": "NEW_IMAGE",
        "DeclarationsTable": "NEW_IMAGE",
        "ChecksTable": "NEW_IMAGE",
    }.items(), streams


def test_stream_event_sources_read_tables_with_streams(source: dict, source_tables: dict):
    for name, fn in resources_of(source, "AWS::Serverless::Function").items():
        for event_name, event in fn["Properties"].get("Events", {}).items():
            if event["Type"] == "DynamoDB":
                table = event["Properties"]["Stream"]["Fn::GetAtt"][0]
                assert "StreamSpecification" in source_tables[table], f"{name}.{event_name}: {table} has no stream"


# --------------------------------------------------------------------------- 3. moto CloudFormation

def test_moto_adjustments_are_reported_and_pure(transformed: dict):
    before = json.dumps(transformed, sort_keys=True)
    adjusted, notes = moto_adjustments(transformed)
    assert json.dumps(transformed, sort_keys=True) == before, "moto_adjustments modified its input"
    for line in notes:
        print(f"moto adjustment: {line}")
    assert not resources_of(adjusted, "AWS::ApiGateway::Deployment")
    assert not resources_of(adjusted, "AWS::ApiGateway::Stage")
    gone = set(transformed["Resources"]) - set(adjusted["Resources"])
    assert all(any(name in line for line in notes) for name in gone), "a dropped resource is not reported"
    still_referenced = gone & (references(adjusted["Resources"]) | references(adjusted.get("Outputs", {})))
    assert not still_referenced, f"dropped but still referenced: {sorted(still_referenced)}"
    # what the checks care about is never dropped
    for rtype in ("AWS::DynamoDB::Table", "AWS::Lambda::Function", "AWS::ApiGateway::RestApi",
                  "AWS::Lambda::LayerVersion"):
        assert set(resources_of(adjusted, rtype)) == set(resources_of(transformed, rtype)), rtype


def test_moto_adjustments_cascade_and_placeholders():
    """The adjustments on a small synthetic template with every case the real one could grow into."""
    api_ref = {"Ref": "Api"}
    template = {
        "Resources": {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {}}},
            "Deploy": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"RestApiId": api_ref}},
            "Stage": {"Type": "AWS::ApiGateway::Stage",
                      "Properties": {"RestApiId": api_ref, "DeploymentId": {"Ref": "Deploy"}, "StageName": "live"}},
            "Fn": {"Type": "AWS::Lambda::Function", "DependsOn": ["Stage", "Secret"], "Properties": {
                "Environment": {"Variables": {"S": {"Ref": "Secret"}, "A": {"Fn::GetAtt": ["Secret", "Id"]},
                                              "U": {"Fn::Sub": "x/${Secret}/${!Secret}/${AWS::Region}"}}}}},
            "StagePerm": {"Type": "AWS::Lambda::Permission", "Properties": {
                "FunctionName": {"Ref": "Fn"},
                "SourceArn": {"Fn::Sub": ["arn:${A}/${S}/GET/x", {"A": api_ref, "S": {"Ref": "Stage"}}]}}},
            "PermUser": {"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": {"Ref": "StagePerm"}}},
            "Secret": {"Type": "AWS::SecretsManager::Secret", "Properties": {}},
        },
        "Outputs": {"StageOut": {"Value": {"Fn::Sub": "https://${Api}/${Stage}"}}, "ApiOut": {"Value": api_ref}},
    }
    supported = {"AWS::ApiGateway::RestApi", "AWS::ApiGateway::Deployment", "AWS::Lambda::Function",
                 "AWS::Lambda::Permission"}
    adjusted, notes = moto_adjustments(template, supported_types=supported)
    assert set(adjusted["Resources"]) == {"Api", "Fn"}
    assert set(adjusted["Outputs"]) == {"ApiOut"}
    assert adjusted["Resources"]["Api"]["Properties"]["Name"] == "Api"
    assert "DependsOn" not in adjusted["Resources"]["Fn"]
    env = adjusted["Resources"]["Fn"]["Properties"]["Environment"]["Variables"]
    assert env["S"] == env["A"] and ":secretsmanager:" in env["S"]["Fn::Sub"] and "Secret-" in env["S"]["Fn::Sub"]
    assert env["U"]["Fn::Sub"].startswith("x/arn:") and env["U"]["Fn::Sub"].endswith("/${!Secret}/${AWS::Region}")
    # name; Deployment, Stage; StagePerm, PermUser (cascade); output StageOut; DependsOn; Secret
    assert len(notes) == 8, notes
    assert "Secret" not in references(adjusted)


def test_moto_stack_is_created(moto_stack):
    session, stack, _, caught = moto_stack
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    unsupported = [w for w in caught if "not supported by moto" in w]
    assert not unsupported, unsupported
    resources = session.client("cloudformation").list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    failed = [r for r in resources if r["ResourceStatus"] != "CREATE_COMPLETE"]
    assert not failed, failed


def test_moto_stack_has_the_functions_wired_to_the_tables(moto_stack, source: dict):
    session, _, _, _ = moto_stack
    resources = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in
                 session.client("cloudformation").list_stack_resources(StackName=STACK)["StackResourceSummaries"]}
    lam = session.client("lambda")
    for name in resources_of(source, "AWS::Serverless::Function"):
        env = lam.get_function_configuration(FunctionName=resources[name])["Environment"]["Variables"]
        assert env["PEOPLE_TABLE"] == resources["PeopleTable"]
        assert all(value is not None for value in env.values()), env


def test_moto_stack_tables_have_the_declared_keys_gsis_and_streams(moto_stack, source_tables: dict):
    session, _, _, _ = moto_stack
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in
                session.client("cloudformation").list_stack_resources(StackName=STACK)["StackResourceSummaries"]
                if r["ResourceType"] == "AWS::DynamoDB::Table"}
    assert set(physical) == set(source_tables)
    ddb = session.client("dynamodb")
    assert set(physical.values()) <= set(ddb.list_tables()["TableNames"])
    for name, declared in source_tables.items():
        table = ddb.describe_table(TableName=physical[name])["Table"]
        assert table["KeySchema"] == declared["KeySchema"], name
        assert table.get("BillingModeSummary", {}).get("BillingMode") == declared.get("BillingMode", "PROVISIONED")
        gsis = {g["IndexName"]: g for g in table.get("GlobalSecondaryIndexes", [])}
        want = {g["IndexName"]: g for g in declared.get("GlobalSecondaryIndexes", [])}
        assert set(gsis) == set(want), name
        for index, spec in want.items():
            assert gsis[index]["KeySchema"] == spec["KeySchema"], (name, index)
            assert gsis[index]["Projection"]["ProjectionType"] == spec["Projection"]["ProjectionType"], (name, index)
        if "StreamSpecification" in declared:
            assert table["StreamSpecification"] == {
                "StreamEnabled": True, "StreamViewType": declared["StreamSpecification"]["StreamViewType"]}, name
            assert table.get("LatestStreamArn"), name
        else:
            assert not table.get("StreamSpecification", {}).get("StreamEnabled"), name


def test_moto_stack_outputs(moto_stack, transformed: dict):
    _, stack, _, _ = moto_stack
    adjusted, _ = moto_adjustments(transformed)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    assert set(outputs) == set(adjusted.get("Outputs", {}))
    if "ApiUrl" in outputs:
        assert outputs["ApiUrl"].startswith("https://") and ".execute-api." in outputs["ApiUrl"]



def test_every_route_has_a_sample_event():
    # GIVEN the routes of template.yaml and the REST proxy samples in events/
    # WHEN each route is looked for among the samples THEN every one has a sample of its method and resource
    from infra.template import ROOT, load_template, routes

    samples = set()
    for path in (ROOT / "events").glob("*.json"):
        sample = json.loads(path.read_text())
        if "httpMethod" in sample:
            samples.add((sample["httpMethod"], sample["resource"]))
    missing = [(r.method.upper(), r.path) for r in routes(load_template()) if (r.method.upper(), r.path) not in samples]
    assert missing == []


def test_imported_feed_files_and_their_rejects_expire(source: dict):
    # GIVEN the code bucket, where feed files are moved once imported (healthcode.colour.inbox) WHEN its lifecycle is read
    # THEN the processed files and the rejects (personal data) expire; the printable cards (codes/) do not
    from healthcode.colour.inbox import PROCESSED, REJECTS

    rules = source["Resources"]["CodeBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    expiring = {rule["Prefix"]: rule["ExpirationInDays"] for rule in rules if rule["Status"] == "Enabled"}
    assert set(expiring) == {PROCESSED, REJECTS} and all(0 < days <= 90 for days in expiring.values())
