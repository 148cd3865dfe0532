"""Rebuild layers/fonts/fonts/yk-cjk.ttf: WenQuanYi Micro Hei subset to GB2312, ASCII and CJK punctuation."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
TARGET = Path(__file__).resolve().parent.parent / "layers" / "fonts" / "fonts" / "yk-cjk.ttf"


def characters() -> str:
    chars = {chr(c) for c in range(0x20, 0x7F)} | set("：，。、；！？（）【】《》“”‘’—…·＊")
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(sorted(chars))


def main() -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as text:
        text.write(characters())
    subprocess.run([sys.executable, "-m", "fontTools.subset", str(SOURCE), "--font-number=0",
                    f"--text-file={text.name}", f"--output-file={TARGET}", "--no-hinting", "--desubroutinize"],
                   check=True)
    print(f"{TARGET}: {TARGET.stat().st_size} bytes")


if __name__ == "__main__":
    main()
