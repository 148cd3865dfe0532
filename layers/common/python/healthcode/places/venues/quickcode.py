"""The printable quick check-in poster (葵花码): the venue's Q code inside a sunflower, with the venue's name, and
below it the small code that leads straight to the code page (guide 4.(二).2.(2).3: 若市民难于找到粤康码，可引导其扫描
“体温正常快速打卡”入口下方的小程序码直达粤康码页面).

Pillow and qrcode are imported here only, so functions that never draw do not load them. Chinese text needs a CJK
font: healthcode.codes.fonts (the fonts layer); without one the poster is drawn with Latin text only, and the code
itself is the same.
"""

from __future__ import annotations

import io
import math
from typing import Any

from healthcode.codes.fonts import cjk_font, cjk_font_path

WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
PETAL = (255, 193, 7)
PETAL_EDGE = (230, 145, 0)
GREEN = (0, 150, 80)


def _font(size: int) -> Any:
    return cjk_font(size)


def _centered(draw: Any, y: int, text: str, font: Any, fill: tuple[int, int, int]) -> None:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((WIDTH - (right - left)) // 2, y), text, font=font, fill=fill)


def _qr_image(text: str, size: int) -> Any:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_Q

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, box_size=10, border=2)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(fill_color=(0, 0, 0), back_color=(255, 255, 255)).convert("RGB")
    return image.resize((size, size), resample=0)  # nearest: keep modules crisp


def poster_png(qr_text: str, venue_name: str, region_name: str | None, code_page_url: str) -> bytes:
    from PIL import Image, ImageDraw

    cjk = cjk_font_path() is not None
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 220), fill=GREEN)
    _centered(draw, 50, "体温正常快速打卡" if cjk else "Quick check-in (normal temperature)", _font(84 if cjk else 56),
              (255, 255, 255))
    _centered(draw, 160, "粤康码 · 公共场所" if cjk else "Yuekang Code - public venue", _font(40), (230, 255, 240))

    cx, cy, radius = WIDTH // 2, 740, 370  # the sunflower: petals round a white disc that holds the code
    for i in range(24):
        angle = 2 * math.pi * i / 24
        px, py = cx + radius * 0.92 * math.cos(angle), cy + radius * 0.92 * math.sin(angle)
        petal = Image.new("RGBA", (230, 106), (0, 0, 0, 0))
        ImageDraw.Draw(petal).ellipse((0, 0, 229, 105), fill=PETAL + (255,), outline=PETAL_EDGE + (255,), width=4)
        petal = petal.rotate(-math.degrees(angle), expand=True)
        image.paste(petal, (int(px - petal.width / 2), int(py - petal.height / 2)), petal)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(255, 255, 255), outline=PETAL_EDGE,
                 width=8)
    side = int(radius * 1.3)
    image.paste(_qr_image(qr_text, side), (cx - side // 2, cy - side // 2))

    name_font = _font(60 if cjk else 44)
    _centered(draw, 1190, venue_name if cjk or venue_name.isascii() else "", name_font, (30, 30, 30))
    if region_name and cjk:
        _centered(draw, 1270, region_name, _font(36), (90, 90, 90))
    _centered(draw, 1330, "请使用粤省事扫码，默认体温正常" if cjk else "Scan with the app; temperature recorded as normal",
              _font(36 if cjk else 30), (90, 90, 90))

    # Below the entry: the code page, for whoever cannot find their code (a plain black code, apart from the flower).
    top, small = 1410, 300
    draw.line((80, top - 20, WIDTH - 80, top - 20), fill=(220, 220, 220), width=3)
    image.paste(_qr_image(code_page_url, small), (120, top))
    lines = (["找不到粤康码？", "扫此码直达粤康码页面", "（亲友可代为出示家庭成员的粤康码）"] if cjk
             else ["Cannot find your code?", "Scan this to open the code page"])
    for index, line in enumerate(lines):
        draw.text((120 + small + 50, top + 40 + index * 80), line, font=_font(48 if index < 2 else 32),
                  fill=(30, 30, 30) if index < 2 else (90, 90, 90))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
