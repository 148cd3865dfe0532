"""core.audit.member_read: a read through member= leaves an entry, one's own read does not (no AWS)."""

from __future__ import annotations

import pytest
from healthcode.core import audit


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    entries: list[tuple] = []
    monkeypatch.setattr(audit, "record", lambda *args, **kwargs: entries.append((args, kwargs)))
    return entries


def test_a_members_read_is_recorded_with_its_purpose(recorded: list[tuple]) -> None:
    # GIVEN a guardian reading a child's code WHEN member_read is called THEN one entry, purpose guardian
    audit.member_read("child", "guardian", "CODE_SHOWN")
    assert recorded == [(("child", "guardian", "CODE_SHOWN"), {"purpose": "guardian"})]


def test_ones_own_read_is_not_recorded(recorded: list[tuple]) -> None:
    audit.member_read("me", "me", "CODE_SHOWN", purpose="RECORDS")
    assert recorded == []
