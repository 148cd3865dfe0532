"""The places' own items in the stats table, beside the stream-owned buckets (healthcode.core.streams): a venue's
and a grid's roster (who is bound now, `b#<person_id>` = masked name), a grid's key persons, an organization's member
count. Each is written in the same transaction as the bindings it mirrors, so it cannot drift from them; `revoke`
is that transaction for an admin unbinding someone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.expressions.operand import Path
from pynamodb.models import Model

from healthcode.core import clock
from healthcode.core.errors import ApiError
from healthcode.core.tx import Cancelled, Tx, commit_retrying
from healthcode.models import Relation
from healthcode.models.base import table_meta

BUCKET = "roster"
BOUND = "b#"


class PlaceItem(Model):
    """An item of the stats table keyed like the stream's buckets: the place's scope and a bucket name."""

    Meta = table_meta("stats_table")

    scope = UnicodeAttribute(hash_key=True)  # venue#, grid# or org#<place_id>
    bucket = UnicodeAttribute(range_key=True)  # roster, members, roster#kp#<person_id>


def bind(person_id: str, name_masked: str) -> list[Any]:
    """Update actions listing this person on a roster (a top-level attribute: no nested map to create first)."""
    return [Path([f"{BOUND}{person_id}"]).set({"S": name_masked})]


def unbind(person_id: str) -> list[Any]:
    return [Path([f"{BOUND}{person_id}"]).remove()]


def bound(attributes: dict[str, Any]) -> dict[str, Any]:
    """person_id -> what the roster lists for them, from the roster item's attributes (as read or raw)."""
    return {name[len(BOUND):]: value for name, value in attributes.items() if name.startswith(BOUND)}


def revoke(binding_sk: str, unbound_kind: str, place_id: str, person_id: str, admin_id: str, roster: PlaceItem,
           roster_actions: list[Any], not_bound: Callable[[], ApiError]) -> None:
    """The admin unbinds a person: the binding (`binding_sk` of theirs) goes, a tombstone keeps the place's fixed
    join code from admitting them again, the roster drops them; all in one transaction. The tombstone keeps who
    unbound them and the masked name the binding carried, for the admin's list of the people unbound."""
    binding = Relation.find(person_id, binding_sk, consistent_read=True)
    if binding is None:
        raise not_bound()
    tombstone = Relation.make(person_id, unbound_kind, place_id, clock.iso(clock.now()),
                              data={"by": admin_id, "name_masked": (binding.data or {}).get("name_masked", "")})
    try:
        commit_retrying(lambda: Tx().delete("binding", binding, Relation.owner.exists())
                                    .put("tombstone", tombstone)
                                    .update("roster", roster, roster_actions))
    except Cancelled as cancelled:
        if cancelled.failed("binding"):
            raise not_bound() from None
        raise
