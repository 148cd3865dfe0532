"""Each API function answers exactly the routes its template Events send it: its routers' routes (method + path)
equal its Api events, so no route is served by a function API Gateway never calls, nor sent to one without it."""

from __future__ import annotations

import ast
import importlib.util
import re

import pytest

from infra.template import ROOT, FunctionSpec, functions, load_template

FUNCTIONS = {name: spec for name, spec in functions(load_template()).items() if spec.routes}


def _resolver_routes(name: str) -> set[tuple[str, str]]:
    spec = FUNCTIONS[name]
    module_spec = importlib.util.spec_from_file_location(f"routes_of_{name}", ROOT / spec.code_uri / "app.py")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    routes = module.app._static_routes + module.app._dynamic_routes
    return {(route.method.upper(), re.sub(r"<(\w+)>", r"{\1}", route.path)) for route in routes}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_the_function_serves_exactly_its_template_events(name: str) -> None:
    # GIVEN the function's Api events WHEN its resolver's routes are listed THEN they are the same set
    events = {(route.method, route.path) for route in FUNCTIONS[name].routes}
    assert _resolver_routes(name) == events


ALL = functions(load_template())


def _correlated_by(spec: FunctionSpec) -> str:
    """The healthcode.core.handlers name of where the function's events carry their id."""
    return "STREAM_RECORDS" if spec.streams else "SCHEDULED" if spec.schedules else "API_REQUEST"


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_handler_logs_with_a_correlation_id_and_is_traced(name: str) -> None:
    # GIVEN the function's app.py WHEN its handler's decorators are read THEN there is one: the kernel's `observed`
    # (logging context, tracing, metrics), with the correlation id path of the events the template sends it
    tree = ast.parse((ROOT / ALL[name].code_uri / "app.py").read_text())
    handler = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "lambda_handler")
    path = _correlated_by(ALL[name])
    assert [ast.unparse(decorator) for decorator in handler.decorator_list] == [f"observed({path})"]
    imported = {alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
                and node.module == "healthcode.core.handlers" for alias in node.names}
    assert {"observed", path} <= imported


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_api_handler_publishes_metrics_and_resolves_through_the_kernel(name: str) -> None:
    source = (ROOT / FUNCTIONS[name].code_uri / "app.py").read_text()
    assert "@observed(API_REQUEST)" in source and "return api.resolve(app, event, context" in source


@pytest.mark.parametrize("name", sorted(ALL))
def test_a_missing_variable_fails_the_cold_start_naming_itself(name: str) -> None:
    # GIVEN the function's environment without STATS_TABLE WHEN its handler is imported (Lambda's init)
    # THEN the import fails naming the variable, not the first request that reads the table
    import os
    import subprocess
    import sys

    environment = {key: value for key, value in os.environ.items() if key != "STATS_TABLE"}
    layer, function = ROOT / "layers" / "common" / "python", ROOT / ALL[name].code_uri
    done = subprocess.run([sys.executable, "-B", "-c", f"import sys; sys.path[:0] = [{str(layer)!r}, "
                           f"{str(function)!r}]; import app"], env=environment, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0 and "ConfigError: environment variables missing: STATS_TABLE" in done.stderr
