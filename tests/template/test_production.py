"""template.yaml as AWS will run it (issue 15): data kept, failures seen, limits set, pages served, parameters checked.

Offline, like test_template.py: these read the template (and SAM's transform of it); what only a real account can
show (CloudFront serving, alarms firing, Rules refusing a deploy) is listed in docs/deploy.md.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.cfn import references  # noqa: E402
from infra.template import functions, gateway_responses, resources_of  # noqa: E402

#: Routes whose every accepted request sends an SMS (auth and itinerary codes, the inbound page link).
SMS_ROUTES = {("/v1/auth/sms-code", "POST"), ("/v1/itinerary/sms-code", "POST"), ("/v1/inbound/apply", "POST")}
#: Tables that hold personal or health data: restorable to a point in time.
PERSONAL_TABLES = {"PeopleTable", "HealthEventsTable", "RelationsTable", "PlacesTable", "DeclarationsTable",
                   "ChecksTable", "AuditTable"}
CODE_DISPLAY = ("/v1/me/code", "GET")


def _param(source: dict, value: Any) -> Any:
    """A value, or the default of the parameter it refers to."""
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in source["Parameters"]:
        return source["Parameters"][value["Ref"]]["Default"]
    return value


def _api(source: dict) -> dict:
    return next(iter(resources_of(source, "AWS::Serverless::Api").values()))["Properties"]


def _method_setting(source: dict, path: str, method: str) -> dict:
    encoded = path if path == "/*" else "/" + path.replace("/", "~1")  # CloudFormation's encoding: /~1v1~1me~1code
    found = [s for s in _api(source)["MethodSettings"] if s["ResourcePath"] == encoded and s["HttpMethod"] == method]
    assert len(found) == 1, (path, method, found)
    return found[0]


# --------------------------------------------------------------------------- keep the data

def test_tables_key_and_secret_survive_a_stack_delete_and_a_replacement(source: dict, transformed: dict):
    # GIVEN every table, the PII key and the app secret WHEN their policies are read, before and after SAM's transform
    # THEN a stack delete or a replacing edit leaves them in place, and a table refuses to be deleted at all
    kept = (set(resources_of(source, "AWS::DynamoDB::Table")) | set(resources_of(source, "AWS::KMS::Key"))
            | set(resources_of(source, "AWS::SecretsManager::Secret")))
    assert {"PeopleTable", "AuditTable", "PiiKey", "AppSecret"} <= kept
    for template in (source, transformed):
        for name in kept:
            res = template["Resources"][name]
            assert (res.get("DeletionPolicy"), res.get("UpdateReplacePolicy")) == ("Retain", "Retain"), name
    for name, table in resources_of(source, "AWS::DynamoDB::Table").items():
        assert table["Properties"].get("DeletionProtectionEnabled") is True, name
    assert source["Resources"]["PiiKey"]["Properties"]["PendingWindowInDays"] == 30


def test_tables_with_personal_or_health_data_are_recoverable_to_a_point_in_time(source: dict):
    # GIVEN the tables WHEN their point-in-time recovery is read THEN every table with personal or health data has it,
    # and only tables whose every item expires (TTL: display log, auth, idempotency) go without
    tables = {name: res["Properties"] for name, res in resources_of(source, "AWS::DynamoDB::Table").items()}
    pitr = {name for name, props in tables.items()
            if props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled") is True}
    assert PERSONAL_TABLES <= pitr
    without = set(tables) - pitr
    assert all(tables[name].get("TimeToLiveSpecification", {}).get("Enabled") for name in without), without


def test_the_app_secret_value_is_never_in_the_template(source: dict):
    # GIVEN the app secret, whose value infra.keys writes (lookup-hash and signing keys) WHEN its properties are read
    # THEN it has no value property: a change to GenerateSecretString or SecretString would write a new value,
    # and every id_hash would stop matching and every issued code stop verifying
    props = source["Resources"]["AppSecret"]["Properties"]
    assert not {"GenerateSecretString", "SecretString"} & set(props), props


# --------------------------------------------------------------------------- see failures

def _alarms(source: dict) -> dict[str, dict]:
    return {name: res["Properties"] for name, res in resources_of(source, "AWS::CloudWatch::Alarm").items()}


def _function_alarm(source: dict, function: str, metric: str) -> dict:
    found = [a for a in _alarms(source).values() if a["Namespace"] == "AWS/Lambda" and a["MetricName"] == metric
             and a["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function}}]]
    assert len(found) == 1, (function, metric)
    return found[0]


def test_every_alarm_notifies_the_alarm_topic(source: dict):
    # GIVEN the alarms WHEN their actions are read THEN each goes to the alarm topic, which CloudWatch can publish to
    # (not under the AWS-managed alias/aws/sns key, whose policy cannot grant CloudWatch)
    alarms = _alarms(source)
    for topic in resources_of(source, "AWS::SNS::Topic").values():
        assert topic["Properties"].get("KmsMasterKeyId") != "alias/aws/sns"
    assert alarms
    topics = set(resources_of(source, "AWS::SNS::Topic"))
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] and references(alarm["AlarmActions"]) <= topics, name
    subscription = next(iter(resources_of(source, "AWS::SNS::Subscription").values()))
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


def test_stream_and_schedule_functions_have_error_throttle_and_lag_alarms(source: dict):
    # GIVEN the functions fed by streams and schedules WHEN the alarms are read
    # THEN each has an errors and a throttles alarm, and each stream consumer an iterator-age alarm
    specs = functions(source)
    streams = {name for name, spec in specs.items() if spec.streams}
    schedules = {name for name, spec in specs.items() if spec.schedules}
    assert streams >= {"StatusStreamFunction", "CodeImagesFunction"} and schedules == {
        "FeedImportFunction", "StatusReviewFunction", "GridPurgeFunction"}
    for name in streams | schedules:
        errors = _function_alarm(source, name, "Errors")
        assert (errors["Statistic"], errors["Threshold"], errors["ComparisonOperator"]) == (
            "Sum", 0, "GreaterThanThreshold"), name
        throttles = _function_alarm(source, name, "Throttles")
        assert throttles["Threshold"] == 0, name
        if name in streams:
            age = _function_alarm(source, name, "IteratorAge")
            assert age["Statistic"] == "Maximum" and 0 < age["Threshold"] <= 300_000, name
            assert throttles["EvaluationPeriods"] == 1, name


def test_a_failed_stream_batch_raises_an_alarm(source: dict):
    # GIVEN the stream consumers' OnFailure destination WHEN the alarms are read THEN its depth > 0 is one
    specs = functions(source)
    queues = set().union(*(references(stream.on_failure) for spec in specs.values() for stream in spec.streams))
    assert queues == {"StreamFailureQueue"}
    found = [a for a in _alarms(source).values() if a["Namespace"] == "AWS/SQS"
             and a["MetricName"] == "ApproximateNumberOfMessagesVisible"
             and references(a["Dimensions"]) == {"StreamFailureQueue"}]
    assert len(found) == 1
    assert (found[0]["Threshold"], found[0]["ComparisonOperator"]) == (0, "GreaterThanThreshold")


def test_api_5xx_rate_and_code_display_p99_latency_alarms(source: dict):
    # GIVEN the API's name and stage WHEN the API alarms are read THEN one watches the 5xx rate of the stage and one
    # the p99 latency of the code display route, whose per-method metrics the stage enables
    api = _api(source)
    stage_dims = [{"Name": "ApiName", "Value": api["Name"]}, {"Name": "Stage", "Value": api["StageName"]}]
    alarms = [a for a in _alarms(source).values() if a["Namespace"] == "AWS/ApiGateway"]
    rate = [a for a in alarms if a["MetricName"] == "5XXError"]
    assert len(rate) == 1 and rate[0]["Dimensions"] == stage_dims
    assert rate[0]["Statistic"] == "Average" and 0 < rate[0]["Threshold"] <= 0.05
    latency = [a for a in alarms if a["MetricName"] == "Latency"]
    assert len(latency) == 1
    assert latency[0]["Dimensions"] == stage_dims + [{"Name": "Resource", "Value": CODE_DISPLAY[0]},
                                                     {"Name": "Method", "Value": CODE_DISPLAY[1]}]
    assert latency[0]["ExtendedStatistic"] == "p99"
    assert _method_setting(source, *CODE_DISPLAY)["MetricsEnabled"] is True


def test_schedules_run_one_at_a_time_and_send_failures_to_a_destination(source: dict, transformed: dict):
    # GIVEN the scheduled functions WHEN their concurrency and async invoke configs are read (as SAM deploys them)
    # THEN each runs alone (reserved concurrency 1), a failed tick is recorded in a queue and not retried, and the
    # function's role may send to that queue (Lambda sends the record with it)
    configs = {next(iter(references(res["Properties"]["FunctionName"]))): res["Properties"]
               for res in resources_of(transformed, "AWS::Lambda::EventInvokeConfig").values()}
    scheduled = {name for name, spec in functions(source).items() if spec.schedules}
    assert scheduled and set(configs) == scheduled
    for name in scheduled:
        assert source["Resources"][name]["Properties"]["ReservedConcurrentExecutions"] == 1, name
        config = configs[name]
        assert config["Qualifier"] == "$LATEST" and config["MaximumRetryAttempts"] == 0
        assert config["MaximumEventAgeInSeconds"] <= 120
        destination = config["DestinationConfig"]["OnFailure"]["Destination"]
        assert references(destination) == {"ScheduleFailureQueue"}
        role = transformed["Resources"][transformed["Resources"][name]["Properties"]["Role"]["Fn::GetAtt"][0]]
        statements = [s for policy in role["Properties"]["Policies"]
                      for s in policy["PolicyDocument"]["Statement"]]
        assert any("sqs:SendMessage" in json.dumps(s["Action"]) and references(s["Resource"]) == {"ScheduleFailureQueue"}
                   for s in statements), name


def test_every_function_logs_to_a_group_that_expires(source: dict):
    # GIVEN every function WHEN the log groups are read THEN /aws/lambda/<function> is declared with a retention
    groups = {res["Properties"]["LogGroupName"]["Fn::Sub"]: res for res in resources_of(source, "AWS::Logs::LogGroup").values()}
    for name in resources_of(source, "AWS::Serverless::Function"):
        group = groups.get(f"/aws/lambda/${{{name}}}")
        assert group is not None, name
        assert 1 <= int(_param(source, group["Properties"]["RetentionInDays"])) <= 90, name
    assert source["Parameters"]["LogRetentionDays"]["Default"] == 30


def test_tracing_is_active_on_the_functions_and_the_api(source: dict, transformed: dict):
    assert source["Globals"]["Function"]["Tracing"] == "Active"
    assert _api(source)["TracingEnabled"] is True
    for name, fn in resources_of(transformed, "AWS::Lambda::Function").items():
        assert fn["Properties"]["TracingConfig"] == {"Mode": "Active"}, name
    stage = next(iter(resources_of(transformed, "AWS::ApiGateway::Stage").values()))
    assert stage["Properties"]["TracingEnabled"] is True


def test_every_handler_is_traced_by_powertools_without_its_answer(source: dict):
    # GIVEN each function's app.py WHEN its handler's decorators are read THEN it wears the kernel's `observed`,
    # whose Powertools Tracer captures the handler without the response (answers carry personal data); the layer
    # pins the X-Ray SDK the Tracer needs
    kernel = ast.parse((ROOT / "layers/common/python/healthcode/core/handlers.py").read_text())
    observed = next(n for n in kernel.body if isinstance(n, ast.FunctionDef) and n.name == "observed")
    traced = [n for n in ast.walk(observed) if isinstance(n, ast.Call)
              and ast.unparse(n.func) == "tracer.capture_lambda_handler"]
    assert len(traced) == 1
    assert any(k.arg == "capture_response" and ast.literal_eval(k.value) is False for k in traced[0].keywords)
    assert "Tracer()" in ast.unparse(observed)
    for name, res in resources_of(source, "AWS::Serverless::Function").items():
        tree = ast.parse((ROOT / res["Properties"]["CodeUri"] / "app.py").read_text())
        handler = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "lambda_handler")
        assert [ast.unparse(d.func) for d in handler.decorator_list if isinstance(d, ast.Call)] == ["observed"], name
    pins = (ROOT / "layers/common/requirements.txt").read_text()
    assert re.search(r"^aws-xray-sdk==\d", pins, re.M)


def test_tests_and_the_local_stack_run_with_the_tracer_disabled():
    import os

    from infra.local import stack

    assert os.environ.get("POWERTOOLS_TRACE_DISABLED") == "true"
    assert '"POWERTOOLS_TRACE_DISABLED": "true"' in Path(stack.__file__).read_text()


# --------------------------------------------------------------------------- concurrency and limits

def test_the_stage_is_throttled_above_the_january_2022_peak(source: dict, transformed: dict):
    # GIVEN the stage's default method settings WHEN read THEN they admit more than the 23 000 requests/s that broke
    # the real system (and SAM hands them to the stage)
    default = _method_setting(source, "/*", "*")
    assert int(_param(source, default["ThrottlingRateLimit"])) >= 23_000
    assert int(_param(source, default["ThrottlingBurstLimit"])) >= 23_000
    stage = next(iter(resources_of(transformed, "AWS::ApiGateway::Stage").values()))
    assert stage["Properties"]["MethodSettings"] == _api(source)["MethodSettings"]


def test_routes_that_send_an_sms_are_capped_for_all_callers_together(source: dict):
    # GIVEN the routes that send an SMS WHEN the stage's method settings are read THEN each has a low cap of its own
    routes = {(r.path, r.method) for spec in functions(source).values() for r in spec.routes}
    assert SMS_ROUTES <= routes
    for path, method in SMS_ROUTES:
        setting = _method_setting(source, path, method)
        assert 0 < int(_param(source, setting["ThrottlingRateLimit"])) <= 100, path
        assert 0 < int(_param(source, setting["ThrottlingBurstLimit"])) <= 200, path
    assert any(a["MetricName"] == "SMSMonthToDateSpentUSD" for a in _alarms(source).values())


def test_sms_routes_list_is_complete():
    # GIVEN the modules that send an SMS (the sender, directly or through otp.send_code) WHEN they are looked for
    # THEN they are the three flows behind SMS_ROUTES (a new sender needs its route capped too)
    pkg = ROOT / "layers/common/python/healthcode"
    senders = sorted(p.relative_to(pkg).as_posix() for p in pkg.rglob("*.py")
                     if re.search(r"otp\.send_code\(|get_sender\(\)\.send\(", p.read_text()))
    assert senders == ["identity/otp.py", "identity/sms_login.py", "inbound/travellers.py",
                       "residents/itinerary.py"], senders  # otp.py: the helper


# --------------------------------------------------------------------------- correct gateway answers

@pytest.mark.parametrize("message", ["Missing Authentication Token", 'Invalid "key" \\ here', "无效\n的请求"])
def test_gateway_response_bodies_are_valid_json_as_aws_renders_them(source: dict, message: str):
    # GIVEN each gateway response body template WHEN rendered as API Gateway does ($context.error.messageString is
    # the message as a JSON string, quotes included) THEN it is valid JSON with an error code and messages
    from infra.local.gateway import render_gateway_template

    responses = _api(source)["GatewayResponses"]
    assert {"DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    for kind, spec in responses.items():
        for body in spec["ResponseTemplates"].values():
            document = json.loads(render_gateway_template(body, message))
            assert set(document["error"]) == {"code", "message", "message_zh"}, kind
            if "$context.error.messageString" in body:
                assert document["error"]["message"] == message


def test_a_quoted_message_string_is_invalid_json_as_in_aws():
    # GIVEN the old template ("message": "$context.error.messageString") WHEN rendered as AWS does THEN not JSON
    from infra.local.gateway import render_gateway_template

    with pytest.raises(json.JSONDecodeError):
        json.loads(render_gateway_template('{"message": "$context.error.messageString"}', "Forbidden"))


def test_the_local_gateway_answers_its_own_rejections_with_the_templates_json(source: dict):
    # GIVEN the local gateway's rejections that fall back to DEFAULT_4XX / DEFAULT_5XX WHEN answered
    # THEN the body is valid JSON carrying the gateway's message, as in AWS
    from infra.local.gateway import TemplateGateway

    gateway = SimpleNamespace(responses=gateway_responses(source))
    missing_key = TemplateGateway.gateway_response(gateway, "API_KEY", 403, 'Forbidden "key"')
    assert missing_key["statusCode"] == 403
    assert json.loads(missing_key["body"])["error"] == {
        "code": "GATEWAY_REJECTED", "message": 'Forbidden "key"', "message_zh": "请求被拒绝"}
    failed = TemplateGateway.gateway_response(gateway, "AUTHORIZER_FAILURE", 500, "Authorizer failed")
    assert failed["statusCode"] == 500 and json.loads(failed["body"])["error"]["code"] == "INTERNAL_ERROR"


# --------------------------------------------------------------------------- pages in AWS

def test_the_site_bucket_is_private_and_read_only_by_the_distribution(source: dict):
    bucket = source["Resources"]["SiteBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values()) and len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    policy = source["Resources"]["SiteBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "SiteBucket"}
    allows = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert len(allows) == 1
    allow = allows[0]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"} and allow["Action"] == "s3:GetObject"
    assert references(allow["Condition"]["StringEquals"]["AWS:SourceArn"]) == {"SiteDistribution"}


def test_the_distribution_serves_pages_from_s3_and_v1_from_the_api_stage(source: dict):
    # GIVEN the distribution WHEN its origins and behaviours are read THEN pages come from the bucket through origin
    # access control, /v1/* from the API's stage uncached with the viewer's headers, all methods, over HTTPS
    config = source["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    default = config["DefaultCacheBehavior"]
    site = origins[default["TargetOriginId"]]
    assert references(site["DomainName"]) == {"SiteBucket"} and "RegionalDomainName" in json.dumps(site["DomainName"])
    assert references(site["OriginAccessControlId"]) == {"SiteOriginAccessControl"}
    assert site["S3OriginConfig"]["OriginAccessIdentity"] == ""
    oac = source["Resources"]["SiteOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"]) == ("s3", "always")
    assert default["ViewerProtocolPolicy"] == "redirect-to-https" and config["DefaultRootObject"] == "index.html"

    (v1,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/v1/*"]
    api = origins[v1["TargetOriginId"]]
    assert _api(source)["EndpointConfiguration"]["Type"] == "REGIONAL"  # the distribution is the only edge
    assert references(api["DomainName"]) == {"HealthCodeApi"} and ".execute-api." in api["DomainName"]["Fn::Sub"]
    assert api["OriginPath"] == "/" + _api(source)["StageName"]
    assert api["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert set(v1["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    assert v1["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # Managed-CachingDisabled
    assert v1["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # Managed-AllViewerExceptHostHeader
    for behaviour in [default, v1]:
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SiteSecurityHeaders"}
    # custom error pages apply to every origin: they would replace the API's JSON errors (a 403 FORBIDDEN, a 404)
    assert "CustomErrorResponses" not in config


# The managed origin request policies that forward CloudFront-Viewer-Address (the viewer's ip:port) with every viewer
# header (Authorization among them) but not Host (API Gateway answers 403 to a request for another host).
FORWARDS_VIEWER_ADDRESS_NOT_HOST = {"b689b0a8-53d0-40ab-baf2-68738e2966ac": "Managed-AllViewerExceptHostHeader"}
FORWARDS_HOST = {"216adef6-5c7f-47e4-b989-5492eafa07d3": "Managed-AllViewer",
                 "33f36d7e-f396-46d9-90e0-52428a34d9dc": "Managed-AllViewerAndCloudFrontHeaders-2022-06"}


def test_v1_forwards_the_viewer_address_and_proves_it_came_through_cloudfront(source: dict):
    # GIVEN the /v1/* behaviour WHEN its origin request policy and its origin are read THEN CloudFront-Viewer-Address
    # reaches the API (and Host does not), and the origin gets X-Origin-Verify = the NoEcho parameter the functions
    # compare it with (ORIGIN_VERIFY_SECRET), never a value written in the template
    config = source["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    (v1,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/v1/*"]
    assert v1["OriginRequestPolicyId"] in FORWARDS_VIEWER_ADDRESS_NOT_HOST
    assert v1["OriginRequestPolicyId"] not in FORWARDS_HOST
    (api,) = [o for o in config["Origins"] if o["Id"] == v1["TargetOriginId"]]
    condition, headers, otherwise = api["OriginCustomHeaders"]["Fn::If"]
    assert otherwise == {"Ref": "AWS::NoValue"}
    assert source["Conditions"][condition] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "OriginVerifySecret"}, ""]}]}
    assert headers == [{"HeaderName": "X-Origin-Verify", "HeaderValue": {"Ref": "OriginVerifySecret"}}]
    parameter = source["Parameters"]["OriginVerifySecret"]
    assert parameter["NoEcho"] is True and parameter["Default"] == ""
    assert re.fullmatch(parameter["AllowedPattern"], "") and not re.fullmatch(parameter["AllowedPattern"], "short")
    env = source["Globals"]["Function"]["Environment"]["Variables"]
    assert env["ORIGIN_VERIFY_SECRET"] == {"Ref": "OriginVerifySecret"}
    # the header names the functions read are the ones the template sets and the policy forwards
    from healthcode.core import viewer
    assert (viewer.ENV, viewer.ORIGIN_VERIFY, viewer.VIEWER_ADDRESS) == (
        "ORIGIN_VERIFY_SECRET", "x-origin-verify", "cloudfront-viewer-address")


def _csp(source: dict) -> dict[str, set[str]]:
    config = source["Resources"]["SiteSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    text = config["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    directives = {}
    for part in text.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = set(words[1:])
    return directives


def test_security_headers_forbid_framing_inline_code_and_plain_http(source: dict):
    headers = source["Resources"]["SiteSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"]
    csp = _csp(source)
    assert csp["default-src"] == {"'none'"} and csp["frame-ancestors"] == {"'none'"}
    assert csp["script-src"] == {"'self'"} and csp["style-src"] == {"'self'"} and csp["connect-src"] == {"'self'"}
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000
    assert headers["ContentTypeOptions"]["Override"] is True


class _PageScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.sources: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            self._in_script = True
            if not names.get("src"):
                self.problems.append("inline <script>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("src", "href") and value:
                self.sources.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append("inline script text")


def test_the_pages_need_nothing_the_csp_forbids(source: dict):
    # GIVEN the CSP and web/ WHEN the pages and scripts are read THEN no inline script, style or handler, every
    # resource is the site's own (or data:, allowed for images), and the scripts use only what the CSP allows
    csp = _csp(source)
    for page in sorted((ROOT / "web").glob("*.html")):
        scan = _PageScan()
        scan.feed(page.read_text())
        assert scan.problems == [], (page.name, scan.problems)
        for ref in scan.sources:
            assert not re.match(r"^[a-z]+:", ref) or ref.startswith("data:"), (page.name, ref)
    scripts = "\n".join(p.read_text() for p in (ROOT / "web").rglob("*.js") if "vendor" not in p.parts)
    assert not re.search(r"\beval\(|new Function\(|setAttribute\(\s*[\"']style", scripts)
    if "createObjectURL" in scripts:
        assert "blob:" in csp["img-src"]
    if '"data:image/' in scripts:
        assert "data:" in csp["img-src"]


# --------------------------------------------------------------------------- operable

def _evaluate(node: Any, params: dict[str, str]) -> Any:
    """The condition functions CloudFormation Rules use here, evaluated for the given parameter values."""
    if isinstance(node, dict):
        (fn, arg), = node.items()
        if fn == "Ref":
            return params[arg]
        if fn == "Fn::Equals":
            return _evaluate(arg[0], params) == _evaluate(arg[1], params)
        if fn == "Fn::Not":
            return not _evaluate(arg[0], params)
        if fn == "Fn::And":
            return all(_evaluate(a, params) for a in arg)
        if fn == "Fn::Or":
            return any(_evaluate(a, params) for a in arg)
        raise AssertionError(f"unexpected {fn}")
    return node


def _refused(source: dict, **overrides: str) -> list[str]:
    params = {name: str(spec.get("Default", "")) for name, spec in source["Parameters"].items()} | overrides
    refused = []
    for name, rule in source["Rules"].items():
        if "RuleCondition" in rule and not _evaluate(rule["RuleCondition"], params):
            continue
        refused += [name for assertion in rule["Assertions"] if not _evaluate(assertion["Assert"], params)]
    return refused


GOOD = {"IdentityProvider": "http", "IdentityProviderUrl": "https://id.example", "SmsProvider": "sns",
        "InboundPageUrl": "https://site.example/inbound.html", "CodePageUrl": "https://site.example/",
        "OriginVerifySecret": "x" * 43}


@pytest.mark.parametrize(("overrides", "refused"), [
    ({}, []),
    ({"IdentityProviderUrl": ""}, ["HttpIdentityProviderNeedsItsUrl"]),
    ({"ItineraryProvider": "http"}, ["HttpItineraryProviderNeedsItsUrl"]),
    ({"ItineraryProvider": "http", "ItineraryProviderUrl": "https://it.example"}, []),
    ({"MacauProvider": "http"}, ["HttpMacauProviderNeedsItsUrl"]),
    ({"MacauProvider": "http", "MacauProviderUrl": "https://mo.example"}, []),
    ({"InboundPageUrl": ""}, ["InboundPageUrlIsRequired"]),
    ({"CodePageUrl": ""}, ["CodePageUrlIsRequired"]),
    ({"OriginVerifySecret": ""}, ["OriginVerifySecretIsRequired"]),
    ({"IdentityProvider": "dev", "IdentityProviderUrl": ""}, ["ProductionRefusesDevProviders"]),
    ({"SmsProvider": "dev"}, ["ProductionRefusesDevProviders"]),
    ({"SmsProvider": "dev", "IdentityProvider": "dev", "Environment": "staging"}, []),
])
def test_rules_refuse_parameters_that_cannot_work(source: dict, overrides: dict, refused: list):
    assert _refused(source, **(GOOD | overrides)) == refused


def test_sam_hands_the_rules_to_cloudformation(source: dict, transformed: dict):
    assert transformed["Rules"] == source["Rules"]


def test_url_parameters_must_be_urls(source: dict):
    for name in ("IdentityProviderUrl", "ItineraryProviderUrl", "MacauProviderUrl", "InboundPageUrl", "CodePageUrl"):
        pattern = source["Parameters"][name]["AllowedPattern"]
        assert re.fullmatch(pattern, "https://x.example/a") and re.fullmatch(pattern, ""), name
        assert not re.fullmatch(pattern, "x.example"), name


def test_outputs_give_what_the_deploy_script_and_readme_use(source: dict):
    # GIVEN the outputs WHEN compared with what scripts/deploy.sh and README read THEN each is there, of the right thing
    outputs = source["Outputs"]
    expected = {"SiteUrl": "SiteDistribution", "SiteBucketName": "SiteBucket", "DistributionId": "SiteDistribution",
                "AppSecretArn": "AppSecret", "AuthTableName": "AuthTable", "ApiUrl": "HealthCodeApi"}
    for key, resource in expected.items():
        assert references(outputs[key]["Value"]) == {resource}, key
    script = (ROOT / "scripts/deploy.sh").read_text()
    used = set(re.findall(r"\$\(output (\w+)\)", script))
    assert used and used <= set(outputs), used - set(outputs)
    readme = (ROOT / "README.md").read_text()
    assert {"SiteUrl", "AppSecretArn", "AuthTableName"} <= set(re.findall(r"\b([A-Z]\w+(?:Url|Arn|Name|Id))\b", readme))


def test_make_deploy_runs_the_deploy_script():
    makefile = (ROOT / "Makefile").read_text()
    target = re.search(r"^deploy:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert target and "scripts/deploy.sh" in target.group(1)
    script = (ROOT / "scripts/deploy.sh").read_text()
    for step in ("\"$SAM\" deploy", "aws s3 sync", "infra.keys init", "--if-needed", "create-invalidation"):
        assert step in script, step


def test_a_folder_page_is_its_index_in_aws_as_on_the_local_stack(source: dict, tmp_path):
    # GIVEN the distribution's viewer-request function (the pages' behaviour only: /v1/* has none) WHEN it is run in
    # node on the paths of the console THEN /console/ is its index.html, /console is sent to /console/, and every
    # other path, the root included (DefaultRootObject), is left as it is
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    config = source["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    (association,) = config["DefaultCacheBehavior"]["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    assert association["FunctionARN"] == {"Fn::GetAtt": ["SiteFolderIndex", "FunctionARN"]}
    assert all("FunctionAssociations" not in b for b in config["CacheBehaviors"])
    function = source["Resources"]["SiteFolderIndex"]["Properties"]
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    script = tmp_path / "run.js"
    script.write_text(function["FunctionCode"] + """
const paths = ["/console/", "/console", "/", "/index.html", "/console/main.js", "/vendor/echarts/echarts.min.js"];
console.log(JSON.stringify(paths.map((uri) => handler({request: {uri: uri}}))));
""")
    answers = json.loads(subprocess.run([node, str(script)], capture_output=True, text=True, check=True).stdout)
    assert [a.get("uri") for a in answers] == ["/console/index.html", None, "/", "/index.html", "/console/main.js",
                                               "/vendor/echarts/echarts.min.js"]
    assert answers[1] == {"statusCode": 301, "statusDescription": "Moved Permanently",
                          "headers": {"location": {"value": "/console/"}}}
