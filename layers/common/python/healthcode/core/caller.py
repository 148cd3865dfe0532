"""Who is asking: the authenticated person and their roles, as plain values the domain modules take."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    person_id: str
    roles: frozenset[str]

    def has(self, role: str) -> bool:
        return role in self.roles
