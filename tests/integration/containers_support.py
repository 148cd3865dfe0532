"""Several warm containers of one function, for race tests: each loads the handler module anew (its own resolver and
module state), like Lambda's concurrent containers, and handles one event at a time; `race` releases them at once.

The local gateway runs one event per function at a time, which hides read-then-write races; these do not."""

from __future__ import annotations

import importlib.util
import itertools
import os
import sys
from typing import Any

from infra.local.lambdas import LAYER_PATH, LoadedFunction, isolate_request_state, resolved_environment
from infra.template import ROOT

_loaded = itertools.count()


def containers(aws: dict[str, Any], logical_id: str, count: int) -> list[LoadedFunction]:
    """`count` containers of the function `logical_id`, each with the handler module loaded separately."""
    spec, resolver = aws["specs"][logical_id], aws["resolver"]
    if str(LAYER_PATH) not in sys.path:
        sys.path.insert(0, str(LAYER_PATH))
    isolate_request_state()
    env = resolved_environment(spec, resolver)
    os.environ.update(env)
    module_name, _, attr = spec.handler.rpartition(".")
    path = ROOT / spec.code_uri / f"{module_name.replace('.', '/')}.py"
    loaded = []
    for _ in range(count):
        unique = f"yk_container_{spec.logical_id}_{next(_loaded)}"
        module_spec = importlib.util.spec_from_file_location(unique, path)
        assert module_spec and module_spec.loader
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[unique] = module
        module_spec.loader.exec_module(module)
        loaded.append(LoadedFunction(spec, getattr(module, attr), env))
    return loaded
