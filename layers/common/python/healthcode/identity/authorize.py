"""The REQUEST authorizer's decision: a session JWT for people, a hashed API key for partner feeds, a hashed
device key (x-device-key) for a venue's scanner devices on /v1/device/ (healthcode.places.devices.scanners)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pynamodb.exceptions import DoesNotExist

from healthcode.core.errors import Unauthorized
from healthcode.core.pii import key_digest
from healthcode.identity import sessions
from healthcode.models import AuthItem

PARTNER_PREFIXES = ("/v1/feeds/",)
DEVICE_PREFIXES = ("/v1/device/",)


@dataclass(frozen=True)
class Principal:
    principal_id: str
    kind: str  # "session" | "partner" | "device"
    roles: tuple[str, ...]
    context: dict[str, str] = field(default_factory=dict)  # more for the handler (a device's venue and name)


def is_partner_path(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in PARTNER_PREFIXES)


def decide(path: str, headers: dict[str, str]) -> Principal:
    """Who is calling this path, or Unauthorized (API Gateway answers 401)."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    if any(path.startswith(prefix) for prefix in DEVICE_PREFIXES):  # devices only; a session is refused here
        from healthcode.identity.device_keys import authenticate

        key = lowered.get("x-device-key", "")
        if not key:
            raise Unauthorized("A device key is required (x-device-key)", "缺少设备密钥")
        device = authenticate(key)
        return Principal(principal_id=device.device_id, kind="device", roles=("device",),
                         context={"place_id": device.place_id, "device_name": device.name})
    if is_partner_path(path):
        key = lowered.get("x-api-key", "")
        if not key or len(key) > 256:
            raise Unauthorized("A partner API key is required", "缺少接口密钥")
        try:
            item = AuthItem.get(f"apikey#{key_digest(key)}")
        except DoesNotExist:
            raise Unauthorized("Unknown API key", "接口密钥无效") from None
        return Principal(principal_id=f"partner:{item.value}", kind="partner", roles=("partner",))
    authorization = lowered.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    session = sessions.verify(token.strip())
    return Principal(principal_id=session.person_id, kind="session", roles=session.roles)
