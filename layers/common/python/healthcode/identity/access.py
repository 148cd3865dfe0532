"""Whose data a caller may act on: themselves, or a family member / companion they added."""

from __future__ import annotations

from healthcode.core.errors import NotFound
from healthcode.models import Relation

MEMBER = "MEMBER"


def subject_for(actor: str, member: str | None) -> str:
    """The person a `me` route acts on; another person's id is answered 404 so existence never leaks."""
    if not member or member == actor:
        return actor
    if Relation.find(actor, f"{MEMBER}#{member}") is None:
        raise NotFound("No such family member or companion", "未找到该家庭成员或同行人员", field="member")
    return member
