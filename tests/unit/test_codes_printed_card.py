"""The printable black card: what it encodes, how it is drawn, and when code_images draws it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from healthcode.codes import printed as printed_codes
from PIL import Image

QR = "YKM1.k20261127ab12.eyJ0IjoiUCIsInMiOiIwMUpERU1PMDAwMDAwMDAwMDAwMDAwMDAwIiwidiI6MSwiaWF0IjoxNzk1NzkyMzEwfQ." + "A" * 86


def test_the_card_decodes_to_exactly_the_signed_text():
    import zxingcpp

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(printed_codes.render_card(QR, "张*丰", date(2026, 11, 27)))))
    assert [(r.text, str(r.format)) for r in found] == [(QR, "QR Code")]


def test_the_card_is_a_black_and_white_png_for_printing():
    image = Image.open(io.BytesIO(printed_codes.render_card(QR, "张*丰", date(2026, 11, 27))))
    assert image.format == "PNG" and image.mode == "1"
    assert image.width >= 500 and image.height > image.width


def test_the_qr_uses_the_fixed_mask_pattern():
    import qrcode

    symbol = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=printed_codes.QR_MASK)
    symbol.add_data(QR, optimize=0)
    symbol.make(fit=True)
    drawn = printed_codes.qr_image(QR, box=1, border=4)
    expected = symbol.get_matrix()
    assert drawn.size == (len(expected), len(expected))
    assert [[drawn.getpixel((x, y)) == 0 for x in range(drawn.width)] for y in range(drawn.height)] == expected


def test_the_fonts_layer_font_is_found_and_draws_every_gb2312_hanzi():
    from healthcode.codes.fonts import cjk_font_path
    from PIL import ImageFont

    path = cjk_font_path()
    assert path is not None and path.endswith("yk-cjk.ttf")
    font = ImageFont.truetype(path, 20)
    for name in ("张*丰", "欧阳*娜", "龚*"):
        assert all(font.getmask(ch).getbbox() for ch in name if ch != "*")


@pytest.mark.parametrize("event,old,new,renders", [
    ("INSERT", None, {"person_id": "p", "color": "GREEN", "code_version": 1}, True),
    ("MODIFY", {"person_id": "p", "color": "GREEN", "code_version": 1},
     {"person_id": "p", "color": "RED", "code_version": 1}, True),
    ("MODIFY", {"person_id": "p", "color": "RED", "code_version": 1},
     {"person_id": "p", "color": "RED", "code_version": 2}, True),
    ("MODIFY", {"person_id": "p", "color": "RED", "code_version": 1, "phone_masked": None},
     {"person_id": "p", "color": "RED", "code_version": 1, "phone_masked": "139****0000"}, False),
    ("REMOVE", {"person_id": "p", "color": "RED", "code_version": 1}, None, False),
])
def test_code_images_renders_only_when_colour_or_code_version_changes(monkeypatch, event, old, new, renders):
    drawn, deleted = [], []
    monkeypatch.setattr(printed_codes, "store_card", lambda pid, version, name: drawn.append((pid, version)) or "k")
    monkeypatch.setattr(printed_codes, "client", lambda service: type("S3", (), {
        "delete_object": staticmethod(lambda **kw: deleted.append(kw["Key"]))}))
    monkeypatch.setattr(printed_codes, "get_config", lambda: type("C", (), {"code_bucket": "b"}))
    printed_codes.on_person_change(event, old, new)
    assert bool(drawn) is renders
    assert deleted == (["codes/p/v1.png"] if renders and old and old["code_version"] != new["code_version"] else [])
