"""Image captchas (图片验证码) that gate SMS codes: drawn with Pillow, stored hashed with a short TTL, used once.

Item in the auth table: `captcha#<captcha_id>` -> value = HMAC(lookup key, id + answer), expires_at = now + TTL.
The HMAC is keyed with the app secret, so a copy of the table cannot be brute-forced offline (the answer
space is small). A captcha is consumed by its first check, right or wrong, so one image buys one guess.

`dev_answer` serves the local gateway's GET /v1/dev/captcha/{id}, which lets the e2e tests (and a developer
with no eyes for the image) read the answer. The plain answer is kept next to the hash only while the SMS
provider is `dev` (the local stack and tests); with SNS nothing but the hash is ever stored, and
`dev_answer` answers None.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError

from healthcode.core import clock, pii
from healthcode.core.config import get_config
from healthcode.core.errors import CaptchaInvalid
from healthcode.models import AuthItem

# No 0/O, 1/I/L: characters a traveller could confuse on a small screen.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 5
TTL = timedelta(minutes=3)
WIDTH, HEIGHT = 240, 88  # drawn at 2x for sharp rendering on phones; shown at 120 x 44 CSS pixels


def _key(captcha_id: str) -> str:
    return f"captcha#{captcha_id}"


def _digest(captcha_id: str, answer: str) -> str:
    return hmac.new(pii.get_secret().lookup_key, f"captcha:{captcha_id}:{answer}".encode(), hashlib.sha256).hexdigest()


def _normalise(answer: str) -> str:
    return "".join((answer or "").split()).upper()


def create(now: datetime | None = None) -> tuple[str, bytes]:
    """A new captcha: its id and the PNG to show. The answer itself is never returned."""
    now = now or clock.now()
    captcha_id = secrets.token_urlsafe(18)
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    dev = {"dev_answer": answer} if get_config().sms_provider == "dev" else None
    AuthItem(key=_key(captcha_id), value=_digest(captcha_id, answer), data=dev, expires_at=now + TTL).save()
    return captcha_id, draw(answer)


def verify(captcha_id: str, answer: str, now: datetime | None = None) -> None:
    """Consume the captcha and accept it if the answer was right; otherwise CAPTCHA_INVALID (400)."""
    now = now or clock.now()
    try:
        item = AuthItem.get(_key(captcha_id), consistent_read=True)
    except AuthItem.DoesNotExist:
        raise CaptchaInvalid(field="captcha_answer") from None
    try:
        # Deleted before the answer is compared: a wrong guess burns the image as surely as a right one.
        item.delete(condition=AuthItem.value == item.value)
    except DeleteError:  # someone used it a moment ago
        raise CaptchaInvalid(field="captcha_answer") from None
    if item.expires_at is not None and item.expires_at <= now:
        raise CaptchaInvalid(field="captcha_answer")
    if not hmac.compare_digest(item.value or "", _digest(captcha_id, _normalise(answer))):
        raise CaptchaInvalid(field="captcha_answer")


def dev_answer(captcha_id: str) -> str | None:
    """The answer of a live captcha, for the local gateway only (None unless the SMS provider is `dev`)."""
    if get_config().sms_provider != "dev":
        return None
    try:
        item = AuthItem.get(_key(captcha_id), consistent_read=True)
    except AuthItem.DoesNotExist:
        return None
    if item.expires_at is not None and item.expires_at <= clock.now():
        return None
    return (item.data or {}).get("dev_answer")


def draw(answer: str) -> bytes:
    """The answer as a PNG: each character tilted and shifted on its own, over noise lines and dots."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = secrets.SystemRandom()
    image = Image.new("RGB", (WIDTH, HEIGHT), (rng.randint(232, 250), rng.randint(236, 250), rng.randint(240, 252)))
    pen = ImageDraw.Draw(image)
    for _ in range(6):
        pen.line([(rng.randint(0, WIDTH), rng.randint(0, HEIGHT)) for _ in range(3)],
                 fill=(rng.randint(120, 200), rng.randint(120, 200), rng.randint(120, 200)), width=rng.randint(1, 3))
    font = ImageFont.load_default(size=54)
    step = (WIDTH - 24) // max(1, len(answer))
    for index, char in enumerate(answer):
        tile = Image.new("RGBA", (step + 24, HEIGHT), (0, 0, 0, 0))
        colour = (rng.randint(10, 90), rng.randint(20, 90), rng.randint(60, 150), 255)
        ImageDraw.Draw(tile).text((12, HEIGHT // 2), char, font=font, fill=colour, anchor="lm")
        tile = tile.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(tile, (6 + index * step + rng.randint(-3, 3), rng.randint(-6, 6)), tile)
    for _ in range(160):
        x, y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        pen.point((x, y), fill=(rng.randint(60, 200), rng.randint(60, 200), rng.randint(60, 200)))
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
