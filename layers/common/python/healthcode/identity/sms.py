"""Sending SMS: Amazon SNS in production; locally a dev outbox the gateway shows at /v1/dev/sms."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Protocol

from healthcode.core import clock
from healthcode.core.aws import client
from healthcode.core.config import get_config
from healthcode.models import AuthItem

OUTBOX_KEEP = 20


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class SnsSms:
    def send(self, phone: str, text: str) -> None:
        client("sns").publish(PhoneNumber=phone, Message=text,
                              MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String",
                                                                         "StringValue": "Transactional"}})


class DevSms:
    """Keeps the last messages per phone in the auth table, so every process of the local stack sees them."""

    _lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        with self._lock:
            key = f"devsms#{phone}"
            try:
                item = AuthItem.get(key, consistent_read=True)
                messages = list(item.data or [])
            except AuthItem.DoesNotExist:
                messages = []
            messages.append({"phone": phone, "text": text, "sent_at": clock.iso(clock.now())})
            AuthItem(key=key, data=messages[-OUTBOX_KEEP:]).save()


@lru_cache(maxsize=1)
def get_sender() -> SmsSender:
    return DevSms() if get_config().sms_provider == "dev" else SnsSms()


def dev_outbox(phone: str | None) -> list[dict[str, str]]:
    """Messages the dev provider "sent" to a phone, newest last (local gateway only)."""
    if not phone:
        return []
    try:
        return list(AuthItem.get(f"devsms#{phone}", consistent_read=True).data or [])
    except AuthItem.DoesNotExist:
        return []
