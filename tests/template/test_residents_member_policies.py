"""Every function whose routes take member= can read the relations, and every one that audits can write the audit.

`access.subject_for` reads the `MEMBER#<id>` relation (GetItem on the relations table) and `audit.record` puts an
entry in the audit table: without the policy, member= works on moto (no IAM) and fails with AccessDenied in AWS.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.template import load_template, resources_of  # noqa: E402
from tests.template.iam import granted  # noqa: E402

ROUTES = ROOT / "layers" / "common" / "python" / "healthcode" / "routes"


PACKAGE = ROUTES.parent


def _module_source(name: str) -> str:
    path = PACKAGE / f"{name}.py"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _route_sources(code_uri: str) -> str:
    """The function's route modules and the domain modules they import directly (`from .. import x`)."""
    app = (ROOT / code_uri / "app.py").read_text(encoding="utf-8")
    modules = re.findall(r"from healthcode\.routes import ([\w, ]+)", app)
    names = [name.strip() for group in modules for name in group.split(",")]
    sources = [(ROUTES / f"{name}.py").read_text(encoding="utf-8") for name in names]
    domain = {name.strip() for source in sources for group in re.findall(r"from \.\. import ([\w, ]+)", source)
              for name in group.split(",")}
    return "\n".join(sources + [_module_source(name) for name in sorted(domain)])


def _api_functions() -> list[tuple[str, dict]]:
    functions = resources_of(load_template(), "AWS::Serverless::Function")
    return [(name, spec["Properties"]) for name, spec in sorted(functions.items())
            if (ROOT / spec["Properties"]["CodeUri"] / "app.py").exists()
            and "healthcode.routes" in (ROOT / spec["Properties"]["CodeUri"] / "app.py").read_text(encoding="utf-8")]


@pytest.mark.parametrize(("name", "properties"), _api_functions(), ids=lambda value: value if isinstance(value, str) else "")
def test_a_function_resolving_member_reads_the_relations_and_one_auditing_writes_the_audit(name, properties):
    # GIVEN the routes a function serves
    source = _route_sources(properties["CodeUri"])
    allowed = granted(properties.get("Policies", []))

    # THEN member= (access.subject_for: GetItem of the MEMBER# relation) may read the relations table
    if "subject_for(" in source:
        assert ("dynamodb:GetItem", "RelationsTable") in allowed, f"{name} resolves member= without reading relations"
    # AND an audit entry (audit.record: one conditional PutItem) may be put in the audit table
    if "audit.record(" in source:
        assert ("dynamodb:PutItem", "AuditTable") in allowed, f"{name} audits without writing the audit table"
