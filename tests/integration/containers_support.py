"""Several warm containers of one function, for race tests: each loads the handler module anew (its own resolver and
module state), like Lambda's concurrent containers, and handles one event at a time; `race` releases them at once.

The local gateway runs one event per function at a time, which hides read-then-write races; these do not."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

from infra.local.lambdas import LoadedFunction, load_function

_loaded = itertools.count()


def containers(aws: dict[str, Any], logical_id: str, count: int) -> list[LoadedFunction]:
    """`count` containers of the function `logical_id`, each with the handler module loaded separately.

    infra.local's loader names the module after the logical id, so each container loads under an id of its own
    (the same environment: it is the function's) and is then handed the function's own spec."""
    spec, resolver = aws["specs"][logical_id], aws["resolver"]
    loaded = []
    for _ in range(count):
        alone = load_function(dataclasses.replace(spec, logical_id=f"{logical_id}_container_{next(_loaded)}"), resolver)
        loaded.append(LoadedFunction(spec, alone.handler, alone.environment))
    return loaded
