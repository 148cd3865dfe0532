"""A grid's roster in the stats table: its status, its admin, who is bound and who is authorized - one item, so the
statistics and the key persons are each ONE read that also answers "may this caller read them".

Item (PK scope, SK bucket) = (`grid#<place_id>`, `roster`): `created_at`, `status` (the grid's, mirrored),
`admin` (the admin's person id), `b#<person_id>` = masked name of each bound worker, `z#<person_id>` = "1" for each
authorized one. Every transaction that changes what it mirrors (creating the grid, approving, rejecting, binding,
unbinding, authorizing, the admin transfer, dissolving) updates it in the same transaction, so it cannot drift.
The stream aggregators condition their writes on `status = ACTIVE` here: once dissolving has begun nothing of the
grid is written again. The key persons are items of the same partition (`roster#kp#<person_id>`), so one Query with
begins_with(bucket, "roster") returns the roster first, then the key persons.

Size: a worker's two lines are ~75 bytes; the 400 KB item limit allows some 5 000 workers bound at once.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.operand import Path

from healthcode.places import rosters
from healthcode.places.rosters import BUCKET, PlaceItem

AUTHORIZED = "z#"
KEY_PERSON = "roster#kp#"


class GridRoster(PlaceItem):
    """The roster item (the stats table's counters are written by the stream seam, healthcode.core.streams)."""

    created_at = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    admin = UnicodeAttribute(null=True)


class KeyPersonEntry(PlaceItem):
    """A key person's entry (`roster#kp#<person_id>`), as the people stream writes it (the checks stream's red
    collections write theirs in its transactions, healthcode.places.grids.stats)."""

    active = UnicodeAttribute(null=True)  # "1" while red
    v = NumberAttribute(null=True)  # the person's version the entry shows
    color = UnicodeAttribute(null=True)
    reasons = UnicodeAttribute(null=True)  # reason codes, comma-separated
    since = UnicodeAttribute(null=True)
    name_masked = UnicodeAttribute(null=True)
    phone_masked = UnicodeAttribute(null=True)
    name_enc = UnicodeAttribute(null=True)
    person_id = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


def scope(place_id: str) -> str:
    return f"grid#{place_id}"


def key(place_id: str) -> dict[str, dict[str, str]]:
    return {"scope": {"S": scope(place_id)}, "bucket": {"S": BUCKET}}


def item(place_id: str) -> GridRoster:
    return GridRoster(scope(place_id), BUCKET)


def key_person(place_id: str, person_id: str) -> KeyPersonEntry:
    return KeyPersonEntry(scope(place_id), f"{KEY_PERSON}{person_id}")


def new(place_id: str, created_at: str, status: str, admin_id: str) -> GridRoster:
    return GridRoster(scope(place_id), BUCKET, created_at=created_at, status=status, admin=admin_id)


bind = rosters.bind


def unbind(person_id: str) -> list[Any]:
    return [*rosters.unbind(person_id), Path([f"{AUTHORIZED}{person_id}"]).remove()]


def authorize(person_id: str, authorized: bool) -> list[Any]:
    path = Path([f"{AUTHORIZED}{person_id}"])
    return [path.set({"S": "1"})] if authorized else [path.remove()]


def workers(raw: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """person_id -> {name_masked, authorized}, from a roster item in DynamoDB JSON."""
    raw = raw or {}
    return {person_id: {"name_masked": value.get("S", ""), "authorized": f"{AUTHORIZED}{person_id}" in raw}
            for person_id, value in rosters.bound(raw).items()}


def text(raw: dict[str, Any] | None, attribute: str) -> str | None:
    return ((raw or {}).get(attribute) or {}).get("S")
