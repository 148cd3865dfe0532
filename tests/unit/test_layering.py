"""The layer's import graph, read from the source (ast): no cycles among its modules or its packages, no import
of a package ranked above the importer's (RANK), and the kernel (core/) importing nothing above it. Imports inside
functions count too: a lazy import is still a dependency."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "layers" / "common" / "python" / "healthcode"
#: what core/ may import besides itself: the table shapes (models/ depends on core.config only)
CORE_MAY_IMPORT = ("healthcode.core", "healthcode.models")
#: the layer's top-level packages, lowest first: a module may import its own package or one ranked lower. A new
#: subject gets its place here (grids is a part of places: places/grids/).
#: core and models share the lowest rank, one kernel: models name their tables through core.config, and core's
#: audit, ratelimit and tx write models' items (the package-cycle check takes the two as one).
RANK = (
    ("core", "models"),  # the kernel (api, errors, config, aws, clock, ...) and every table's item shapes
    "identity",  # logins, sessions, the authorizer, roles, people and their documents
    "colour",  # the status rules, red reasons, recompute, feeds
    "codes",  # tokens, showing a code, printed codes, scanning
    "residents",  # declarations, family, records, itinerary, Macau
    "inbound",  # inbound travellers
    "medical",  # medical staff: grants and release notices
    "places",  # place admin, venues/, orgs/, devices/, grids/
    "meta",  # health and the OpenAPI document of every router
)
#: modules allowed at the top of the layer beside the packages (none)
FLAT = {"healthcode"}


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


@cache
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


def _top(module: str) -> str:
    """The top-level package of a layer module: healthcode.places.venues.checks -> places."""
    return module.split(".")[1] if "." in module else ""


def _package(module: str, graph: dict[str, set[str]]) -> str:
    """The package a module belongs to (a package's __init__ is the package itself); models count as the kernel's."""
    if module == "healthcode.models" or module.startswith("healthcode.models."):
        return "healthcode.core"
    children = any(name.startswith(module + ".") for name in graph)
    return module if children else module.rpartition(".")[0]


def _ranks() -> dict[str, int]:
    return {name: index for index, entry in enumerate(RANK)
            for name in ((entry,) if isinstance(entry, str) else entry)}


def _packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph of packages: one package imports another when one of its modules imports one of the other's.
    A package and its own subpackages are one whole here (venues' modules use venues' __init__)."""
    packages: dict[str, set[str]] = {}
    for module, imported in graph.items():
        own = _package(module, graph)
        packages.setdefault(own, set()).update(
            name for name in (_package(m, graph) for m in imported)
            if name != own and not name.startswith(own + ".") and not own.startswith(name + "."))
    return packages


def _upward(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a top-level package ranked above the importer's: `importer -> imported`."""
    rank = _ranks()
    return sorted(f"{module} -> {name}" for module, imported in graph.items() for name in imported
                  if _top(name) != _top(module) and rank[_top(name)] > rank[_top(module)])


def test_the_graph_sees_the_layer() -> None:
    # GIVEN the layer's sources WHEN the graph is read THEN it holds the kernel and a subject importing it
    graph = _graph()
    assert "healthcode.core.errors" in graph and "healthcode.core.errors" in graph["healthcode.identity.login"]
    # AND a subpackage's module imported by name (`from healthcode.places.venues import checks`)
    assert "healthcode.places.venues.checks" in graph["healthcode.places.venues.routes.places"]


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


def test_the_package_graph_folds_modules_into_their_packages() -> None:
    graph = {"healthcode.a": set(), "healthcode.a.x": {"healthcode.b.y", "healthcode.a"},
             "healthcode.b": set(), "healthcode.b.y": {"healthcode.a.x"}}
    assert _packages(graph) == {"healthcode.a": {"healthcode.b"}, "healthcode.b": {"healthcode.a"}}
    assert _cycles(_packages(graph)) == [["healthcode.a", "healthcode.b"]]


def test_no_package_imports_itself_back() -> None:
    # GIVEN the packages of the layer (identity, places.venues, ...) WHEN their imports are followed
    # THEN none leads back to it (the old login -> roles -> medical -> login was such a loop)
    assert _cycles(_packages(_graph())) == []


def test_the_rank_check_finds_an_upward_import() -> None:
    graph = {"healthcode.identity.login": {"healthcode.medical.notices", "healthcode.core.clock"},
             "healthcode.medical.notices": {"healthcode.identity.roles"}}
    assert _upward(graph) == ["healthcode.identity.login -> healthcode.medical.notices"]


def test_every_package_has_a_rank() -> None:
    # GIVEN the layer's top-level packages and modules THEN each is in RANK (a new subject chooses its place)
    assert sorted({_top(name) for name in _modules() if _top(name)} - set(_ranks())) == []


def test_no_import_goes_up_the_ranks() -> None:
    # GIVEN every module's imports WHEN each is compared by package rank THEN none goes to a higher package
    assert _upward(_graph()) == []


def test_the_layer_holds_packages_not_flat_modules() -> None:
    # GIVEN the layer's top level THEN it holds the subject packages (and nothing flat beside them)
    flat = sorted(name for name, path in _modules().items() if name.count(".") == 1 and path.name != "__init__.py")
    assert sorted(set(flat) - FLAT) == []


def _routers() -> list[str]:
    """The modules that define a module-level `router` (their function's routes)."""
    found = []
    for name, path in _modules().items():
        for node in ast.parse(path.read_text(), str(path)).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "router" for t in node.targets):
                found.append(name)
    return sorted(found)


def test_each_package_holds_its_routes() -> None:
    # GIVEN the modules with a router THEN each is a `routes` module (or in a routes/ package) of its subject
    assert [name for name in _routers() if "routes" not in name.split(".")] == []


def test_the_openapi_document_assembles_every_router() -> None:
    # GIVEN every router of the layer WHEN meta's list is read THEN it names each (the document misses none)
    from healthcode.meta.routes import ROUTERS

    assert sorted(ROUTERS) == _routers()
