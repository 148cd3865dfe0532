"""Test modules are imported by their file name (pytest's rootdir-based import): two test files with one name in two
folders make the second fail to collect ("import file mismatch"), so every name is unique across tests/."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_every_test_module_name_is_unique_across_the_suites():
    names = Counter(path.name for path in TESTS.rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []
