"""Venue admin and inspector routes (section 4.(二), FAQ (三)): venues, members, admin transfer, bindings, statistics,
the quick check-in code. Checks themselves are in routes/checks.py (the venue_checks function)."""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import Field

from healthcode.core import api
from healthcode.core.config import get_config
from healthcode.core.ranges import parse_range
from healthcode.identity.roles import refuse_inbound
from healthcode.places.routes import OfferTransfer, admin_transfer_routes
from healthcode.places.venues import VENUE_TYPES, checks, inspectors, places, quickcode, stats
from healthcode.places.venues.regions import parse_region

router = Router()
metrics = Metrics()

VenueType = Literal["RESIDENTIAL", "OFFICE", "SHOPPING_MALL", "RESTAURANT", "HOTEL", "ENTERTAINMENT", "SPORTS",
                    "TRANSPORT", "OTHER"]
assert set(VenueType.__args__) == set(VENUE_TYPES)  # type: ignore[attr-defined]


class CreateVenue(api.Body):
    region_code: str = Field(min_length=1, max_length=16, description="9 digits: county code (GB/T 2260) + township")
    address: str = Field(min_length=1, max_length=200)
    type: VenueType
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=1, max_length=32)


class EditVenue(api.Body):
    region_code: str | None = Field(default=None, min_length=1, max_length=16)
    address: str | None = Field(default=None, min_length=1, max_length=200)
    type: VenueType | None = None
    name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, min_length=1, max_length=32)


class JoinVenue(api.Body):
    join_code: str = Field(min_length=1, max_length=32, description="场所申报码, as the venue admin shared it")


def _me() -> str:
    return api.caller(router).person_id


def _staff() -> str:
    """The caller, who is to become a venue's admin or inspector: not with the inbound travellers' code."""
    who = api.caller(router)
    refuse_inbound(who.roles)  # 403 INBOUND_CODE_ONLY: a real-name check never opens or inspects a venue
    return who.person_id


# ---------------------------------------------------------------- venue admin


@router.post("/v1/venues", summary="Create my venue (one venue per admin, one admin per venue)", tags=["venues"],
             status_code=201)
def post_venue(body: CreateVenue) -> Response[dict[str, Any]]:
    place = places.create_venue(_staff(), body.region_code, body.address, body.type, body.name, body.phone)
    metrics.add_metric(name="VenueCreated", unit=MetricUnit.Count, value=1)
    return Response(status_code=201, content_type="application/json",
                    body=places.view(place, for_admin=True))


@router.get("/v1/venues/mine", summary="The venue I administer, with its join code (场所申报码)", tags=["venues"])
def get_my_venue() -> dict[str, Any]:
    return places.view(places.venue_of(_me()), for_admin=True)


@router.patch("/v1/venues/<id>", summary="Edit my venue (once per natural week)", tags=["venues"])
def patch_venue(id: str, body: EditVenue) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    if any(value is None for value in changes.values()):
        from healthcode.core.errors import ValidationFailed

        field = next(k for k, v in changes.items() if v is None)
        raise ValidationFailed(f"{field} cannot be null", "字段不能为空", field=field)
    edited = places.edit_venue(id, _me(), changes)
    metrics.add_metric(name="VenueEdited", unit=MetricUnit.Count, value=1)
    return places.view(edited, for_admin=True)


@router.get("/v1/venues/<id>/stats", summary="My venue's statistics (counts only); with from= a daily series",
            tags=["venues"])
def get_venue_stats(
    id: str,
    date: Annotated[str | None, Query(max_length=10)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=10, description=(
        "first day of a range (YYYY-MM-DD): the answer adds daily[] and range"))] = None,
    to: Annotated[str | None, Query(max_length=10, description=(
        "last day of the range (YYYY-MM-DD), today when absent; at most 366 days from `from`"))] = None,
) -> dict[str, Any]:
    days = parse_range(from_, to)
    return stats.venue_stats(id, _me(), stats.parse_day(date), days)


@router.get("/v1/venues/<id>/members", summary="The admin and the inspectors (masked names)", tags=["venues"])
def get_members(
    id: str,
    limit: api.Limit = 50,
    cursor: api.Cursor = None,
) -> dict[str, Any]:
    return api.paged(places.members(id, _me(), limit, api.decode_cursor(cursor)))


@router.delete("/v1/venues/<id>/inspectors/<person_id>", summary="Unbind an inspector", tags=["venues"],
               responses={204: {"description": "Unbound"}})
def delete_inspector(id: str, person_id: str) -> Response[None]:
    places.unbind_inspector(id, _me(), person_id)
    metrics.add_metric(name="InspectorUnbound", unit=MetricUnit.Count, value=1)
    return Response(status_code=204)


@router.get("/v1/venues/<id>/revocations", summary="The people I unbound, whom the join code no longer admits",
            tags=["venues"])
def get_revocations(
    id: str,
    limit: api.Limit = 50,
    cursor: api.Cursor = None,
) -> dict[str, Any]:
    return api.paged(places.revocations(id, _me(), limit, api.decode_cursor(cursor)))


@router.delete("/v1/venues/<id>/revocations/<person_id>",
               summary="Readmit an unbound person: the join code admits them again (they bind themselves)",
               tags=["venues"], responses={204: {"description": "Readmitted"}})
def delete_revocation(id: str, person_id: str) -> Response[None]:
    places.readmit(id, _me(), person_id)
    return Response(status_code=204)


@router.post("/v1/venues/<id>/admin-transfer", summary="Offer the admin role to another person (更换绑定)",
             description="Recorded and answered alike whether or not anyone holds that name and document number "
                         "(202): the person named accepts with the link; acceptance checks it is them.",
             tags=["venues"], status_code=202)
def post_admin_transfer(id: str, body: OfferTransfer) -> Response[dict[str, Any]]:
    offer = places.offer_transfer(id, _me(), body.name, body.id_type, body.id_number)
    metrics.add_metric(name="VenueAdminTransferOffered", unit=MetricUnit.Count, value=1)
    return Response(status_code=202, content_type="application/json", body=offer)


admin_transfer_routes(router, "venues", places.TRANSFERS, places.view)


@router.post("/v1/venues/admin-transfer/<token>/accept", summary="Accept the admin role offered to me",
             tags=["venues"])
def post_accept_transfer(token: str) -> dict[str, Any]:
    accepted = places.accept_transfer(token, _staff())
    metrics.add_metric(name="VenueAdminTransferAccepted", unit=MetricUnit.Count, value=1)
    return places.view(accepted, for_admin=True)


# ---------------------------------------------------------------- inspector


@router.post("/v1/venues/join", summary="Bind to a venue with its join code (become its inspector)",
             tags=["inspector"], status_code=201)
def post_join(body: JoinVenue) -> Response[dict[str, Any]]:
    joined = inspectors.join(_staff(), body.join_code)
    metrics.add_metric(name="InspectorJoined", unit=MetricUnit.Count, value=1)
    return Response(status_code=201, content_type="application/json", body=joined)


@router.get("/v1/inspector/venues", summary="The venues I am bound to", tags=["inspector"])
def get_inspector_venues(
    limit: api.Limit = 50,
    cursor: api.Cursor = None,
) -> dict[str, Any]:
    return api.page(*inspectors.my_venues(_me(), limit, api.decode_cursor(cursor)))


@router.delete("/v1/inspector/venues/<id>", summary="Unbind myself from a venue", tags=["inspector"],
               responses={204: {"description": "Unbound"}})
def delete_inspector_venue(id: str) -> Response[None]:
    inspectors.leave(_me(), id)
    metrics.add_metric(name="InspectorLeft", unit=MetricUnit.Count, value=1)
    return Response(status_code=204)


@router.get("/v1/inspector/stats", summary="My checks today and cumulative, per venue and in total",
            tags=["inspector"])
def get_inspector_stats(date: Annotated[str | None, Query(max_length=10)] = None) -> dict[str, Any]:
    return stats.inspector_stats(_me(), stats.parse_day(date))


@router.get("/v1/venues/<id>/quick-code", summary="The venue's quick check-in code (葵花码), JSON or PNG",
            tags=["inspector"], responses={200: {"description": "The code as JSON, or the poster with format=png",
                                                  "content": {"application/json": {"schema": {"type": "object"}},
                                                              "image/png": {"schema": {"type": "string",
                                                                                       "format": "binary"}}}}})
def get_quick_code(id: str, format: Annotated[Literal["json", "png"], Query()] = "json"):  # noqa: A002, ANN201
    # No return annotation on purpose: Powertools then passes the PNG bytes through untouched (base64 for the gateway).
    place = inspectors.require_member(id, _me())
    qr = checks.quick_code_text(place)
    region = parse_region(place.region_code).name if place.region_code else None
    poster = quickcode.poster_png(qr, place.name, region, code_page_url())
    metrics.add_metric(name="QuickCodeIssued", unit=MetricUnit.Count, value=1)
    if format == "png":
        return Response(status_code=200, content_type="image/png", body=poster,
                        headers={"Content-Disposition": f'inline; filename="quick-checkin-{place.place_id}.png"'})
    return {"place_id": place.place_id, "name": place.name, "qr": qr, "code_page_url": code_page_url(),
            "png_path": f"/v1/venues/{place.place_id}/quick-code?format=png",
            "png_base64": base64.b64encode(poster).decode()}


def code_page_url() -> str:
    """The residents' code page the poster leads to."""
    return api.page_url(router, get_config().code_page_url, "/")
