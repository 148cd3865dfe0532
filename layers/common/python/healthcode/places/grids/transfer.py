"""The grid admin's change (网格管理员变更, guide 四(三)(1)6): the admin names the successor by name and ID number and
gets an identity code / link to share; the successor, logged in as that person, accepts and becomes the admin.

The rules are the places' (healthcode.places.admin.AdminTransfers, shared with venues and organizations): the offer
is stored under the token's hash with a 3-day TTL, names the successor by keyed hashes only, is answered alike
whether or not anyone holds that name and number, and a new offer voids the last. Accepting re-points the markers,
the grid and - for grids - the roster's `admin` (who may read the statistics and key persons) in one transaction.
"""

from __future__ import annotations

from typing import Any

from healthcode.core import ratelimit
from healthcode.core.errors import AlreadyGridAdmin
from healthcode.core.tx import Tx
from healthcode.models import Person, Place
from healthcode.places.admin import AdminTransfers
from healthcode.places.grids import DISSOLVING, GRID, roster
from healthcode.places.grids.grids import get_grid, grid_of_admin, no_such_grid


def _live_grid(place_id: str) -> Place:
    place = get_grid(place_id, consistent=True)
    if place.status == DISSOLVING:
        raise no_such_grid("token")
    return place


def _roster_admin(tx: Tx, place: Place, successor: str) -> None:
    tx.update("roster", roster.item(place.place_id), [roster.GridRoster.admin.set(successor)])


TRANSFERS = AdminTransfers(kind=GRID, prefix="grid", route="grids", thing="grid", a_thing="a grid", noun_zh="网格",
                           get=_live_grid, of_admin=grid_of_admin, already_admin=AlreadyGridAdmin,
                           offer_limit=ratelimit.VENUE_ADMIN_OFFER, also=_roster_admin)


def offer(place_id: str, admin_id: str, name: str, id_number: str, page_url: str) -> dict[str, Any]:
    """POST /v1/grids/{id}/admin-transfer {name, id_number}: 202 with the token and the identity code (a link)."""
    answer = TRANSFERS.offer(place_id, admin_id, name, "ID_CARD", id_number)
    link = f"{page_url.rstrip('/')}/grid.html#transfer={answer['token']}"
    return answer | {"qr": link, "link": link,
                     "message_zh": "已生成身份认证码。请将其截屏分享给继任网格管理员，由其本人登录后在有效期内确认接任。"}


def accept(token: str, person_id: str) -> Place:
    """POST /v1/grids/admin-transfer/{token}/accept; then the grid shows its new admin's masked name."""
    place = TRANSFERS.accept(token, person_id)
    successor = Person.get(person_id)
    details = dict(place.details or {}) | {"admin_name_masked": successor.name_masked,
                                           "admin_phone_masked": successor.phone_masked}
    place.update(actions=[Place.details.set(details)])
    return place
