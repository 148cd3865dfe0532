"""The service worker's shell (web/sw.js SHELL) holds every file the offline pages load: a script or style added to
index.html, inbound.html, venue.html, org.html or grid.html but not to SHELL would load only online (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web"
OFFLINE_PAGES = ("index.html", "inbound.html", "venue.html", "org.html", "grid.html")


def shell() -> set[str]:
    source = (WEB / "sw.js").read_text(encoding="utf-8")
    listing = re.search(r"var SHELL = \[(.*?)\];", source, re.S)
    assert listing, "sw.js declares var SHELL = [...]"
    return set(re.findall(r'"([^"]+)"', listing.group(1)))


@pytest.mark.parametrize("page", OFFLINE_PAGES)
def test_every_file_an_offline_page_loads_is_in_the_shell(page: str):
    html = (WEB / page).read_text(encoding="utf-8")
    loaded = set(re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)) | set(
        re.findall(r'<link[^>]*\brel="(?:stylesheet|manifest)"[^>]*\bhref="([^"]+)"', html))
    local = {path.split("?")[0] for path in loaded if not re.match(r"^(https?:)?//", path)}
    assert local and local <= shell(), sorted(local - shell())


def test_every_shell_file_exists():
    assert sorted(path for path in shell() if path != "./" and not (WEB / path).is_file()) == []
