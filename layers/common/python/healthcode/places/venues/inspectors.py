"""Inspectors (检测员): bind to venues with the join code, list and leave them.

A binding is the relation `VENUE#<place_id>` owned by the inspector (many venues per inspector, many inspectors
per venue); the inverse index lists a venue's inspectors, and the venue's roster in the stats table
(healthcode.places.venues.roster) lists them too, written in the same transactions (for the one-read statistics).
Anyone holding such a relation is an inspector of that venue, for checks here and for POST /v1/scan elsewhere.
"""

from __future__ import annotations

from typing import Any

from healthcode.core import clock, ratelimit
from healthcode.core.errors import AlreadyBound, Forbidden, JoinRevoked, NotFound
from healthcode.core.paging import start_key
from healthcode.core.tx import Cancelled, Tx, commit_retrying
from healthcode.models import Person, Place, Relation
from healthcode.places.admin import place_by_join_code
from healthcode.places.venues import UNBOUND, VENUE, roster
from healthcode.places.venues.places import get_venue, normalise_join_code, view


def venue_by_join_code(join_code: str) -> Place:
    """The venue holding this code, read consistently through the join-code marker (a code shared the moment the
    venue is created works at once; the places index would be eventually consistent)."""
    place = place_by_join_code(normalise_join_code(join_code), VENUE)
    if place is None:
        raise NotFound("No venue has this join code", "场所申报码不存在", field="join_code")
    return place


def join(person_id: str, join_code: str) -> dict[str, Any]:
    """Bind as an inspector (the binding and the venue's roster line in one transaction). An inspector the admin unbound is refused (JOIN_REVOKED) — except the venue's own
    admin, who may always bind as an inspector of their venue (FAQ (三) 11), and whose old tombstone is cleared."""
    ratelimit.take_per_person(ratelimit.JOIN_CODE, person_id)  # join codes are not to be guessed without end
    place = venue_by_join_code(join_code)
    person = Person.get(person_id)
    binding = Relation.make(person_id, VENUE, place.place_id, clock.iso(clock.now()),
                            data={"name_masked": person.name_masked})
    tombstone = f"{UNBOUND}#{place.place_id}"

    def build() -> Tx:
        tx = Tx()
        if place.admin_id == person_id:
            tx.delete("tombstone", Relation(owner=person_id, sk=tombstone))
        else:
            tx.check("tombstone", Relation, person_id, tombstone, Relation.owner.does_not_exist())
        return (tx.put("binding", binding, Relation.owner.does_not_exist())
                  .update("roster", roster.item(place.place_id), roster.bind(person_id, person.name_masked)))

    try:
        commit_retrying(build)
    except Cancelled as cancelled:
        if cancelled.failed("tombstone"):
            raise JoinRevoked(field="join_code") from None
        if cancelled.failed("binding"):
            raise AlreadyBound(field="join_code") from None
        raise
    return view(place, for_admin=False) | {"bound_at": binding.created_at, "is_admin": place.admin_id == person_id}


def my_venues(person_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    page = Relation.query(person_id, Relation.sk.startswith(f"{VENUE}#"), limit=limit,
                          last_evaluated_key=start_key(cursor, Relation, person_id, prefix=f"{VENUE}#"))
    bindings = list(page)
    places = {p.place_id: p for p in Place.batch_get([b.target for b in bindings])} if bindings else {}
    items = []
    for binding in bindings:
        place = places.get(binding.target)
        if place is not None:
            items.append(view(place, for_admin=False) | {"bound_at": binding.created_at,
                                                         "is_admin": place.admin_id == person_id})
    return items, page.last_evaluated_key


def leave(person_id: str, place_id: str) -> None:
    """Unbind oneself: the binding and the roster's line go in one transaction (nothing is written when not bound)."""
    try:
        commit_retrying(lambda: Tx().delete("binding", Relation.make(person_id, VENUE, place_id, ""),
                                            Relation.owner.exists())
                                    .update("roster", roster.item(place_id), roster.unbind(person_id)))
    except Cancelled as cancelled:
        if cancelled.failed("binding"):
            raise NotFound("You are not bound to this venue", "您未绑定该场所", field="id") from None
        raise


def require_member(place_id: str, person_id: str) -> Place:
    """The venue, if this person is its inspector or its admin (quick code); 403 otherwise."""
    place = get_venue(place_id)
    if place.admin_id != person_id and Relation.find(person_id, f"{VENUE}#{place_id}") is None:
        raise Forbidden("You are not bound to this venue", "您未绑定该场所", field="id")
    return place
