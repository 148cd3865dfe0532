"""A venue's roster in the stats table: who is bound as its inspector now, so the admin's statistics are one read.

Item (PK scope, SK bucket) = (`venue#<place_id>`, `roster`), apart from the stream-owned buckets (stats_stream
never writes it): `created_at` (written with the venue: the roster is complete from then on) and one top-level
attribute per bound inspector, `b#<person_id>` = masked name. Every transaction that creates or deletes a
`VENUE#<place_id>` binding (join, leave, the admin's unbind) updates it in the same transaction, so it cannot
drift from the bindings.

Venues created before the roster existed have no `created_at` here (a join may still have created the item with
a few `b#` attributes): such a roster is incomplete, and readers fall back to the bindings (the relations' inverse
index). `complete(item)` says which case an item read is.

Size: a line is ~45 bytes (a 26-character ULID, the prefix, a masked name), so the 400 KB item limit allows some
8 000 inspectors bound at once to one venue; a join beyond that would be refused by DynamoDB (ValidationException)
and bind nothing. Venues bind dozens.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from healthcode.core.streams import Bucket
from healthcode.places import rosters
from healthcode.places.rosters import BUCKET, PlaceItem


class VenueRoster(PlaceItem):
    """The roster item only (the stats table's other items are written with low-level transactions)."""

    created_at = UnicodeAttribute(null=True)


def scope(place_id: str) -> str:
    return f"venue#{place_id}"


def item(place_id: str) -> VenueRoster:
    return VenueRoster(scope(place_id), BUCKET)


def empty(place_id: str, created_at: str) -> VenueRoster:
    """The roster of a new venue: nobody bound yet, complete from now on."""
    return VenueRoster(scope(place_id), BUCKET, created_at=created_at)


bind, unbind = rosters.bind, rosters.unbind


def complete(read: Bucket | None) -> bool:
    """Whether this roster item (as read, or None when absent) lists every bound inspector."""
    return read is not None and "created_at" in read.strings


def inspectors(read: Bucket) -> dict[str, str]:
    """Bound inspector -> masked name, from a roster item as read."""
    return rosters.bound(read.strings)
