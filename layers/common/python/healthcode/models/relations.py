"""Relations between a person and another person or a place.

Items: PK owner, SK `<KIND>#<target>`; the inverse GSI (target, inverse_sk = `<KIND>#<owner>`) answers
"who points at me". Kinds used:
- MEMBER: a guardian's family member, or an inbound traveller's companion (owner = guardian);
- ROLE: a granted role (owner = person, target = role name), e.g. medical staff;
- ORG / VENUE / GRID: bindings of a person to a place (owner = person, target = place_id).
Access patterns: GetItem (is X my member?), Query owner + begins_with kind (my members, my venues),
Query inverse + begins_with kind (a venue's inspectors).
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from healthcode.models.base import index_meta, table_meta


class Inverse(GlobalSecondaryIndex):
    Meta = index_meta("inverse", AllProjection())

    target = UnicodeAttribute(hash_key=True)
    inverse_sk = UnicodeAttribute(range_key=True)


class Relation(Model):
    Meta = table_meta("relations_table")

    owner = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    target = UnicodeAttribute()
    inverse_sk = UnicodeAttribute()
    kind = UnicodeAttribute()
    relation = UnicodeAttribute(null=True)
    data = JSONAttribute(null=True)
    created_at = UnicodeAttribute()

    inverse = Inverse()

    @classmethod
    def find(cls, owner: str, sk: str, consistent_read: bool = False) -> Relation | None:
        """One relation by its keys (is X my member? am I bound to this venue?), or None: one GetItem."""
        try:
            return cls.get(owner, sk, consistent_read=consistent_read)
        except DoesNotExist:
            return None

    @classmethod
    def make(cls, owner: str, kind: str, target: str, created_at: str, **extra: object) -> Relation:
        return cls(owner=owner, sk=f"{kind}#{target}", target=target, inverse_sk=f"{kind}#{owner}", kind=kind,
                   created_at=created_at, **extra)
