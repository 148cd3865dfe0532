"""Every function whose routes take member= can read the relations, and every one that audits can write the audit.

`access.subject_for` reads the `MEMBER#<id>` relation (GetItem on the relations table) and `audit.record` puts an
entry in the audit table: without the policy, member= works on moto (no IAM) and fails with AccessDenied in AWS.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.template import load_template, resources_of  # noqa: E402
from tests.template.iam import granted  # noqa: E402

PACKAGE = ROOT / "layers" / "common" / "python" / "healthcode"


def _module_path(name: str) -> Path | None:
    """The file of a healthcode module (`healthcode.codes.routes.display`), None for a name inside a module."""
    base = PACKAGE.parent.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def _imported(source: str) -> list[str]:
    """The healthcode modules a source imports (`from healthcode.x import y`: y when it is a module, else x)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("healthcode"):
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.append(child if _module_path(child) else node.module)
    return found


def _route_sources(code_uri: str) -> str:
    """The function's route modules and the domain modules they import directly (the kernel left out)."""
    app = (ROOT / code_uri / "app.py").read_text(encoding="utf-8")
    routes = [name for name in _imported(app) if ".routes" in name]
    sources = [_module_path(name).read_text(encoding="utf-8") for name in routes]
    domain = {name for source in sources for name in _imported(source)
              if not name.startswith("healthcode.core") and name not in routes}
    return "\n".join(sources + [_module_path(name).read_text(encoding="utf-8") for name in sorted(domain)])


def _api_functions() -> list[tuple[str, dict]]:
    functions = resources_of(load_template(), "AWS::Serverless::Function")
    return [(name, spec["Properties"]) for name, spec in sorted(functions.items())
            if (ROOT / spec["Properties"]["CodeUri"] / "app.py").exists()
            and any(".routes" in name for name in _imported(
                (ROOT / spec["Properties"]["CodeUri"] / "app.py").read_text(encoding="utf-8")))]


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
