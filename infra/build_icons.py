"""Draws the app icons of the installable pages (web/icon-192.png, web/icon-512.png): a white rounded QR-like mark
on the page's blue. Run `python -m infra.build_icons` after changing the look; the PNGs are committed."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

WEB = Path(__file__).resolve().parents[1] / "web"
BLUE = (31, 111, 229)
WHITE = (255, 255, 255)
GREEN = (7, 138, 63)
# a 7x7 finder pattern in three corners of a 21-module grid, and a few data modules: a QR code's look, no data
FINDERS = ((0, 0), (14, 0), (0, 14))
DATA = ((9, 9), (10, 11), (12, 9), (11, 13), (15, 15), (17, 16), (19, 18), (16, 19), (9, 15), (13, 18), (18, 12))


def icon(size: int) -> Image.Image:
    image = Image.new("RGB", (size, size), BLUE)
    draw = ImageDraw.Draw(image)
    pad = size // 6  # the safe zone of a maskable icon is the inner 80 %
    draw.rounded_rectangle((pad, pad, size - pad, size - pad), radius=size // 14, fill=WHITE)
    cell = (size - 2 * pad) // 25
    left = (size - cell * 21) // 2
    for fx, fy in FINDERS:
        x, y = left + fx * cell, left + fy * cell
        draw.rectangle((x, y, x + 7 * cell - 1, y + 7 * cell - 1), fill=GREEN)
        draw.rectangle((x + cell, y + cell, x + 6 * cell - 1, y + 6 * cell - 1), fill=WHITE)
        draw.rectangle((x + 2 * cell, y + 2 * cell, x + 5 * cell - 1, y + 5 * cell - 1), fill=GREEN)
    for mx, my in DATA:
        x, y = left + mx * cell, left + my * cell
        draw.rectangle((x, y, x + 2 * cell - 1, y + 2 * cell - 1), fill=GREEN)
    return image


def main() -> None:
    for size in (192, 512):
        icon(size).save(WEB / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
