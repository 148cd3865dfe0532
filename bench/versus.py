"""This tree against another checkout of the project, side by side in one run: cold init of every function
(a fresh interpreter importing its `app.py`, as Lambda's init does) and the code-display ratio (GET /v1/me/code
through the handler / its bare boto3 calls, `bench_foundation.code_display` of each tree).

    python -m bench.versus /path/to/other/checkout [rounds]

`make bench` does not run it (it needs a second tree). Both trees are byte-compiled first (the layer ships
bytecode) and use this interpreter and one environment (the tests', from template.yaml). The two sides run in
turn, sample by sample, so the machine's drift hits both alike; ratios are medians of the pairs (this / other).
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_IMPORT = "import sys, time; sys.path[:0] = [{layer!r}, {function!r}]; t = time.perf_counter(); import app; " \
          "print(time.perf_counter() - t)"
_DISPLAY = ("import json, sys; sys.path[:0] = ['.', 'layers/common/python']; import conftest; "
            "from bench.bench_foundation import code_display; "
            "print(json.dumps({row['name']: row['value'] for row in code_display()}))")


def _environment() -> dict[str, str]:
    """The tests' environment (every table name and variable of template.yaml), read in a child interpreter."""
    code = ("import json, os, sys; sys.path[:0] = ['.', 'layers/common/python']; import conftest; "
            "print(json.dumps(dict(os.environ)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    environment = json.loads(done.stdout.strip().splitlines()[-1])
    environment["POWERTOOLS_METRICS_DISABLED"] = "true"
    return environment


def _functions(tree: Path) -> list[str]:
    return sorted(path.parent.name for path in (tree / "functions").glob("*/app.py"))


def _cold_init(tree: Path, function: str, environment: dict[str, str]) -> float:
    code = _IMPORT.format(layer=str(tree / "layers/common/python"), function=str(tree / "functions" / function))
    done = subprocess.run([sys.executable, "-B", "-c", code], cwd="/", env=environment, capture_output=True,
                          text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def _display(tree: Path, environment: dict[str, str]) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", _DISPLAY], cwd=tree, env=environment, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def versus(other: Path, rounds: int = 7) -> dict[str, Any]:
    environment = _environment()
    for tree in (ROOT, other):
        for part in ("layers/common/python", "functions"):
            compileall.compile_dir(str(tree / part), quiet=1)
    functions = sorted(set(_functions(ROOT)) & set(_functions(other)))
    samples: dict[str, dict[str, list[float]]] = {name: {"this": [], "other": []} for name in functions}
    for _ in range(rounds):
        for name in functions:
            samples[name]["this"].append(_cold_init(ROOT, name, environment))
            samples[name]["other"].append(_cold_init(other, name, environment))
    cold = {name: {"this_ms": statistics.median(s["this"]) * 1000, "other_ms": statistics.median(s["other"]) * 1000,
                   "ratio": statistics.median(a / b for a, b in zip(s["this"], s["other"], strict=True))}
            for name, s in samples.items()}
    display: dict[str, list[dict[str, float]]] = {"this": [], "other": []}
    for _ in range(max(1, rounds // 3)):
        display["this"].append(_display(ROOT, environment))
        display["other"].append(_display(other, environment))
    key = "GET /v1/me/code handler / bare boto3"
    return {"cold_init": cold, "display_ratio": {side: [run[key] for run in runs] for side, runs in display.items()},
            "display_runs": display}


def main(argv: list[str]) -> None:
    other = Path(argv[0]).resolve()
    rounds = int(argv[1]) if len(argv) > 1 else 7
    result = versus(other, rounds)
    print(f"{'function':<18} {'this ms':>9} {'other ms':>9} {'this/other':>10}")
    for name, row in result["cold_init"].items():
        print(f"{name:<18} {row['this_ms']:>9.0f} {row['other_ms']:>9.0f} {row['ratio']:>10.3f}")
    ratios = [row["ratio"] for row in result["cold_init"].values()]
    print(f"{'median of ratios':<38} {statistics.median(ratios):>10.3f}")
    for side, values in result["display_ratio"].items():
        print(f"code display handler / bare boto3 ({side}): " + ", ".join(f"{v:.3f}" for v in values))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "versus.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    main(sys.argv[1:])
