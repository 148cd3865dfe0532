"""Whose data a caller may act on: themselves, or a family member / companion they added."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from healthcode.core import audit
from healthcode.core.caller import Caller
from healthcode.core.errors import ApiError, NotFound
from healthcode.identity.roles import INBOUND
from healthcode.models import Relation

MEMBER = "MEMBER"
T = TypeVar("T")


def subject_for(actor: str, member: str | None) -> str:
    """The person a `me` route acts on; another person's id is answered 404 so existence never leaks."""
    if not member or member == actor:
        return actor
    if Relation.find(actor, f"{MEMBER}#{member}") is None:
        raise NotFound("No such family member or companion", "未找到该家庭成员或同行人员", field="member")
    return member


def subject_of(who: Caller, member: str | None, inbound_refused: type[ApiError] | None = None) -> str:
    """subject_for the caller; with `inbound_refused`, an inbound session is refused with it first, before member=
    is resolved (a route the inbound travellers' code has no use for)."""
    if inbound_refused is not None and INBOUND in who.roles:
        raise inbound_refused()
    return subject_for(who.person_id, member)


def read_for(who: Caller, member: str | None, action: str, read: Callable[[str], T], purpose: str = "guardian") -> T:
    """What `read` answers for the person a `me` route acts on (the caller, or the member= asked for); a read of
    someone else, once it succeeded, leaves an audit entry (core.audit.member_read)."""
    subject = subject_for(who.person_id, member)
    found = read(subject)
    audit.member_read(subject, who.person_id, action, purpose)
    return found
