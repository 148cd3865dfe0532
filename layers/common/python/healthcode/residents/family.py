"""Family members (家庭成员): a guardian adds, lists and removes the dependants whose codes they show (2.(三).2, FAQ 8).

A member is a person of their own (kind DEPENDANT when first seen here; an existing person, e.g. a resident
who already logged in, is reused), linked to the guardian by `MEMBER#<member_id>` in the relations table.
That one relation is what `access.subject_for` checks, so `member=` works on every `me` route. There is no
cap on the number of members (FAQ 8); each is added only after the provider verifies their identity.

Verification: FACE (刷脸实人认证, the member in front of the guardian's phone) for anyone; ID_MATCH
(证件一致性认证, name and number agree) only for a minor, as read from the ID card's birth date. A name and
an ID number are no secret, so for an adult they would let anyone who knows them read that adult's code
and health records; a child may have no face on record with the CTID service, and is the case it is for.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from pynamodb.exceptions import DeleteError, PutError

from healthcode.colour.reasons import describe
from healthcode.colour.status import as_of
from healthcode.core import audit, clock
from healthcode.core.errors import IdentityRejected, MemberExists, MemberNotVerified, NotFound, ValidationFailed
from healthcode.core.paging import start_key
from healthcode.identity.access import MEMBER
from healthcode.identity.idnumbers import age_on, parse_document
from healthcode.identity.people import NewPerson, check_issue_count, clean_name, find_by_document, find_or_create
from healthcode.identity.providers import get_identity_provider
from healthcode.models import Person, Relation


class Relationship(str, Enum):
    """What the member is to the guardian (成员身份)."""

    CHILD = "CHILD"
    PARENT = "PARENT"
    SPOUSE = "SPOUSE"
    GRANDPARENT = "GRANDPARENT"
    GRANDCHILD = "GRANDCHILD"
    SIBLING = "SIBLING"
    OTHER = "OTHER"


RELATION_LABELS = {
    Relationship.CHILD: "子女",
    Relationship.PARENT: "父母",
    Relationship.SPOUSE: "配偶",
    Relationship.GRANDPARENT: "祖父母/外祖父母",
    Relationship.GRANDCHILD: "孙子女/外孙子女",
    Relationship.SIBLING: "兄弟姐妹",
    Relationship.OTHER: "其他亲属",
}


class VerificationMethod(str, Enum):
    FACE = "FACE"  # 刷脸实人认证
    ID_MATCH = "ID_MATCH"  # 证件一致性认证 (name and number agree): minors only


ADULT_AGE = 18


@dataclass(frozen=True)
class NewMember:
    relation: Relationship
    name: str
    id_type: str
    id_number: str
    issue_count: str | None
    method: VerificationMethod
    proof: str


def add_member(guardian_id: str, new: NewMember) -> dict[str, Any]:
    """Verify the member's identity, find or create their person, then link them; nothing is written on failure."""
    document = parse_document(new.id_type, new.id_number, new.issue_count)
    name = clean_name(new.name)
    if new.method is VerificationMethod.ID_MATCH:
        age = age_on(document.birth_date, clock.local_date(clock.now()))
        if age is None or age >= ADULT_AGE:
            raise ValidationFailed("ID_MATCH verifies minors only; an adult member is verified by FACE",
                                   "证件一致性认证仅适用于未成年人，成年家庭成员请使用刷脸实人认证",
                                   field="verification.method")
    existing = find_by_document(document)
    if existing is not None and existing.person_id == guardian_id:
        raise ValidationFailed("You cannot add yourself as a family member", "不能添加本人为家庭成员", field="id_number")
    if existing is not None and _is_member(guardian_id, existing.person_id):
        raise MemberExists(field="id_number")
    try:
        get_identity_provider().verify(new.method.value, document, name, new.proof, None)
    except IdentityRejected:
        raise MemberNotVerified(field="verification") from None
    member, created = find_or_create(NewPerson(document=document, name=name, kind="DEPENDANT"))
    if not created:
        member = check_issue_count(member, document, renewal_allowed=True)
    if member.person_id == guardian_id:  # created a moment ago by the guardian's own first login
        raise ValidationFailed("You cannot add yourself as a family member", "不能添加本人为家庭成员", field="id_number")
    now = clock.iso(clock.now())
    link = Relation.make(guardian_id, MEMBER, member.person_id, now, relation=new.relation.value,
                         data={"verified_by": new.method.value})
    try:
        link.save(condition=Relation.owner.does_not_exist())
    except PutError:
        raise MemberExists(field="id_number") from None
    audit.record(member.person_id, guardian_id, "FAMILY_MEMBER_ADDED", purpose=new.relation.value)
    return member_view(link, member)


def _is_member(guardian_id: str, person_id: str) -> bool:
    return Relation.find(guardian_id, f"{MEMBER}#{person_id}") is not None


def member_view(link: Relation, person: Person) -> dict[str, Any]:
    """What the guardian's page shows of a member: masked identity, relation and the code's colour."""
    relation = Relationship(link.relation) if link.relation in Relationship.__members__ else Relationship.OTHER
    shown = as_of(person.color, person.reasons, clock.now())  # a period that ran out since the last review is over
    return {
        "person_id": person.person_id,
        "relation": relation.value,
        "relation_label": RELATION_LABELS[relation],
        "name_masked": person.name_masked,
        "id_type": person.id_type,
        "id_masked": person.id_masked,
        "color": shown.color,
        "reasons": describe(shown.reasons),
        "added_at": link.created_at,
    }


def list_members(guardian_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    """One Query for the links, one BatchGet for the people (never a GetItem per member)."""
    page = Relation.query(guardian_id, Relation.sk.startswith(f"{MEMBER}#"), limit=limit,
                          last_evaluated_key=start_key(cursor, Relation, guardian_id, prefix=f"{MEMBER}#"))
    links = list(page)
    people = {person.person_id: person for person in Person.batch_get([link.target for link in links])}
    items = [member_view(link, people[link.target]) for link in links if link.target in people]
    return items, page.last_evaluated_key


def remove_member(guardian_id: str, person_id: str) -> None:
    """Unlink a member; the person stays (they may log in themselves, or be someone else's member too)."""
    link = Relation(owner=guardian_id, sk=f"{MEMBER}#{person_id}")
    try:
        link.delete(condition=Relation.owner.exists())
    except DeleteError:
        raise NotFound("No such family member", "未找到该家庭成员", field="person_id") from None
    audit.record(person_id, guardian_id, "FAMILY_MEMBER_REMOVED")
