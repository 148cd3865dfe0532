"""The CJK font for what we draw (printable codes, the 葵花码 poster): the fonts layer, found once."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from healthcode.core.config import get_config

FONT_FILE = "yk-cjk.ttf"
CANDIDATES = (
    Path("/opt/fonts") / FONT_FILE,  # the fonts layer in Lambda
    Path(__file__).resolve().parents[4] / "fonts" / "fonts" / FONT_FILE,  # layers/fonts in a checkout
)


@cache
def cjk_font_path() -> str | None:
    configured = get_config().cjk_font
    for candidate in ((Path(configured),) if configured else ()) + CANDIDATES:
        if candidate.is_file():
            return str(candidate)
    return None


@cache
def cjk_font(size: int) -> Any:
    """A Pillow font of that size; Pillow's built-in font (Latin only) when no CJK font is present."""
    from PIL import ImageFont

    path = cjk_font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)
