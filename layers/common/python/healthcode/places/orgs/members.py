"""Members (组织机构成员): bind to organizations with the join code, list them, unbind; the member count.

A binding is the relation `ORG#<place_id>` owned by the member (a member may bind many organizations, guide
4.(一).2.(1) 2)); it is what lets POST /v1/me/declarations accept an ORG_MEMBER declaration for that organization.
The organization's member count lives in the stats table (`org#<place_id>` / `members`, attribute `members`) and
moves in the same transaction as the binding (conditional put or delete + ADD), so it is exact under any races
and reading it is one GetItem. A member who unbinds may bind again with the code (nobody removed them).
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from healthcode.core import clock, ratelimit
from healthcode.core.errors import AlreadyOrgMember, NotFound, ValidationFailed
from healthcode.core.tx import Cancelled, Tx, commit_retrying
from healthcode.identity.people import get as get_person
from healthcode.models import Place, Relation
from healthcode.places.admin import place_by_join_code
from healthcode.places.orgs import ORG, stats_scope
from healthcode.places.orgs.admin import check_id, view
from healthcode.places.rosters import PlaceItem

MEMBERS_BUCKET = "members"


class MemberCount(PlaceItem):
    """The organization's member count, an item of the stats table apart from the stream-owned buckets."""

    members = NumberAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


def _member_count_update(tx: Tx, place_id: str, change: int) -> Tx:
    return tx.update("count", MemberCount(stats_scope(place_id), MEMBERS_BUCKET),
                     [MemberCount.members.add(change), MemberCount.updated_at.set(clock.iso(clock.now()))])


def member_view(place: Place, binding: Relation, person_id: str) -> dict[str, Any]:
    return view(place, for_admin=False) | {"bound_at": binding.created_at, "is_admin": place.admin_id == person_id}


def join(person_id: str, join_code: str, caller_id: str | None = None) -> dict[str, Any]:
    """Bind this person to the organization holding the code: the binding and the member count, atomically.

    Join codes are not to be guessed without end: each try counts against the caller (a guardian binding a family
    member counts as themselves), `ratelimit.JOIN_CODE`, shared with the venues' join codes.
    """
    ratelimit.take_per_person(ratelimit.JOIN_CODE, caller_id or person_id)
    place = place_by_join_code(join_code, ORG)
    if place is None:
        raise NotFound("No organization has this join code", "组织机构申报码不存在", field="join_code")
    person = get_person(person_id)
    binding = Relation.make(person_id, ORG, place.place_id, clock.iso(clock.now()),
                            data={"name_masked": person.name_masked})
    try:
        commit_retrying(lambda: _member_count_update(
            Tx().put("binding", binding, Relation.owner.does_not_exist()), place.place_id, +1))
    except Cancelled as cancelled:
        if cancelled.failed("binding"):
            raise AlreadyOrgMember(field="join_code") from None
        raise
    return member_view(place, binding, person_id)


def my_orgs(person_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    """The organizations this person is bound to: one Query on their relations, one BatchGetItem of the places."""
    if cursor is not None and not (set(cursor) == {"owner", "sk"} and cursor["owner"] == {"S": person_id}
                                   and isinstance(cursor["sk"], dict) and str(cursor["sk"].get("S")).startswith(f"{ORG}#")):
        raise ValidationFailed("cursor is not one this list returned", "分页游标无效", field="cursor")
    page = Relation.query(person_id, Relation.sk.startswith(f"{ORG}#"), limit=limit, last_evaluated_key=cursor)
    bindings = list(page)
    places = {p.place_id: p for p in Place.batch_get([b.target for b in bindings])} if bindings else {}
    items = [member_view(places[b.target], b, person_id) for b in bindings if b.target in places]
    return items, page.last_evaluated_key


def leave(person_id: str, place_id: str) -> None:
    """Unbind: the binding goes and the count drops, atomically; 404 when not bound (nothing changes)."""
    key = Relation.make(person_id, ORG, check_id(place_id), "")
    try:
        commit_retrying(lambda: _member_count_update(
            Tx().delete("binding", key, Relation.owner.exists()), place_id, -1))
    except Cancelled as cancelled:
        if cancelled.failed("binding"):
            raise NotFound("You are not bound to this organization", "您未绑定该组织机构", field="id") from None
        raise
