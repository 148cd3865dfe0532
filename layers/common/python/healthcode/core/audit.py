"""Audit trail: every read of someone's personal data by someone else leaves an entry."""

from __future__ import annotations

from ulid import ULID

from healthcode.core import clock
from healthcode.models import AuditEntry


def entry(subject: str, actor: str, action: str, purpose: str | None = None, place_id: str | None = None) -> AuditEntry:
    return AuditEntry(
        subject=subject,
        at=f"{clock.iso(clock.now())}#{ULID()}",
        actor=actor,
        action=action,
        purpose=purpose,
        place_id=place_id,
    )


def record(subject: str, actor: str, action: str, purpose: str | None = None, place_id: str | None = None) -> None:
    """One new entry, never an overwrite: the put is refused if an entry with this key exists (ULIDs never repeat)."""
    entry(subject, actor, action, purpose, place_id).save(condition=AuditEntry.at.does_not_exist())


def member_read(subject: str, actor: str, action: str, purpose: str = "guardian") -> None:
    """A read through member= (a guardian's family member, a traveller's companion) leaves an entry; one's own
    read does not."""
    if subject != actor:
        record(subject, actor, action, purpose=purpose)
