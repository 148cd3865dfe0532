"""Cold init on Lambda's terms: the codes function's handler imported from the built layer, with and without bytecode.

Lambda's init imports the handler (functions/codes/app.py) with the layer mounted read-only at /opt/python, so
nothing the interpreter compiles can be cached. The layer is built by layers/common/Makefile (the recipe `sam build`
runs) for this machine's architecture, so it imports here, then laid out three ways:

- bytecode: as built, unchecked-hash .pyc of the runtime's version (what the layer ships);
- source: no .pyc at all (what a layer without a compile step ships): every cold start compiles every module;
- timestamp: .pyc compiled the default way (timestamp), then every source dated 1980-01-01 as sam's zip leaves
  it in Lambda: the recorded mtimes never match, so the .pyc are read, rejected, and everything is compiled again.

Each sample is a fresh interpreter of the runtime's version (`-I -B`: no user site, no environment, nothing
written) importing the handler; the three are run in turn, round after round, so machine noise hits them alike.

`python -m bench.bench_coldstart DIR` only lays the three layers out under DIR and prints the commands, for
timing them with an outside tool (`/usr/bin/time`, hyperfine).
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FUNCTION_DIR = ROOT / "functions" / "codes"
ROUNDS = 7
VARIANTS = ("bytecode", "source", "timestamp")
#: 1980-01-01T00:00:00Z, the date sam's zip gives every file
ZIP_EPOCH = 315532800
_IMPORT = "import sys; sys.path[:0] = [{layer!r}, {function!r}]; import app"


def prepare(root: Path) -> dict[str, Path]:
    """Build the layer for this machine under root/bytecode and derive root/source and root/timestamp."""
    from infra.build import build_layer, runtime_python

    python = runtime_python()
    layers = {"bytecode": build_layer(root / "bytecode", python=python, arch=platform.machine())}
    for variant in ("source", "timestamp"):
        target = root / variant / "python"
        shutil.copytree(layers["bytecode"], target, ignore=shutil.ignore_patterns("__pycache__"))
        layers[variant] = target
    # timestamp .pyc by the runtime's Python, then the zip's dates on the sources
    subprocess.run([python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "timestamp",
                    str(layers["timestamp"])], check=True)
    for source in layers["timestamp"].rglob("*.py"):
        os.utime(source, (ZIP_EPOCH, ZIP_EPOCH))
    return layers


def command(python: str, layer: Path) -> list[str]:
    return [python, "-I", "-B", "-c", _IMPORT.format(layer=str(layer), function=str(FUNCTION_DIR))]


def _environment() -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG", "TZ"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update({"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", "POWERTOOLS_SERVICE_NAME": "codes",
                "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true"})
    return env


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd="/", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def run() -> list[dict[str, Any]]:
    from infra.build import runtime_python, runtime_version

    python = runtime_python()
    if python is None:
        return [{"name": "cold init from the built layer", "value": "skipped", "unit": "", "target": "",
                 "note": f"no python{runtime_version()} on this machine"}]
    python = getattr(sys, "_base_executable", python) if python == sys.executable else python
    env = _environment()
    with tempfile.TemporaryDirectory(prefix="yk-coldstart-") as tmp:
        layers = prepare(Path(tmp))
        bare = [python, "-I", "-B", "-c", "pass"]
        samples: dict[str, list[float]] = {name: [] for name in ("interpreter", *VARIANTS)}
        for variant in VARIANTS:  # one unmeasured run each: the files are in the page cache for all alike
            _wall(command(python, layers[variant]), env)
        for _ in range(ROUNDS):
            samples["interpreter"].append(_wall(bare, env))
            for variant in VARIANTS:
                samples[variant].append(_wall(command(python, layers[variant]), env))
    median = {name: statistics.median(values) for name, values in samples.items()}
    spread = {name: f"{min(v) * 1000:.0f}-{max(v) * 1000:.0f} ms" for name, v in samples.items()}
    version = f"python{runtime_version()}"
    rows = [{"name": f"bare {version} start (-I -B -c pass)", "value": median["interpreter"] * 1000, "unit": "ms",
             "target": "", "note": f"{ROUNDS} runs, {spread['interpreter']}"}]
    for variant, label in (("bytecode", "layer with unchecked-hash bytecode (as built)"),
                           ("source", "layer without bytecode, read-only"),
                           ("timestamp", "layer with timestamp .pyc, sources dated 1980")):
        rows.append({"name": f"cold init codes: {label}", "value": median[variant] * 1000, "unit": "ms",
                     "target": "", "note": f"{ROUNDS} fresh interpreters, {spread[variant]}"})
    for variant in ("source", "timestamp"):
        rows.append({"name": f"cold init codes: {variant} / bytecode", "value": median[variant] / median["bytecode"],
                     "unit": "x", "target": "", "note": "medians"})
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    from infra.build import runtime_python

    out = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="yk-coldstart-"))
    built = prepare(out)
    interpreter = runtime_python()
    interpreter = getattr(sys, "_base_executable", interpreter) if interpreter == sys.executable else interpreter
    for name, path in built.items():
        print(f"{name}: " + " ".join(repr(part) if " " in part else part for part in command(interpreter, path)))
