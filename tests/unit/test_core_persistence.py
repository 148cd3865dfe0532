"""One persistence style: items through PynamoDB; the low-level DynamoDB client only behind the data-access seam in
core/ (batch I/O across tables, the stats table's anchored transactions and reads, Powertools' idempotency store),
where docs/performance.md ("persistence") gives the measured reason."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "layers" / "common" / "python" / "healthcode"
SEAM = {"core/batch.py", "core/streams.py", "core/idempotency.py"}


def _raw_dynamodb_users(root: Path = PACKAGE) -> set[str]:
    """Modules calling `client("dynamodb")` (healthcode.core.aws) or making a boto3 DynamoDB client themselves."""
    found = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            called = node.func if isinstance(node, ast.Call) else None
            name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", None)
            if (name in ("client", "resource") and node.args and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value == "dynamodb"):
                found.add(path.relative_to(root).as_posix())
    return found


def test_the_raw_dynamodb_client_is_used_only_behind_the_seam():
    assert _raw_dynamodb_users() <= SEAM


def test_the_check_finds_a_raw_call(tmp_path):
    # GIVEN a feature module that calls the low-level client WHEN the tree is read THEN it is reported
    (tmp_path / "feature.py").write_text('from .core.aws import client\n\nclient("dynamodb").get_item()\n')
    (tmp_path / "clean.py").write_text('from .models import Person\n\nPerson.get(record.get("dynamodb"))\n')
    assert _raw_dynamodb_users(tmp_path) == {"feature.py"}
