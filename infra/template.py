"""Reading template.yaml: CloudFormation short tags, and the parts the local stack and the tests need."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    pass


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _tag)


def load_template(path: Path | str = TEMPLATE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass


@dataclass
class ApiRoute:
    function: str
    path: str
    method: str
    authorized: bool
    api_key_required: bool = False
    throttle: tuple[float, float] | None = None  # (RateLimit per second, BurstLimit) per API key, from a usage plan


@dataclass
class StreamSource:
    function: str
    name: str
    table: str  # logical id of the table whose stream feeds the function
    batch_size: int
    window_seconds: int
    max_retries: int
    bisect_on_error: bool
    report_item_failures: bool
    starting_position: str
    on_failure: Any


@dataclass
class Schedule:
    function: str
    name: str
    expression: str
    enabled: bool
    input: str | None


@dataclass
class FunctionSpec:
    logical_id: str
    code_uri: str
    handler: str
    environment: dict[str, Any]
    routes: list[ApiRoute] = field(default_factory=list)
    streams: list[StreamSource] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    timeout_seconds: int = 3  # Lambda's default; the template's Globals set 10


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template["Resources"].items() if res["Type"] == kind}


def functions(template: dict[str, Any]) -> dict[str, FunctionSpec]:
    """Every AWS::Serverless::Function with its routes, stream sources and schedules, Globals applied."""
    globals_fn = template.get("Globals", {}).get("Function", {})
    global_env = globals_fn.get("Environment", {}).get("Variables", {})
    specs: dict[str, FunctionSpec] = {}
    throttles = usage_plan_throttles(template)
    for name, res in resources_of(template, "AWS::Serverless::Function").items():
        props = res["Properties"]
        env = dict(global_env)
        env.update(props.get("Environment", {}).get("Variables", {}))
        spec = FunctionSpec(name, props["CodeUri"], props.get("Handler", globals_fn.get("Handler", "app.lambda_handler")),
                            env, timeout_seconds=int(props.get("Timeout", globals_fn.get("Timeout", 3))))
        for event_name, event in props.get("Events", {}).items():
            ep = event.get("Properties", {})
            if event["Type"] == "Api":
                authorizer = (ep.get("Auth") or {}).get("Authorizer")
                keyed = bool((ep.get("Auth") or {}).get("ApiKeyRequired"))
                method = ep["Method"].upper()
                throttle = throttles.get((ep["Path"], method), throttles.get(("*", "*"))) if keyed else None
                spec.routes.append(ApiRoute(name, ep["Path"], method, authorizer != "NONE", keyed, throttle))
            elif event["Type"] == "DynamoDB":
                stream = ep["Stream"]
                table = stream["Fn::GetAtt"][0] if isinstance(stream, dict) and "Fn::GetAtt" in stream else str(stream)
                spec.streams.append(StreamSource(
                    function=name, name=event_name, table=table,
                    batch_size=int(ep.get("BatchSize", 100)),
                    window_seconds=int(ep.get("MaximumBatchingWindowInSeconds", 0)),
                    max_retries=int(ep.get("MaximumRetryAttempts", -1)),
                    bisect_on_error=bool(ep.get("BisectBatchOnFunctionError", False)),
                    report_item_failures="ReportBatchItemFailures" in (ep.get("FunctionResponseTypes") or []),
                    starting_position=ep.get("StartingPosition", "LATEST"),
                    on_failure=(ep.get("DestinationConfig") or {}).get("OnFailure"),
                ))
            elif event["Type"] == "Schedule":
                spec.schedules.append(Schedule(name, event_name, ep["Schedule"], ep.get("Enabled", True), ep.get("Input")))
        specs[name] = spec
    return specs


def usage_plan_throttles(template: dict[str, Any]) -> dict[tuple[str, str], tuple[float, float]]:
    """(path, METHOD) -> (rate, burst) from the usage plans' per-method throttles; ("*", "*") is a plan's default."""
    found: dict[tuple[str, str], tuple[float, float]] = {}

    def limits(spec: dict[str, Any]) -> tuple[float, float]:
        return float(spec.get("RateLimit", 0)), float(spec.get("BurstLimit", 0))

    for plan in resources_of(template, "AWS::ApiGateway::UsagePlan").values():
        props = plan.get("Properties", {})
        if props.get("Throttle"):
            found.setdefault(("*", "*"), limits(props["Throttle"]))
        for stage in props.get("ApiStages", []):
            for target, spec in (stage.get("Throttle") or {}).items():
                path, _, method = target.rpartition("/")
                found.setdefault((path, method.upper()), limits(spec))
    return found


def routes(template: dict[str, Any]) -> list[ApiRoute]:
    return [route for spec in functions(template).values() for route in spec.routes]


def gateway_responses(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    apis = resources_of(template, "AWS::Serverless::Api")
    api = next(iter(apis.values()))
    return api["Properties"].get("GatewayResponses", {})


def authorizer_function(template: dict[str, Any]) -> str | None:
    api = next(iter(resources_of(template, "AWS::Serverless::Api").values()))
    auth = api["Properties"].get("Auth", {})
    default = auth.get("DefaultAuthorizer")
    if not default:
        return None
    arn = auth["Authorizers"][default]["FunctionArn"]
    if "Ref" in arn:  # !Ref AuthorizerFunction.Alias: the function's AutoPublishAlias (its SnapStart version)
        return arn["Ref"].split(".", 1)[0]
    return arn["Fn::GetAtt"][0]


class Resolver:
    """Resolves Ref / GetAtt / Sub against the physical resources the local stack created."""

    def __init__(self, template: dict[str, Any], physical: dict[str, dict[str, str]], parameters: dict[str, str],
                 region: str, account: str = "123456789012") -> None:
        self.template = template
        self.physical = physical  # logical id -> {"Ref": ..., "Arn": ..., "StreamArn": ...}
        self.parameters = {
            name: str(spec.get("Default", "")) for name, spec in template.get("Parameters", {}).items()
        } | parameters
        self.pseudo = {"AWS::Region": region, "AWS::AccountId": account, "AWS::Partition": "aws",
                       "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "yuekang-local"}

    def ref(self, name: str) -> str:
        if name in self.parameters:
            return self.parameters[name]
        if name in self.pseudo:
            return self.pseudo[name]
        return self.physical.get(name, {}).get("Ref", name)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if "Ref" in value:
                return self.ref(value["Ref"])
            if "Fn::GetAtt" in value:
                logical, attr = value["Fn::GetAtt"]
                return self.physical.get(logical, {}).get(attr, f"{logical}.{attr}")
            if "Fn::Sub" in value:
                text = value["Fn::Sub"]
                import re

                return re.sub(r"\$\{([^}]+)\}", lambda m: self.ref(m.group(1)) if "." not in m.group(1)
                              else self.resolve({"Fn::GetAtt": m.group(1).split(".", 1)}), text)
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value
