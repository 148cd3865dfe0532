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

from pynamodb.attributes import UnicodeAttribute
from pynamodb.expressions.operand import Path
from pynamodb.models import Model

from healthcode.models.base import table_meta

BUCKET = "roster"
BOUND = "b#"
AUTHORIZED = "z#"
KEY_PERSON = "roster#kp#"


class GridRoster(Model):
    """The roster item only (the stats table's other grid items are written with low-level calls)."""

    Meta = table_meta("stats_table")

    scope = UnicodeAttribute(hash_key=True)  # grid#<place_id>
    bucket = UnicodeAttribute(range_key=True)  # roster
    created_at = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    admin = UnicodeAttribute(null=True)


def scope(place_id: str) -> str:
    return f"grid#{place_id}"


def key(place_id: str) -> dict[str, dict[str, str]]:
    return {"scope": {"S": scope(place_id)}, "bucket": {"S": BUCKET}}


def item(place_id: str) -> GridRoster:
    return GridRoster(scope(place_id), BUCKET)


def new(place_id: str, created_at: str, status: str, admin_id: str) -> GridRoster:
    return GridRoster(scope(place_id), BUCKET, created_at=created_at, status=status, admin=admin_id)


def bind(person_id: str, name_masked: str) -> list[Any]:
    return [Path([f"{BOUND}{person_id}"]).set({"S": name_masked})]


def unbind(person_id: str) -> list[Any]:
    return [Path([f"{BOUND}{person_id}"]).remove(), Path([f"{AUTHORIZED}{person_id}"]).remove()]


def authorize(person_id: str, authorized: bool) -> list[Any]:
    path = Path([f"{AUTHORIZED}{person_id}"])
    return [path.set({"S": "1"})] if authorized else [path.remove()]


def workers(raw: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """person_id -> {name_masked, authorized}, from a roster item in DynamoDB JSON."""
    raw = raw or {}
    return {name[len(BOUND):]: {"name_masked": value.get("S", ""),
                                "authorized": f"{AUTHORIZED}{name[len(BOUND):]}" in raw}
            for name, value in raw.items() if name.startswith(BOUND)}


def text(raw: dict[str, Any] | None, attribute: str) -> str | None:
    return ((raw or {}).get(attribute) or {}).get("S")
