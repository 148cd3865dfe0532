"""Run every benchmark module (or those named on the command line) and write bench/results/<module>.json."""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "layers" / "common" / "python"))


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main(argv: list[str]) -> None:
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")  # EMF lines would drown the report
    import conftest  # noqa: F401 - the same environment the tests use (table names from template.yaml)

    names = argv or sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        rows = module.run()
        elapsed = time.perf_counter() - started
        print(f"\n## {name}  ({elapsed:.1f} s)")
        print(f"{'measure':<58} {'value':>12} {'unit':<8} {'target':<10} note")
        for row in rows:
            value = row["value"]
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            print(f"{row['name']:<58} {shown:>12} {row.get('unit', ''):<8} {str(row.get('target', '')):<10} "
                  f"{row.get('note', '')}")
        (out / f"{name}.json").write_text(json.dumps({"machine": machine(), "rows": rows}, ensure_ascii=False,
                                                     indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
