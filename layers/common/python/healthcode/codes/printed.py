"""The printable black code (实体粤康码, section 2.(三).2): rendering the card, keeping it in S3, re-issuing it.

The card is rendered by code_images from the people stream whenever a person's colour or code version changes
(never on a display request) and stored at `codes/<person_id>/v<code_version>.png`. It carries a P-type code
signed for the current code version, the masked name, the issue date and one line of instructions. Re-issuing
bumps Person.code_version: the old printout is then refused as revoked by codes.person_from_code.
"""

from __future__ import annotations

import io
import time
from datetime import date, datetime
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from pynamodb.exceptions import UpdateError

from healthcode.codes.fonts import cjk_font
from healthcode.codes.tokens import CodeType, get_keyring
from healthcode.core import clock
from healthcode.core.aws import client
from healthcode.core.config import get_config
from healthcode.core.errors import CardNotReady
from healthcode.identity.people import get as get_person
from healthcode.models import Person

logger = Logger(child=True)
metrics = Metrics()  # flushed by the function's @observed (core.handlers)

INSTRUCTIONS = "请随身携带，出示供检测员扫描；遗失请在粤康码中重新生成。"
TITLE = "粤康码 · 实体码"
URL_SECONDS = 300
CARD_WAIT_SECONDS = 5.0
QR_MASK = 4  # a fixed mask pattern: qrcode otherwise tries all eight and scores each (~10x slower)


def card_key(person_id: str, code_version: int) -> str:
    return f"codes/{person_id}/v{int(code_version)}.png"


# ------------------------------------------------------------------------------------------------ drawing

def _font(size: int) -> Any:
    return cjk_font(size)


@cache
def _qr_version(length: int) -> int:
    """The smallest QR version holding `length` bytes at level M (codes of one deployment all have one length)."""
    import qrcode

    symbol = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=QR_MASK)
    symbol.add_data("a" * length, optimize=0)  # 8-bit mode, as every code is (lower-case letters)
    symbol.make(fit=True)
    return int(symbol.version)


def qr_image(text: str, box: int = 6, border: int = 4) -> Any:
    """The QR symbol as a black-on-white Pillow image, drawn from the module matrix in one step."""
    import qrcode
    from PIL import Image

    symbol = qrcode.QRCode(version=_qr_version(len(text.encode())), error_correction=qrcode.constants.ERROR_CORRECT_M,
                           border=border, mask_pattern=QR_MASK)
    symbol.add_data(text, optimize=0)
    symbol.make(fit=False)
    matrix = symbol.get_matrix()
    side = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    return Image.frombytes("L", (side, side), pixels).resize((side * box, side * box), Image.Resampling.NEAREST)


@cache
def _blank_card(qr_side: int) -> Any:
    """Everything on the card that never changes (frame, title, instructions), drawn once per container."""
    from PIL import Image, ImageDraw

    width, height = max(qr_side + 80, 560), qr_side + 230
    card = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(card)
    draw.rectangle((6, 6, width - 7, height - 7), outline=0, width=3)
    draw.text((width // 2, 40), TITLE, font=_font(30), fill=0, anchor="mm")
    draw.text((width // 2, 70 + qr_side + 116), INSTRUCTIONS, font=_font(17), fill=0, anchor="mm")
    return card


def render_card(qr: str, name_masked: str, issued_on: date) -> bytes:
    """PNG (1 bit per pixel, for printing) of the black card: title, QR, masked name, issue date, instructions."""
    from PIL import Image, ImageDraw

    symbol = qr_image(qr)
    card = _blank_card(symbol.width).copy()
    width = card.width
    card.paste(symbol, ((width - symbol.width) // 2, 70))
    draw = ImageDraw.Draw(card)
    y = 70 + symbol.height + 20
    draw.text((width // 2, y + 16), f"姓名：{name_masked}", font=_font(26), fill=0, anchor="mm")
    draw.text((width // 2, y + 56), f"签发日期：{issued_on.isoformat()}", font=_font(20), fill=0, anchor="mm")
    out = io.BytesIO()
    card.convert("1", dither=Image.Dither.NONE).save(out, format="PNG", compress_level=1)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ storing

def _changed(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    if not old:
        return True
    return old.get("color") != new.get("color") or int(old.get("code_version", 1)) != int(new.get("code_version", 1))


def store_card(person_id: str, code_version: int, name_masked: str, now: datetime | None = None) -> str:
    """Sign a P code for this version, draw the card, put it in the bucket; returns the key."""
    now = now or clock.now()
    qr = get_keyring().sign(CodeType.PHYSICAL, person_id, int(code_version), int(now.timestamp()))
    key = card_key(person_id, code_version)
    client("s3").put_object(Bucket=get_config().code_bucket, Key=key, Body=render_card(qr, name_masked,
                                                                                        clock.local_date(now)),
                            ContentType="image/png", Metadata={"code-version": str(int(code_version))})
    return key


def on_person_change(event_name: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> str | None:
    """code_images' decision for one people-stream record: render when the colour or the code version changed."""
    if event_name == "REMOVE" or not new:
        return None
    if not _changed(old, new):
        return None
    key = store_card(new["person_id"], int(new.get("code_version", 1)), new.get("name_masked", ""))
    if old and int(old.get("code_version", 1)) != int(new.get("code_version", 1)):
        client("s3").delete_object(Bucket=get_config().code_bucket,
                                   Key=card_key(new["person_id"], int(old.get("code_version", 1))))
    logger.info("printable code rendered", extra={"person_id": new["person_id"], "key": key})
    metrics.add_metric(name="PrintedCodeRendered", unit=MetricUnit.Count, value=1)
    return key


@cache
def _presigner() -> Any:
    """An S3 client that signs URLs with SigV4 (required in the China regions and for KMS-encrypted objects)."""
    import boto3
    from botocore.config import Config

    cfg = get_config()
    return boto3.session.Session().client("s3", region_name=cfg.region, endpoint_url=cfg.endpoint_url,
                                          config=Config(signature_version="s3v4"))


def _stored(s3: Any, bucket: str, key: str) -> bool:
    """Is the card there? Asked by listing its exact key: the function may list `codes/` only (s3:prefix), and
    S3 answers a HEAD of a missing object 403, not 404, to a caller that may not list the bucket."""
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
    return any(item["Key"] == key for item in listed.get("Contents", []))


def card_of(subject: str, as_url: bool) -> tuple[bytes | None, str | None]:
    """The stored card of the person's current code version: its bytes, or a short-lived URL.

    A card is drawn a moment after the person appears or their code is re-issued; a request in that moment
    waits up to CARD_WAIT_SECONDS for it (never drawing it itself), then answers CARD_NOT_READY.
    """
    person = get_person(subject)
    key = card_key(subject, int(person.code_version))
    s3 = client("s3")
    bucket = get_config().code_bucket
    deadline = time.monotonic() + CARD_WAIT_SECONDS
    while not _stored(s3, bucket, key):
        if time.monotonic() >= deadline:
            raise CardNotReady(headers={"Retry-After": "2"})
        time.sleep(0.25)
    if as_url:
        return None, _presigner().generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                                         ExpiresIn=URL_SECONDS)
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read(), None


def reissue(subject: str) -> int:
    """Bump the code version (optimistic lock, retried): every earlier printout and screen code is revoked."""
    for _ in range(5):
        person = get_person(subject)
        try:
            person.update(actions=[Person.code_version.add(1)])
        except UpdateError as exc:
            if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
                continue
            raise
        return int(person.code_version)
    raise RuntimeError("person kept changing while re-issuing the code")
