"""Grid workers (网格员, guide 四(三)(2)1-2 and (1)4): bind with the join code (one or more grids), list, set the
current one, unbind; the admin lists them, authorizes them, withdraws the authorization, unbinds them.

A binding is the relation `GRID#<grid>` owned by the worker (data: masked name, `authorized`); the grid's roster
(healthcode.places.grids.roster) mirrors it, written in the same transaction. Only an ACTIVE grid admits workers
(409 GRID_NOT_ACTIVE while it awaits approval): the join transaction checks the grid's status itself. A worker the
admin unbound is refused by the join code from then on (409 GRID_JOIN_REVOKED), as with venues.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist

from healthcode.core import clock, ratelimit
from healthcode.core.errors import (
    AlreadyGridWorker,
    GridJoinRevoked,
    GridNotActive,
    GridWorkerNotAuthorized,
    NotFound,
    NotGridWorker,
)
from healthcode.core.paging import start_key
from healthcode.core.tx import Cancelled, Tx, commit_retrying
from healthcode.models import AuthItem, Person, Place, Relation
from healthcode.places import rosters
from healthcode.places.admin import cleaned_join_code, join_code_marker
from healthcode.places.grids import ACTIVE, CURRENT, DISSOLVING, GRID, UNBOUND, roster
from healthcode.places.grids.grids import get_grid, grid_of_admin, no_such_grid, view


def _no_code() -> NotFound:
    return NotFound("No grid has this join code", "网格申报码不存在", field="join_code")


def grid_by_join_code(join_code: str) -> Place:
    """The grid holding the code (consistent reads of its marker and the grid): 404 unknown, 409 not active."""
    cleaned = cleaned_join_code(join_code)
    if cleaned is None:
        raise _no_code()
    try:
        marker = AuthItem.get(join_code_marker(cleaned), consistent_read=True)
        place = Place.get(marker.value, consistent_read=True)
    except DoesNotExist:
        raise _no_code() from None
    if place.kind != GRID or place.join_code != cleaned or place.status == DISSOLVING:
        raise _no_code()
    if place.status != ACTIVE:
        raise GridNotActive(field="join_code")
    return place


def binding_key(person_id: str, place_id: str) -> Relation:
    return Relation(owner=person_id, sk=f"{GRID}#{place_id}")


def current_key(person_id: str) -> Relation:
    return Relation(owner=person_id, sk=CURRENT)


def _current(person_id: str) -> str | None:
    current = Relation.find(person_id, CURRENT, consistent_read=True)
    return current.target if current else None


def join(person_id: str, join_code: str) -> dict[str, Any]:
    """POST /v1/grids/join: bind as an (unauthorized) worker; the first grid bound becomes the current one."""
    ratelimit.take_per_person(ratelimit.JOIN_CODE, person_id)
    place = grid_by_join_code(join_code)
    person = Person.get(person_id)
    now = clock.iso(clock.now())
    binding = Relation.make(person_id, GRID, place.place_id, now,
                            data={"name_masked": person.name_masked, "authorized": False})
    current = Relation(owner=person_id, sk=CURRENT, target=place.place_id, inverse_sk=f"{CURRENT}#{person_id}",
                       kind=CURRENT, created_at=now)
    first = _current(person_id) is None

    def build() -> Tx:
        tx = (Tx()
              .check("tombstone", Relation, person_id, f"{UNBOUND}#{place.place_id}", Relation.owner.does_not_exist())
              .check("grid", Place, place.place_id, None, Place.status == ACTIVE)
              .put("binding", binding, Relation.owner.does_not_exist())
              .update("roster", roster.item(place.place_id), roster.bind(person_id, person.name_masked),
                      roster.GridRoster.status == ACTIVE))
        if first:
            tx.put("current", current, Relation.owner.does_not_exist())
        return tx

    try:
        commit_retrying(build)
    except Cancelled as cancelled:
        if cancelled.failed("tombstone"):
            raise GridJoinRevoked(field="join_code") from None
        if cancelled.failed("binding"):
            raise AlreadyGridWorker(field="join_code") from None
        if cancelled.failed("grid") or cancelled.failed("roster"):
            raise GridNotActive(field="join_code") from None
        if cancelled.failed("current"):  # another join set a current grid meanwhile: bind without it
            first = False
            commit_retrying(build)
        else:
            raise
    return view(place, for_admin=False) | {"bound_at": now, "authorized": False, "is_current": first}


def my_grids(person_id: str, limit: int, cursor: dict[str, Any] | None) -> dict[str, Any]:
    """GET /v1/me/grids: the grids I am bound to, with my authorization and which one is current."""
    page = Relation.query(person_id, Relation.sk.startswith(f"{GRID}#"), limit=limit,
                          last_evaluated_key=start_key(cursor, Relation, person_id, prefix=f"{GRID}#"))
    bindings = list(page)
    places = {p.place_id: p for p in Place.batch_get([b.target for b in bindings])} if bindings else {}
    current = _current(person_id)
    items = []
    for binding in bindings:
        place = places.get(binding.target)
        if place is None or place.status == DISSOLVING:
            continue
        items.append(view(place, for_admin=False) | {
            "bound_at": binding.created_at, "authorized": bool((binding.data or {}).get("authorized")),
            "is_current": binding.target == current, "is_admin": place.admin_id == person_id})
    return {"items": items, "current_place_id": current, "last_key": page.last_evaluated_key}


def require_worker(place_id: str, person_id: str) -> Relation:
    """The worker's binding to the grid (consistent), or 403 NOT_GRID_WORKER."""
    binding = Relation.find(person_id, f"{GRID}#{place_id}", consistent_read=True)
    if binding is None:
        raise NotGridWorker(field="id")
    return binding


def require_authorized(place_id: str, person_id: str) -> Relation:
    binding = require_worker(place_id, person_id)
    if not (binding.data or {}).get("authorized"):
        raise GridWorkerNotAuthorized(field="id")
    return binding


def set_current(person_id: str, place_id: str) -> dict[str, Any]:
    """PUT /v1/me/grids/current {place_id}: only a grid I am bound to (403 otherwise)."""
    get_grid(place_id)
    require_worker(place_id, person_id)
    Relation(owner=person_id, sk=CURRENT, target=place_id, inverse_sk=f"{CURRENT}#{person_id}", kind=CURRENT,
             created_at=clock.iso(clock.now())).save()
    return {"current_place_id": place_id}


def leave(person_id: str, place_id: str) -> None:
    """DELETE /v1/me/grids/{id}: unbind myself (the binding, the roster line and, if it was current, the pointer)."""
    if not grids_id_ok(place_id):
        raise no_such_grid()
    current = _current(person_id) == place_id

    def build() -> Tx:
        tx = (Tx().delete("binding", binding_key(person_id, place_id), Relation.owner.exists())
                  .update("roster", roster.item(place_id), roster.unbind(person_id)))
        if current:
            tx.delete("current", current_key(person_id), Relation.target == place_id)
        return tx

    try:
        commit_retrying(build)
    except Cancelled as cancelled:
        if cancelled.failed("binding"):
            raise NotFound("You are not bound to this grid", "您未绑定该网格", field="id") from None
        if cancelled.failed("current"):  # the current grid changed meanwhile: leave it as it is
            current = False
            commit_retrying(build)
            return
        raise


def grids_id_ok(place_id: str) -> bool:
    from healthcode.places.grids.grids import PLACE_ID

    return bool(PLACE_ID.match(place_id or ""))


# ---------------------------------------------------------------- the admin's side


def workers(place_id: str, admin_id: str, limit: int, cursor: dict[str, Any] | None) -> dict[str, Any]:
    """GET /v1/grids/{id}/workers: the bound workers (masked names), authorized or not, through the inverse index."""
    place = grid_of_admin(place_id, admin_id)
    page = Relation.inverse.query(place.place_id, Relation.inverse_sk.startswith(f"{GRID}#"), limit=limit,
                                  last_evaluated_key=start_key(cursor, Relation.inverse, place.place_id,
                                                               prefix=f"{GRID}#"))
    items = [{"person_id": b.owner, "name_masked": (b.data or {}).get("name_masked", ""),
              "authorized": bool((b.data or {}).get("authorized")),
              "authorized_at": (b.data or {}).get("authorized_at"), "bound_at": b.created_at,
              "is_admin": b.owner == place.admin_id} for b in page]
    return {"place_id": place.place_id, "items": items, "last_key": page.last_evaluated_key}


def set_authorized(place_id: str, admin_id: str, worker_id: str, authorized: bool) -> dict[str, Any]:
    """POST / DELETE /v1/grids/{id}/workers/{person_id}/authorization: the binding and the roster together."""
    place = grid_of_admin(place_id, admin_id)
    binding = Relation.find(worker_id, f"{GRID}#{place.place_id}", consistent_read=True) \
        if grids_id_ok(worker_id) else None
    if binding is None:
        raise NotFound("This person is not a worker of the grid", "该人员不是本网格的网格员", field="person_id")
    now = clock.iso(clock.now())
    data = dict(binding.data or {}) | {"authorized": authorized, "authorized_at": now if authorized else None,
                                       "authorized_by": admin_id}
    try:
        commit_retrying(lambda: Tx()
                        .update("binding", binding_key(worker_id, place.place_id), [Relation.data.set(data)],
                                Relation.owner.exists())
                        .update("roster", roster.item(place.place_id), roster.authorize(worker_id, authorized)))
    except Cancelled as cancelled:
        if cancelled.failed("binding"):
            raise NotFound("This person is not a worker of the grid", "该人员不是本网格的网格员",
                           field="person_id") from None
        raise
    return {"place_id": place.place_id, "person_id": worker_id, "name_masked": data.get("name_masked", ""),
            "authorized": authorized, "authorized_at": data["authorized_at"]}


def unbind(place_id: str, admin_id: str, worker_id: str) -> None:
    """DELETE /v1/grids/{id}/workers/{person_id}: the binding goes, a marker keeps the join code from admitting the
    person again (GRID_JOIN_REVOKED), the roster drops them; all in one transaction."""
    place = grid_of_admin(place_id, admin_id)

    def not_a_worker() -> NotFound:
        return NotFound("This person is not a worker of the grid", "该人员不是本网格的网格员", field="person_id")

    if not grids_id_ok(worker_id):
        raise not_a_worker()
    rosters.revoke(f"{GRID}#{place.place_id}", UNBOUND, place.place_id, worker_id, admin_id,
                   roster.item(place.place_id), roster.unbind(worker_id), not_a_worker)
    try:  # the worker's current-grid pointer, if it named this grid
        current_key(worker_id).delete(condition=Relation.target == place.place_id)
    except DeleteError:
        pass
