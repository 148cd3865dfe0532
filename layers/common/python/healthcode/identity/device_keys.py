"""Device keys (x-device-key) as the authorizer checks them: kept apart from healthcode.places.devices.scanners so the authorizer
loads no more than it needs. A key is `ykd1.<device_id>.<secret>`; the auth table keeps `device#<device_id>` with
the key's SHA-256 (never the key), the venue (value) and the device's name."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from pynamodb.exceptions import DoesNotExist

from healthcode.core.errors import Unauthorized
from healthcode.core.pii import key_digest
from healthcode.models import AuthItem

ID_PREFIX = "dev_"
KEY_VERSION = "ykd1"


def auth_key(device_id: str) -> str:
    return f"device#{device_id}"


@dataclass(frozen=True)
class DeviceIdentity:
    device_id: str
    place_id: str
    name: str


def authenticate(key: str) -> DeviceIdentity:
    """The authorizer's check of an x-device-key: one consistent GetItem; 401 for anything else."""
    parts = key.split(".") if key and len(key) <= 200 else []
    if len(parts) != 3 or parts[0] != KEY_VERSION or not parts[1].startswith(ID_PREFIX):
        raise Unauthorized("Unknown device key", "设备密钥无效")
    try:
        item = AuthItem.get(auth_key(parts[1]), consistent_read=True)
    except DoesNotExist:
        raise Unauthorized("Unknown or revoked device key", "设备密钥无效或已停用") from None
    if not hmac.compare_digest(str((item.data or {}).get("key_hash", "")), key_digest(key)):
        raise Unauthorized("Unknown device key", "设备密钥无效")
    return DeviceIdentity(device_id=parts[1], place_id=str(item.value), name=str((item.data or {}).get("name", "")))
