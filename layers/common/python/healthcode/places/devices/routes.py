"""Scanner devices (数字哨兵): the venue admin registers, lists and revokes them; a device posts checks and reads
the keys it verifies codes with offline (healthcode.places.devices.scanners)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field

from healthcode.core import api, idempotency
from healthcode.core.errors import Unauthorized
from healthcode.identity.device_keys import DeviceIdentity
from healthcode.places.devices import scanners as devices

router = Router()
logger = Logger(child=True)
metrics = Metrics()


class RegisterDevice(api.Body):
    name: str = Field(min_length=1, max_length=40, description="What the admin calls the device, e.g. 东门哨兵")


class IdCard(api.Body):
    id_number: str = Field(min_length=1, max_length=32, description="Read from the card's chip; hashed for lookup, "
                                                                     "never stored or answered")
    name: str = Field(min_length=1, max_length=64, description="Read from the card's chip")


class DeviceCheck(api.Body):
    qr: str | None = Field(default=None, min_length=1, max_length=512,
                           description="A scanned code (resident, inbound or printed); or id_card")
    id_card: IdCard | None = None
    temperature_c: float = Field(description="Measured temperature in °C (30-45); FEVER from 37.3")
    measured_at: str = Field(min_length=1, max_length=40,
                             description="When it was measured (ISO 8601): places the check in its day and hour; at "
                                         "most 72 h ago")
    place_id: str | None = Field(default=None, max_length=64, description="Optional: must be the device's venue")


def _admin() -> str:
    return api.caller(router).person_id


def _device() -> DeviceIdentity:
    """The device, as the authorizer named it for a valid x-device-key; a session is refused."""
    context = (router.current_event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    if context.get("kind") != "device" or not context.get("person_id") or not context.get("place_id"):
        raise Unauthorized("A device key is required (x-device-key)", "缺少设备密钥")
    return DeviceIdentity(device_id=str(context["person_id"]), place_id=str(context["place_id"]),
                          name=str(context.get("device_name") or ""))


def _json(status: int, body: Any) -> Response[Any]:
    return Response(status_code=status, content_type="application/json", body=body)


@router.post("/v1/venues/<id>/devices", summary="Register a scanner device; its key is shown in this answer only",
             tags=["devices"], responses={201: {"description": "Registered: device_id and device_key (shown once)",
                                                "content": {"application/json": {"schema": {"type": "object"}}}}})
def post_device(id: str, body: RegisterDevice) -> Response[Any]:
    answer = devices.register(id, _admin(), body.name)
    logger.info("device registered", extra={"place_id": id, "device_id": answer["device_id"]})
    metrics.add_metric(name="DeviceRegistered", unit=MetricUnit.Count, value=1)
    return _json(201, answer)


@router.get("/v1/venues/<id>/devices", summary="The venue's scanner devices (revoked ones included)",
            tags=["devices"])
def get_devices(id: str) -> dict[str, Any]:
    return devices.list_devices(id, _admin())


@router.delete("/v1/venues/<id>/devices/<device_id>", summary="Revoke a device: its key is refused from now on",
               tags=["devices"])
def delete_device(id: str, device_id: str) -> dict[str, Any]:
    answer = devices.revoke(id, _admin(), device_id)
    logger.info("device revoked", extra={"place_id": id, "device_id": device_id})
    return answer


@router.post("/v1/device/checks", summary="A device's check: scanned code or ID card, measured temperature",
             tags=["devices"], responses={
                 201: {"description": "Recorded (or, for an unknown ID card, answered STOP and not recorded)",
                       "content": {"application/json": {"schema": {"type": "object"}}}},
                 200: {"description": "Already recorded under this Idempotency-Key: the first answer again",
                       "content": {"application/json": {"schema": {"type": "object"}}}}})
def post_device_check(body: DeviceCheck) -> Response[Any]:
    device = _device()
    key = idempotency.header_key(router.current_event.headers, required=True) or ""
    answer = devices.device_check(device, key, body.qr, body.id_card.id_number if body.id_card else None,
                                  body.temperature_c, body.measured_at, body.place_id)
    replayed = answer.get("replayed", False)
    logger.info("device check", extra={"place_id": device.place_id, "device_id": device.device_id,
                                       "decision": answer["decision"], "replayed": replayed})
    if not replayed and answer.get("recorded"):
        metrics.add_metric(name="DeviceCheck", unit=MetricUnit.Count, value=1)
    return _json(200 if replayed else 201, answer)


@router.get("/v1/device/keys", summary="The JWK Set a device verifies codes with offline, and the device's venue",
            tags=["devices"])
def get_device_keys() -> dict[str, Any]:
    return devices.device_keys(_device())
