"""Persons: finding them by document, creating them once, and reading their protected fields."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite
from ulid import ULID

from healthcode.core import clock, pii
from healthcode.core.errors import Conflict, NotFound, ValidationFailed
from healthcode.identity.idnumbers import IdDocument, issue_count_to_record
from healthcode.models import AuthItem, Person

#: the kind of a person that immigration's entry record created (an inbound traveller, section 3)
INBOUND_KIND = "INBOUND"


@dataclass(frozen=True)
class NewPerson:
    document: IdDocument
    name: str
    phone: str | None = None
    kind: str = "RESIDENT"
    country: str | None = None
    # False for a phone someone else typed (a grid worker's manual entry): kept as contact details, never a login
    phone_logs_in: bool = True


def masked_names(person_ids: list[str]) -> dict[str, str]:
    """person_id -> masked name, in BatchGetItems of 100 (the person items' masked name only)."""
    names: dict[str, str] = {}
    unique = sorted(set(person_ids))
    for start in range(0, len(unique), 100):
        for person in Person.batch_get(unique[start:start + 100], attributes_to_get=["person_id", "name_masked"]):
            names[person.person_id] = person.name_masked
    return names


def normalise_phone(phone: str, field: str = "phone", default_region: str = "CN") -> str:
    """E.164 form of a phone number, or 400 naming the field."""
    import phonenumbers  # deferred: only logins and sign-ups with a phone need its metadata

    try:
        parsed = phonenumbers.parse(phone, default_region)
    except phonenumbers.NumberParseException:
        raise ValidationFailed("Not a phone number", "手机号码有误", field=field) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationFailed("Not a valid phone number", "手机号码有误", field=field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def international_phone(phone: str) -> str:
    """E.164 form of a number typed with its country code (+...), as the 区号 selector sends it."""
    if not (phone or "").strip().startswith("+"):
        raise ValidationFailed("Give the phone number with its country code, e.g. +86 13800138000",
                               "请选择区号并填写手机号码", field="phone")
    return normalise_phone(phone, default_region=None)


def id_hash(document: IdDocument) -> str:
    """The document's keyed hash: the people item's `id_hash` (GSI `by_document`) and its marker's key."""
    return pii.lookup_hash("id", document.key)


def marker_key(document: IdDocument) -> str:
    return f"person#{id_hash(document)}"


def status_by_document(hashed: str) -> Person | None:
    """The person holding the document of this keyed hash, with only what `by_document` projects (the colour and
    its reasons, the masked name, kind, gender, birth date): ONE Query, eventually consistent. Read-only: the
    partial item must never be saved."""
    return next(iter(Person.by_document.query(hashed, limit=1)), None)


def find_by_document(document: IdDocument) -> Person | None:
    try:
        marker = AuthItem.get(marker_key(document), consistent_read=True)
    except DoesNotExist:
        return None
    try:
        return Person.get(marker.value, consistent_read=True)
    except DoesNotExist:
        return None


def get(person_id: str) -> Person:
    try:
        return Person.get(person_id)
    except DoesNotExist:
        raise NotFound("No such person", "未找到该人员") from None


def build(new: NewPerson) -> Person:
    doc = new.document
    birth = doc.birth_date
    person = Person(
        person_id=str(ULID()),
        kind=new.kind,
        id_type=doc.id_type.value,
        id_hash=id_hash(doc),
        id_enc=pii.encrypt(doc.number),
        id_masked=pii.mask_id(doc.number),
        issue_count=doc.issue_count,
        name_enc=pii.encrypt(new.name),
        name_masked=pii.mask_name(new.name),
        country=new.country,
        gender=doc.gender,
        birth_date=birth.isoformat() if birth else None,
        created_at=clock.iso(clock.now()),
    )
    if new.phone:
        set_phone(person, new.phone, logs_in=new.phone_logs_in)
    return person


def set_phone(person: Person, phone: str, logs_in: bool = True) -> None:
    """The person's phone; `logs_in` also indexes it for the SMS login (`by_phone_hash`), which only a phone the
    person proved (an identity provider's, an inbound traveller's own) may do."""
    if logs_in:
        person.phone_hash = pii.lookup_hash("phone", phone)
    person.phone_enc = pii.encrypt(phone)
    person.phone_masked = pii.mask_phone(phone)


@cache
def _connection() -> Connection:
    """One connection (one botocore client) per container: creating a client costs ~0.1 s."""
    return Connection(region=Person.Meta.region, host=Person.Meta.host)


def find_or_create(new: NewPerson) -> tuple[Person, bool]:
    """The one person holding this document; created (with its marker, atomically) on first sight."""
    existing = find_by_document(new.document)
    if existing is not None:
        return existing, False
    person = build(new)
    marker = AuthItem(key=marker_key(new.document), value=person.person_id)
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.save(marker, condition=AuthItem.key.does_not_exist())
            tx.save(person, condition=Person.person_id.does_not_exist())
    except (TransactWriteError, PutError):
        # Somebody created the same person a moment ago: theirs is the one.
        winner = find_by_document(new.document)
        if winner is None:
            raise
        return winner, False
    return person, True


def check_issue_count(person: Person, document: IdDocument, *, renewal_allowed: bool) -> Person:
    """The person holding `document` (found by its number), once its issue count is the record's, or higher where a
    renewal may be recorded (`idnumbers.issue_count_to_record`); 400 ISSUE_COUNT_MISMATCH otherwise.

    The new count is written by an update of that field alone, conditional on the count read (a renewal recorded
    meanwhile is compared again), so a colour or phone written at the same time is kept.
    """
    for _ in range(3):
        count = issue_count_to_record(person.issue_count, document.issue_count, renewal_allowed=renewal_allowed)
        if count is None:
            return person
        condition = (Person.issue_count.does_not_exist() if person.issue_count is None
                     else Person.issue_count == person.issue_count)
        try:
            person.update(actions=[Person.issue_count.set(count)], condition=condition)
            return person
        except UpdateError:
            person = get(person.person_id)
    raise Conflict("The person was being changed; try again", "请稍后重试")


def clean_name(name: str, field: str = "name") -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned or any(ch in cleaned for ch in "<>{}[]\\/;\"\t\n") or any(ch.isdigit() for ch in cleaned):
        raise ValidationFailed("Name contains characters a name cannot have", "姓名格式有误", field=field)
    return cleaned
