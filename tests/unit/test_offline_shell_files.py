"""The service worker's shell (web/sw.js SHELL) holds every file the offline pages load: a script or style added to
index.html, inbound.html, venue.html, org.html or grid.html - or a module one of their modules imports - but not to SHELL would load
only online (issue 13)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web"
OFFLINE_PAGES = ("index.html", "inbound.html", "venue.html", "org.html", "grid.html")
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;'"]*?(?:\bfrom\s*)?["'](\.{1,2}/[^"']+)["']""", re.M)


def shell() -> set[str]:
    source = (WEB / "sw.js").read_text(encoding="utf-8")
    listing = re.search(r"var SHELL = \[(.*?)\];", source, re.S)
    assert listing, "sw.js declares var SHELL = [...]"
    return set(re.findall(r'"([^"]+)"', listing.group(1)))


def imported(script: str) -> set[str]:
    """The modules `script` (a path under web/) imports, and theirs, as paths under web/."""
    found: set[str] = set()
    pending = [script]
    while pending:
        current = pending.pop()
        for relative in IMPORT.findall((WEB / current).read_text(encoding="utf-8")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(current), relative))
            if target not in found:
                found.add(target)
                pending.append(target)
    return found


def loaded_by(page: str) -> set[str]:
    html = (WEB / page).read_text(encoding="utf-8")
    loaded = set(re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)) | set(
        re.findall(r'<link[^>]*\brel="(?:stylesheet|manifest)"[^>]*\bhref="([^"]+)"', html))
    local = {path.split("?")[0] for path in loaded if not re.match(r"^(https?:)?//", path)}
    modules = set(re.findall(r'<script[^>]*\btype="module"[^>]*\bsrc="([^"]+)"', html))
    return local.union(*(imported(module) for module in modules))


@pytest.mark.parametrize("page", OFFLINE_PAGES)
def test_every_file_an_offline_page_loads_is_in_the_shell(page: str):
    local = loaded_by(page)
    assert local and local <= shell(), sorted(local - shell())


def test_the_resident_page_loads_its_modules_through_imports():
    # GIVEN index.html WHEN its module graph is followed THEN the views and the core are found (the check can fail)
    assert {"resident/main.js", "resident/orgs.js", "core/api.js", "core/views.js"} <= loaded_by("index.html")


def test_every_shell_file_exists():
    assert sorted(path for path in shell() if path != "./" and not (WEB / path).is_file()) == []
