"""Offline checks of template.yaml: cfn-lint, the SAM transform, and a moto CloudFormation stack.

    load_template(path)          -> the template as plain dicts/lists (short tags expanded)
    lint(path)                   -> (errors, warnings) from cfn-lint
    sam_transform(template)      -> the CloudFormation template SAM would deploy (offline)
    code_locations(transformed)  -> the (bucket, key) pairs the Lambda code/layers point at
    moto_adjustments(transformed)-> (template moto can create, descriptions of what was changed)

Nothing here talks to AWS. The adjustments are documented in docs/template-checks.md.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"

#: Where sam_transform points CodeUri / ContentUri (the tests create this bucket in moto).
ARTIFACT_BUCKET = "yuekang-artifacts"
DEFAULT_REGION = "us-east-1"


# --------------------------------------------------------------------------- loading

def load_template(path: Path | str = TEMPLATE) -> dict[str, Any]:
    """template.yaml as plain Python data: ``!Ref X`` -> ``{"Ref": X}``, ``!GetAtt A.B`` -> ``{"Fn::GetAtt": [A, B]}``.

    Uses the project's own loader (infra.template) when present, so the local stack, the
    fixtures and these checks read the template the same way; otherwise cfn-lint's decoder.
    """
    try:
        from infra.template import load_template as _project_loader
    except ImportError:
        _project_loader = None
    if _project_loader is not None:
        return _project_loader(path)

    from cfnlint.decode import decode

    template, matches = decode(str(path))
    if matches:
        raise ValueError(f"{path} does not parse: " + "; ".join(str(m) for m in matches))
    return _plain(template)


def _plain(node: Any) -> Any:
    """cfn-lint's str_node/dict_node/list_node -> str/dict/list."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


# --------------------------------------------------------------------------- cfn-lint

def lint(path: Path | str = TEMPLATE) -> tuple[list[Any], list[Any]]:
    """Run cfn-lint (its Python API, default rules and config) and split the matches.

    Returns (errors, warnings): errors are E-rules (and parse errors), warnings W-rules.
    Informational I-rules are not enabled by default and are ignored.
    """
    from cfnlint.api import lint_file

    matches = lint_file(Path(path))
    errors = [m for m in matches if m.rule.id.startswith("E")]
    warnings = [m for m in matches if m.rule.id.startswith("W")]
    return errors, warnings


# --------------------------------------------------------------------------- SAM transform

class _NoManagedPolicies:
    """Managed-policy loader for the offline transform: the template names no AWS managed
    policies by name (only SAM policy templates and inline statements), so none are needed."""

    def load(self) -> dict[str, str]:
        return {}


@contextlib.contextmanager
def _region(region: str) -> Iterator[None]:
    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = previous or region
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)


def with_s3_code_uris(template: dict[str, Any], bucket: str = ARTIFACT_BUCKET) -> dict[str, Any]:
    """Copy of the template with every local CodeUri / ContentUri replaced by s3://bucket/<LogicalId>.zip.

    This is what `sam package` does after uploading the directories; the offline transform
    refuses local paths.
    """
    out = copy.deepcopy(template)
    fn_globals = out.get("Globals", {}).get("Function", {})
    if isinstance(fn_globals.get("CodeUri"), str) and not fn_globals["CodeUri"].startswith("s3://"):
        fn_globals["CodeUri"] = f"s3://{bucket}/GlobalsFunction.zip"
    for name, res in out.get("Resources", {}).items():
        props = res.get("Properties") or {}
        for key in ("CodeUri", "ContentUri"):
            value = props.get(key)
            if isinstance(value, str) and not value.startswith("s3://"):
                props[key] = f"s3://{bucket}/{name}.zip"
    return out


def sam_transform(template_dict: dict[str, Any], *, bucket: str = ARTIFACT_BUCKET,
                  region: str = DEFAULT_REGION, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run the AWS::Serverless-2016-10-31 transform offline (aws-sam-translator) and return the result.

    Local CodeUri/ContentUri are first rewritten to s3:// URIs (see with_s3_code_uris). The input is
    not modified. AWS_DEFAULT_REGION is set to `region` for the call if it is not already set.
    """
    from samtranslator.translator.transform import transform

    prepared = with_s3_code_uris(template_dict, bucket)
    with _region(region):
        return transform(prepared, dict(parameters or {}), _NoManagedPolicies())


def code_locations(transformed: dict[str, Any]) -> list[tuple[str, str]]:
    """(bucket, key) of every Lambda function's Code and layer's Content in a transformed template."""
    found = []
    for res in transformed.get("Resources", {}).values():
        props = res.get("Properties") or {}
        for key in ("Code", "Content"):
            loc = props.get(key)
            if isinstance(loc, dict) and isinstance(loc.get("S3Bucket"), str) and isinstance(loc.get("S3Key"), str):
                found.append((loc["S3Bucket"], loc["S3Key"]))
    return sorted(set(found))


def request_authorizers(transformed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """REQUEST Lambda authorizers in a transformed template, by name.

    SAM emits them either as AWS::ApiGateway::Authorizer resources (Type REQUEST) or -- what it
    does for an Api with a generated OpenAPI body, as here -- inside the RestApi Body as
    ``securityDefinitions.<name>.x-amazon-apigateway-authorizer`` with ``type: request``.
    Both forms are returned, normalised to {"api", "uri", "ttl", "identity_source"}.
    """
    found: dict[str, dict[str, Any]] = {}
    for name, res in transformed.get("Resources", {}).items():
        props = res.get("Properties") or {}
        if res.get("Type") == "AWS::ApiGateway::Authorizer" and str(props.get("Type", "")).upper() == "REQUEST":
            found[props.get("Name", name)] = {
                "api": props.get("RestApiId"), "uri": props.get("AuthorizerUri"),
                "ttl": props.get("AuthorizerResultTtlInSeconds"), "identity_source": props.get("IdentitySource"),
            }
        if res.get("Type") == "AWS::ApiGateway::RestApi":
            for sec_name, sec in ((props.get("Body") or {}).get("securityDefinitions") or {}).items():
                auth = sec.get("x-amazon-apigateway-authorizer") or {}
                if str(auth.get("type", "")).lower() == "request":
                    found[sec_name] = {
                        "api": {"Ref": name}, "uri": auth.get("authorizerUri"),
                        "ttl": auth.get("authorizerResultTtlInSeconds"),
                        "identity_source": auth.get("identitySource"),
                    }
    return found


# --------------------------------------------------------------------------- references

_SUB_VAR = re.compile(r"\$\{(?!!)([^}]+)\}")


def references(node: Any) -> set[str]:
    """Logical ids/parameters a template fragment points at via Ref, Fn::GetAtt or Fn::Sub (not DependsOn)."""
    refs: set[str] = set()
    if isinstance(node, list):
        for item in node:
            refs |= references(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                refs.add(value)
            elif key == "Fn::GetAtt":
                target = value.split(".", 1)[0] if isinstance(value, str) else value[0]
                if isinstance(target, str):
                    refs.add(target)
                else:
                    refs |= references(target)
            elif key == "Fn::Sub":
                text, variables = (value, {}) if isinstance(value, str) else (value[0], value[1])
                for var in _SUB_VAR.findall(text):
                    target = var.split(".", 1)[0]
                    if target not in variables and not target.startswith("AWS::"):
                        refs.add(target)
                refs |= references(variables)
            else:
                refs |= references(value)
    return refs


def _replace_references(node: Any, placeholders: dict[str, str]) -> Any:
    """Replace Ref/GetAtt/${...} of the given logical ids by their placeholder (an Fn::Sub string)."""
    if isinstance(node, list):
        return [_replace_references(item, placeholders) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Ref"} and node["Ref"] in placeholders:
        return {"Fn::Sub": placeholders[node["Ref"]]}
    if set(node) == {"Fn::GetAtt"}:
        value = node["Fn::GetAtt"]
        target = value.split(".", 1)[0] if isinstance(value, str) else value[0]
        if target in placeholders:
            return {"Fn::Sub": placeholders[target]}
    if set(node) == {"Fn::Sub"}:
        value = node["Fn::Sub"]
        text, variables = (value, {}) if isinstance(value, str) else (value[0], value[1])

        def swap(match: re.Match[str]) -> str:
            target = match.group(1).split(".", 1)[0]
            if target in placeholders and target not in variables:
                return placeholders[target]
            return match.group(0)

        text = _SUB_VAR.sub(swap, text)
        variables = _replace_references(variables, placeholders)
        return {"Fn::Sub": text if isinstance(value, str) else [text, variables]}
    return {key: _replace_references(value, placeholders) for key, value in node.items()}


# --------------------------------------------------------------------------- moto

#: Transformed resource types that moto's CloudFormation cannot create from a SAM-generated API.
MOTO_DROPPED_TYPES = {
    "AWS::ApiGateway::Deployment": (
        "moto does not import the RestApi's OpenAPI Body, so the API has no methods and moto "
        "rejects the deployment ('The REST API doesn't contain any methods')"
    ),
    "AWS::ApiGateway::Stage": (
        "moto has no CloudFormation support for AWS::ApiGateway::Stage, and the stage needs the "
        "dropped deployment"
    ),
}

#: Placeholder ARN formats (Fn::Sub text) for resources replaced because moto cannot create them.
_PLACEHOLDER_ARNS = {
    "AWS::SecretsManager::Secret":
        "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:{name}-moto00",
}


def moto_supported_types() -> set[str]:
    """Resource types moto's CloudFormation implementation can create (moto's own model registry)."""
    from moto.cloudformation.parsing import get_model_map

    return set(get_model_map())


def _placeholder(resource_type: str, logical_id: str, properties: dict[str, Any] | None = None) -> str:
    target = (properties or {}).get("FunctionName")
    if resource_type == "AWS::Lambda::Alias" and isinstance(target, dict) and isinstance(target.get("Ref"), str):
        # what invokes the alias (API integrations, the authorizer, their permissions) invokes the function
        return "${" + target["Ref"] + ".Arn}"
    fmt = _PLACEHOLDER_ARNS.get(resource_type)
    if fmt is None:
        service, kind = resource_type.split("::")[1:3]
        fmt = "arn:${AWS::Partition}:" + service.lower() + ":${AWS::Region}:${AWS::AccountId}:" \
            + kind.lower() + "/{name}"
    return fmt.replace("{name}", logical_id)


def moto_adjustments(transformed: dict[str, Any],
                     supported_types: Collection[str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """Make a SAM-transformed template creatable by moto's CloudFormation; say what was changed.

    The input is not modified. Adjustments (only those that apply are reported):

    1. Every AWS::ApiGateway::RestApi gets a ``Name`` (its logical id) if it has none -- moto
       requires one; SAM only sets it when the Api declares ``Name``.
    2. AWS::ApiGateway::Deployment and AWS::ApiGateway::Stage are dropped (see MOTO_DROPPED_TYPES).
    3. Anything that references a resource dropped in (2) via Ref/GetAtt/Sub -- other resources
       (e.g. permissions scoped to the stage) or Outputs -- is dropped too, repeatedly until no
       such reference is left; ``DependsOn`` entries naming a dropped resource are removed.
    4. Remaining resources whose type moto's CloudFormation cannot create at all (per
       ``supported_types``, default: moto's registry; e.g. AWS::SecretsManager::Secret) are
       dropped and every Ref/GetAtt/${...} of them is replaced by a placeholder ARN. Left in,
       moto would skip them with a warning and resolve their Ref to null (so, for example, the
       functions' APP_SECRET_ID variable would be null). An AWS::Lambda::Alias (AutoPublishAlias) is
       replaced by its function's ARN: what would invoke the alias invokes the function.

    Returns (adjusted template, human-readable descriptions of the applied adjustments).
    """
    out = copy.deepcopy(transformed)
    resources: dict[str, Any] = out.setdefault("Resources", {})
    notes: list[str] = []
    supported = set(moto_supported_types() if supported_types is None else supported_types)

    # 1. RestApi names
    for name, res in resources.items():
        if res.get("Type") == "AWS::ApiGateway::RestApi":
            props = res.setdefault("Properties", {})
            if not props.get("Name"):
                props["Name"] = name
                notes.append(f"Set Name of AWS::ApiGateway::RestApi {name} to {name!r}: moto requires a name.")

    # 2. deployment and stage
    dropped: set[str] = set()
    for name in sorted(resources):
        rtype = resources[name].get("Type")
        if rtype in MOTO_DROPPED_TYPES:
            del resources[name]
            dropped.add(name)
            notes.append(f"Dropped {rtype} {name}: {MOTO_DROPPED_TYPES[rtype]}.")

    # 3. cascade
    changed = bool(dropped)
    while changed:
        changed = False
        for name in sorted(resources):
            hit = references(resources[name].get("Properties", {})) & dropped
            if hit:
                rtype = resources.pop(name).get("Type")
                dropped.add(name)
                changed = True
                notes.append(f"Dropped {rtype} {name}: it references dropped {', '.join(sorted(hit))}.")
    for name in sorted(out.get("Outputs", {})):
        hit = references(out["Outputs"][name]) & dropped
        if hit:
            del out["Outputs"][name]
            notes.append(f"Dropped output {name}: it references dropped {', '.join(sorted(hit))}.")
    for name, res in resources.items():
        depends = res.get("DependsOn")
        if depends is None:
            continue
        listed = [depends] if isinstance(depends, str) else list(depends)
        kept = [d for d in listed if d not in dropped]
        if kept != listed:
            if kept:
                res["DependsOn"] = kept
            else:
                del res["DependsOn"]
            notes.append(f"Removed DependsOn {', '.join(d for d in listed if d in dropped)} from {name}.")

    # 4. types moto cannot create
    placeholders: dict[str, str] = {}
    for name in sorted(resources):
        rtype = resources[name].get("Type", "")
        if rtype not in supported:
            placeholders[name] = _placeholder(rtype, name, resources[name].get("Properties"))
            del resources[name]
            notes.append(
                f"Dropped {rtype} {name}: moto's CloudFormation cannot create this type; its "
                f"Ref/GetAtt now resolve to the placeholder {placeholders[name]!r}."
            )
    if placeholders:
        out["Resources"] = resources = _replace_references(resources, placeholders)
        if "Outputs" in out:
            out["Outputs"] = _replace_references(out["Outputs"], placeholders)
        for res in resources.values():
            depends = res.get("DependsOn")
            if depends is not None:
                listed = [depends] if isinstance(depends, str) else list(depends)
                kept = [d for d in listed if d not in placeholders]
                if kept:
                    res["DependsOn"] = kept
                else:
                    del res["DependsOn"]

    return out, notes
