"""The layer's import graph, read from the source (ast): no cycles among its modules, and the kernel (core/)
importing nothing above it. Imports inside functions count too: a lazy import is still a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "layers" / "common" / "python" / "healthcode"
#: what core/ may import besides itself: the table shapes (models/ depends on core.config only)
CORE_MAY_IMPORT = ("healthcode.core", "healthcode.models")


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The healthcode modules `name` imports: `from x import y` counts y when y is a module, else x."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("healthcode"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("healthcode"):
                continue
            for alias in node.names:
                child = f"{target}.{alias.name}"
                found.add(child if child in known else target)
    found.discard(name)
    return {module for module in found if module in known}


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: _imports(name, path, known) for name, path in known.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_the_graph_sees_the_layer() -> None:
    # GIVEN the layer's sources WHEN the graph is read THEN it holds the kernel and a subject importing it
    graph = _graph()
    assert "healthcode.core.errors" in graph and "healthcode.core.errors" in graph["healthcode.identity.login"]


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_itself_back() -> None:
    # GIVEN every module of the layer WHEN its imports are followed THEN none leads back to it
    assert _cycles(_graph()) == []


@pytest.mark.parametrize("module", sorted(name for name in _modules() if name.startswith("healthcode.core")))
def test_the_kernel_imports_nothing_above_it(module: str) -> None:
    # GIVEN a kernel module WHEN its imports are read THEN each is the kernel's own (or a table's shape)
    above = sorted(name for name in _graph()[module] if not name.startswith(CORE_MAY_IMPORT))
    assert above == []
