"""What the routes of every kind of place share: the body of an admin transfer offer (更换管理员), and the routes of
the change awaiting its successor (seen and withdrawn by the admin, seen by the successor alike for venues,
organizations and grids)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import Field

from healthcode.core import api
from healthcode.places.admin import AdminTransfers


class OfferTransfer(api.Body):
    """The successor, named by name and document; an inbound traveller's document is refused naming id_type."""

    name: str = Field(min_length=1, max_length=64)
    id_type: Literal["ID_CARD", "HK_MACAU_PERMIT", "TAIWAN_PERMIT", "PASSPORT"] = "ID_CARD"
    id_number: str = Field(min_length=1, max_length=32)


def admin_transfer_routes(router: Router, kind: str, transfers: AdminTransfers,
                          view: Callable[..., dict[str, Any]]) -> None:
    """GET /v1/<kind>/{id}/admin-transfer (the change awaiting the successor: masked name, until when, or null; the
    token is not shown again) and DELETE (withdraw it: 204, its link accepts no more; 404 naming id when none), for
    the place's admin only; GET /v1/<kind>/admin-transfer/{token}, for the successor it names: the place as `view`
    shows it to anyone bound to it, and until when the offer holds. (Accepting differs by kind: each registers its
    own.)"""

    @router.get(f"/v1/{kind}/<id>/admin-transfer", summary="The admin change awaiting the successor, if any",
                tags=[kind])
    def get_admin_transfer(id: str) -> dict[str, Any]:
        return transfers.pending(id, api.caller(router).person_id)

    @router.delete(f"/v1/{kind}/<id>/admin-transfer", summary="Withdraw the pending admin change", tags=[kind],
                   responses={204: {"description": "Withdrawn"}})
    def delete_admin_transfer(id: str) -> Response[None]:
        transfers.cancel(id, api.caller(router).person_id)
        return Response(status_code=204)

    @router.get(f"/v1/{kind}/admin-transfer/<token>",
                summary=f"The {transfers.thing} whose admin role is offered to me, before I accept", tags=[kind])
    def get_offered_transfer(token: str) -> dict[str, Any]:
        return transfers.offered(token, api.caller(router).person_id, view)
