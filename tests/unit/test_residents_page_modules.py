"""The resident page's modules (web/resident/): each view main.js lists has its section and its entry in the
services, and the login form cannot be sent before the modules have run."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"


def index() -> str:
    return (WEB / "index.html").read_text(encoding="utf-8")


def views() -> list[str]:
    main = (WEB / "resident" / "main.js").read_text(encoding="utf-8")
    listed = re.search(r"const VIEWS = \[([^\]]*)\]", main)
    assert listed, "main.js lists its views in const VIEWS = [...]"
    ids = []
    for name in (n.strip() for n in listed.group(1).split(",")):
        module = re.search(rf'^import {name}\b.* from "\./([\w-]+\.js)";', main, re.M)
        assert module, f"main.js imports the view {name}"
        source = (WEB / "resident" / module.group(1)).read_text(encoding="utf-8")
        ids.append(re.search(r'export default \{ id: "([\w-]+)"', source).group(1))
    return ids


def test_every_view_has_its_section_and_its_service_button():
    page = index()
    listed = views()
    assert {"family", "records", "declare", "itinerary", "macau", "orgs"} <= set(listed)
    for view in listed:
        assert f'<section id="{view}-view"' in page, view
        assert f'data-view="{view}"' in page, view


def test_the_login_button_ships_disabled_until_the_page_module_enables_it():
    # a tap before the modules ran would send the form natively (GET index.html?id_number=...): the ID in the URL
    button = re.search(r"<button[^>]*\bid=\"login-submit\"[^>]*>", index())
    assert button and re.search(r"\sdisabled[\s>]", button.group(0))
    assert "el.loginSubmit.disabled = false" in (WEB / "resident" / "login.js").read_text(encoding="utf-8")
