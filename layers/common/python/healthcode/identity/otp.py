"""One-time SMS codes: 6 digits, 5 minutes, single use; one send per phone per 60 s and a daily cap;
five wrong codes lock the phone for 15 minutes (429 with Retry-After), even for the right code.

Used by inbound re-login and PC admin login (purpose "login") and the itinerary card ("itinerary").
All state lives in the auth table under keyed hashes of the phone; every read checks `expires_at`
because DynamoDB deletes expired items late (and moto never does).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from healthcode.core import clock, pii, ratelimit
from healthcode.core.errors import SmsCodeInvalid, TooManyRequests
from healthcode.identity.sms import get_sender
from healthcode.models import AuthItem

CODE_TTL = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
DAILY_CAP = 10
MAX_ATTEMPTS = 5
LOCK_FOR = timedelta(minutes=15)


def _keys(purpose: str, phone: str) -> dict[str, str]:
    ref = pii.lookup_hash("phone", phone)
    return {"code": f"otp#{purpose}#{ref}", "send": f"otp-send#{purpose}#{ref}", "lock": f"otp-lock#{purpose}#{ref}",
            "day": f"otp-day#{purpose}#{ref}"}


def _digest(phone: str, code: str) -> str:
    return hmac.new(pii.get_secret().lookup_key, f"otp:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _seconds_left(item: AuthItem, now: datetime) -> int:
    return int((item.expires_at - now).total_seconds()) + 1


def _live(key: str, now: datetime) -> AuthItem | None:
    try:
        item = AuthItem.get(key, consistent_read=True)
    except AuthItem.DoesNotExist:
        return None
    return item if item.expires_at is None or item.expires_at > now else None


def check_not_locked(purpose: str, phone: str, now: datetime | None = None) -> None:
    now = now or clock.now()
    lock = _live(_keys(purpose, phone)["lock"], now)
    if lock is not None:
        raise TooManyRequests(_seconds_left(lock, now), "Too many wrong codes; this phone is locked for a while",
                              "验证码错误次数过多，请稍后再试")


def send_code(purpose: str, phone: str, text_template: str = "【粤康码】您的验证码为{code}，5分钟内有效。",
              now: datetime | None = None) -> None:
    now = now or clock.now()
    keys = _keys(purpose, phone)
    check_not_locked(purpose, phone, now)
    # One send per 60 s: a conditional put that only succeeds when the window item is absent or expired.
    window = AuthItem(key=keys["send"], expires_at=now + RESEND_AFTER)
    try:
        window.save(condition=AuthItem.key.does_not_exist() | (AuthItem.expires_at <= now))
    except PutError:
        current = _live(keys["send"], now)
        raise TooManyRequests(_seconds_left(current, now) if current else 60,
                              "Please wait before asking for another code", "发送过于频繁，请60秒后再试") from None
    day = AuthItem(key=f"{keys['day']}#{clock.local_date(now).isoformat()}")
    try:
        day.update(actions=[AuthItem.count.add(1), AuthItem.expires_at.set(now + timedelta(days=2))],
                   condition=AuthItem.count.does_not_exist() | (AuthItem.count < DAILY_CAP))
    except UpdateError:
        tomorrow = datetime.combine(clock.local_date(now) + timedelta(days=1), datetime.min.time(), clock.SHANGHAI)
        raise TooManyRequests(int((tomorrow - now).total_seconds()), "Daily limit of SMS codes reached",
                              "今日验证码发送次数已达上限") from None
    code = f"{secrets.randbelow(10**6):06d}"
    AuthItem(key=keys["code"], value=_digest(phone, code), count=0, expires_at=now + CODE_TTL).save()
    get_sender().send(phone, text_template.format(code=code))


def verify_code(purpose: str, phone: str, code: str, now: datetime | None = None) -> None:
    """Accept the code once, or raise SMS_CODE_INVALID (400) / TOO_MANY_REQUESTS (429, locked).

    The attempt is reserved first (`reserve_attempt`); only a reserved attempt compares the code, so at most
    MAX_ATTEMPTS codes are ever compared per phone and lock period, however many requests arrive at once.
    """
    now = now or clock.now()
    keys = _keys(purpose, phone)
    attempts_key = f"{keys['lock']}#attempts"
    attempt = ratelimit.reserve_attempt(attempts_key, MAX_ATTEMPTS, LOCK_FOR, now)
    if attempt is None:  # the MAX_ATTEMPTS-th wrong code was typed: locked until the attempts expire (the lock item
        # says the same to send_code; it is written with them)
        raise TooManyRequests(ratelimit.seconds_until_free(attempts_key, now, LOCK_FOR),
                              "Too many wrong codes; this phone is locked for a while", "验证码错误次数过多，请稍后再试")
    stored = _live(keys["code"], now)
    if stored is not None and hmac.compare_digest(stored.value or "", _digest(phone, str(code))):
        try:
            stored.delete(condition=AuthItem.value == stored.value)  # single use, even under a race
        except DeleteError:
            raise SmsCodeInvalid(field="sms_code") from None
        ratelimit.release_attempt(attempts_key)  # only wrong codes count towards the lock
        return
    if attempt >= MAX_ATTEMPTS:
        AuthItem(key=keys["lock"], expires_at=now + LOCK_FOR).save()
        if stored is not None:
            try:
                stored.delete()
            except DeleteError:
                pass
        raise TooManyRequests(int(LOCK_FOR.total_seconds()), "Too many wrong codes; this phone is locked for 15 minutes",
                              "验证码错误次数过多，已锁定15分钟")
    raise SmsCodeInvalid(field="sms_code")
