"""The Lambda build, as `sam build` does it, for the tests and the benchmarks.

    runtime_version(template)   -> "3.12": the Python minor version of template.yaml's Globals Runtime
    lambda_arch(template)       -> "aarch64" / "x86_64": the wheel tag of the template's Architectures
    runtime_python(version)     -> an interpreter of that minor version (this one, pyenv's, or on PATH), or None
    build_layer(target, ...)    -> runs layers/common/Makefile's build-CommonLayer into target (what sam runs)
    bytecode_report(layer, ...) -> how each .py of a built layer is covered by bytecode (checked by the runtime's Python)

The layer's Makefile is the one build recipe: `make build` (sam build) and the tests both run it.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from infra.template import ROOT, load_template

LAYER_DIR = ROOT / "layers" / "common"
LAYER_LOGICAL_ID = "CommonLayer"
#: template Architectures -> the machine name in wheel platform tags (manylinux_2_28_<arch>)
WHEEL_ARCH = {"arm64": "aarch64", "x86_64": "x86_64"}


def runtime_version(template: dict[str, Any] | None = None) -> str:
    runtime = (template or load_template())["Globals"]["Function"]["Runtime"]
    if not runtime.startswith("python"):
        raise ValueError(f"Globals Runtime {runtime!r} is not a Python runtime")
    return runtime.removeprefix("python")


def lambda_arch(template: dict[str, Any] | None = None) -> str:
    (arch,) = (template or load_template())["Globals"]["Function"].get("Architectures", ["x86_64"])
    return WHEEL_ARCH[arch]


def runtime_python(version: str | None = None) -> str | None:
    """An interpreter of the runtime's minor version: the running one, pyenv's, or python<version> on PATH."""
    version = version or runtime_version()
    if "{}.{}".format(*sys.version_info[:2]) == version:
        return sys.executable
    roots = [os.environ.get("PYENV_ROOT", ""), str(Path.home() / ".pyenv")]
    for root in filter(None, roots):
        found = sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"))
        if found:
            return found[-1]
    return shutil.which(f"python{version}")


def build_layer(target: Path, *, python: str | None = None, arch: str | None = None) -> Path:
    """Build the common layer into `target` as `sam build` does (make build-CommonLayer ARTIFACTS_DIR=target).

    `arch` overrides the template's architecture (the benchmarks build one this machine can import).
    Returns the directory Lambda mounts at /opt/python. Raises CalledProcessError with make's output on failure.
    """
    python = python or runtime_python()
    if python is None:
        raise FileNotFoundError(f"no python{runtime_version()} (the Lambda runtime's version) on this machine")
    variables = [f"ARTIFACTS_DIR={target}", f"PYTHON={python}"] + ([f"ARCH={arch}"] if arch else [])
    subprocess.run(["make", "--no-print-directory", "-C", str(LAYER_DIR), f"build-{LAYER_LOGICAL_ID}", *variables],
                   check=True, capture_output=True, text=True)
    return target / "python"


_REPORT = r"""
import importlib.util, json, pathlib, sys
layer = pathlib.Path(sys.argv[1])
out = {"magic": importlib.util.MAGIC_NUMBER.hex(), "tag": sys.implementation.cache_tag, "sources": 0,
       "missing": [], "flags": {}, "stale": [], "foreign_magic": []}
for source in layer.rglob("*.py"):
    out["sources"] += 1
    pyc = pathlib.Path(importlib.util.cache_from_source(str(source)))
    if not pyc.exists():
        out["missing"].append(str(source.relative_to(layer)))
        continue
    head = pyc.read_bytes()[:16]
    flags = int.from_bytes(head[4:8], "little")
    out["flags"][str(flags)] = out["flags"].get(str(flags), 0) + 1
    if head[:4] != importlib.util.MAGIC_NUMBER:
        out["foreign_magic"].append(str(source.relative_to(layer)))
    elif flags & 1 and head[8:16] != importlib.util.source_hash(source.read_bytes()):
        out["stale"].append(str(source.relative_to(layer)))
print(json.dumps(out))
"""


def bytecode_report(layer: Path, *, python: str | None = None) -> dict[str, Any]:
    """For every .py under `layer`: is there a .pyc the runtime's Python would load, and how is it validated?

    Run by the runtime's own interpreter (its magic number, cache tag and source hash). Returns
    {"magic", "tag", "sources", "missing": [...], "flags": {"<pyc flags>": count}, "stale": [...],
    "foreign_magic": [...]}. PEP 552 flags: 0 timestamp, 0b01 unchecked hash, 0b11 checked hash.
    """
    python = python or runtime_python()
    if python is None:
        raise FileNotFoundError(f"no python{runtime_version()} (the Lambda runtime's version) on this machine")
    done = subprocess.run([python, "-c", _REPORT, str(layer)], check=True, capture_output=True, text=True)
    return json.loads(done.stdout)
