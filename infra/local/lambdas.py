"""Load each function's handler from template.yaml the way Lambda would, with its environment and a context."""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
import uuid
from abc import ABCMeta
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from infra.template import ROOT, FunctionSpec, Resolver

LAYER_PATH = ROOT / "layers" / "common" / "python"


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int = 512
    timeout_seconds: int = 10

    def __post_init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"
        self.function_version = "$LATEST"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class LoadedFunction:
    """One warm container of a function: like Lambda, it handles one event at a time.

    Powertools' resolver keeps the current event on the app object, so concurrent calls into one module
    would mix requests up; AWS never does that (concurrency means more containers), and neither do we.
    """

    spec: FunctionSpec
    handler: Callable[[dict[str, Any], Any], Any]
    environment: dict[str, str]
    _busy: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def invoke(self, event: dict[str, Any]) -> Any:
        with self._busy:
            return self.handler(event, LambdaContext(self.spec.logical_id, timeout_seconds=self.spec.timeout_seconds))


def resolved_environment(spec: FunctionSpec, resolver: Resolver) -> dict[str, str]:
    return {key: str(resolver.resolve(value)) for key, value in spec.environment.items()}


class _PerThreadRequestState(ABCMeta):
    """Metaclass of Powertools' BaseRouter: the class attributes it assigns per request live per thread."""

    current_event = property(lambda cls: getattr(_request_state, "current_event", None),
                             lambda cls, value: setattr(_request_state, "current_event", value))
    lambda_context = property(lambda cls: getattr(_request_state, "lambda_context", None),
                              lambda cls, value: setattr(_request_state, "lambda_context", value))


_request_state = threading.local()


def isolate_request_state() -> None:
    """Make `BaseRouter.current_event` / `.lambda_context` per thread, for reads through the class and instances.

    Powertools assigns them on the class (`BaseRouter.current_event = event`) for every request: in one process
    serving requests in several threads, the last request to start would be the one every resolver reads.
    """
    from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

    if isinstance(BaseRouter, _PerThreadRequestState):
        return
    for name in ("current_event", "lambda_context"):  # instance reads (app.current_event) find these
        type.__setattr__(BaseRouter, name, getattr(_PerThreadRequestState, name))
    BaseRouter.__class__ = _PerThreadRequestState  # class reads and writes (BaseRouter.current_event = ...)


def load_function(spec: FunctionSpec, resolver: Resolver) -> LoadedFunction:
    """Import functions/<dir>/app.py under a unique module name, with the layer on sys.path and its env set.

    All functions share one process, so their environments are merged into os.environ; per-function values
    (the Powertools service name) are set just before the module is imported, which is when they are read.
    Powertools' per-request state is made per thread, since the handlers may run in several threads at once.
    """
    if str(LAYER_PATH) not in sys.path:
        sys.path.insert(0, str(LAYER_PATH))
    isolate_request_state()
    env = resolved_environment(spec, resolver)
    os.environ.update(env)
    module_name, _, attr = spec.handler.rpartition(".")
    path = ROOT / spec.code_uri / f"{module_name.replace('.', '/')}.py"
    unique = f"yk_fn_{spec.logical_id}"
    module_spec = importlib.util.spec_from_file_location(unique, path)
    assert module_spec and module_spec.loader
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[unique] = module
    module_spec.loader.exec_module(module)
    return LoadedFunction(spec, getattr(module, attr), env)
