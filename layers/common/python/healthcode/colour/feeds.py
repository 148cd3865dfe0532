"""Authority data feeds: validate a batch of health-event records all-or-nothing, then store each fact once.

A record (DESIGN.md "feeds" row and "Feed kinds"):
    {event_id, person{id_type, id_number, issue_count?, name, phone?}, kind, occurred_at, result?, valid_from?,
     valid_until?, details{}}
Validation names the index and field of every problem in the batch; one bad record stores nothing.
Idempotency: a marker `event#<event_id>` in the auth table holds a keyed digest of the record's content. A
replay (same digest) is accepted and stored once; the same event_id with other content is a conflict: through the
API the whole batch is refused (409 EVENT_CONFLICT naming index and field, nothing stored, like any bad record);
an inbox file sends that line to its rejects and stores the others. Facts are written before their markers, so a crash in between is healed by the
partner's retry (the fact is rewritten under the same key, which changes nothing).
Persons are matched by ID type and number (keyed hash marker, batch-read); unknown persons are created.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from aws_lambda_powertools import Logger
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pynamodb.exceptions import UpdateError

from healthcode.core import clock, pii
from healthcode.core.errors import (
    ApiError,
    ConflictingRecords,
    Forbidden,
    InvalidRecords,
    IssueCountMismatch,
    Unauthorized,
    ValidationFailed,
)
from healthcode.identity.idnumbers import IdDocument, IdType, issue_count_to_record, parse_document
from healthcode.identity.people import NewPerson, clean_name, find_or_create, marker_key, normalise_phone
from healthcode.models import AuthItem, HealthEvent, Person

logger = Logger(child=True)

MAX_RECORDS = 500
MAX_DETAILS_BYTES = 2048
# 500 records at their size limits (details of 2 kB, names escaped as \uXXXX) take about 2.5 MB: the feed accepts
# that much; the proxy event, which escapes the body once more, then stays within Lambda's 6 MB payload limit.
MAX_BODY_BYTES = 5 * 512 * 1024
FUTURE_TOLERANCE = timedelta(minutes=10)
EARLIEST = datetime(2019, 12, 1, tzinfo=clock.SHANGHAI)
EVENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")

FeedKind = Literal["NUCLEIC_ACID", "ANTIBODY", "CONFIRMED", "SUSPECTED", "SUSPECTED_CLEARED", "CLOSE_CONTACT",
                   "CENTRAL_QUARANTINE", "HOME_QUARANTINE", "OTHER_PROVINCE_CODE", "HEALTH_CERTIFICATE",
                   "RELEASE_NOTICE", "ENTRY_REGISTRATION", "INBOUND_ENTRY", "ITINERARY"]

RESULTS: dict[str, tuple[str, ...]] = {
    "NUCLEIC_ACID": ("POSITIVE", "NEGATIVE"),
    "ANTIBODY": ("POSITIVE", "NEGATIVE"),
    "OTHER_PROVINCE_CODE": ("RED", "YELLOW", "GREEN"),
    "HEALTH_CERTIFICATE": ("LOW_RISK", "MEDIUM_RISK", "HIGH_RISK"),
}
PERIODS: dict[str, tuple[str, ...]] = {  # kind -> period fields it requires
    "CLOSE_CONTACT": ("valid_until",),
    "CENTRAL_QUARANTINE": ("valid_from", "valid_until"),
    "HOME_QUARANTINE": ("valid_from", "valid_until"),
}
DETAILS: dict[str, tuple[str, ...]] = {  # kind -> details it requires
    "NUCLEIC_ACID": ("institution",),
    "ANTIBODY": ("institution",),
    "OTHER_PROVINCE_CODE": ("province",),
    "INBOUND_ENTRY": ("country", "entry_date", "port", "vehicle"),
    "ITINERARY": ("city", "date"),
}
DATE_DETAILS = ("entry_date", "date")
TRAVEL_DOCUMENTS = {IdType.PASSPORT, IdType.TAIWAN_PERMIT, IdType.HK_MACAU_PERMIT}


class PersonRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_type: Literal["ID_CARD", "HK_MACAU_PERMIT", "PASSPORT", "TAIWAN_PERMIT"]
    id_number: str = Field(min_length=1, max_length=32)
    issue_count: str | None = Field(default=None, max_length=4)
    name: str = Field(min_length=1, max_length=64)
    phone: str | None = Field(default=None, max_length=32)


Scalar = str | int | float | bool | None
UNION_TAGS = {"str", "int", "float", "bool", "none"}


class FeedRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(min_length=1, max_length=128)
    person: PersonRef
    kind: FeedKind
    occurred_at: str = Field(min_length=10, max_length=40)
    result: str | None = Field(default=None, max_length=20)
    valid_from: str | None = Field(default=None, min_length=10, max_length=40)
    valid_until: str | None = Field(default=None, min_length=10, max_length=40)
    details: dict[str, Scalar] = Field(default_factory=dict, max_length=20)


@dataclass(frozen=True)
class Problem:
    index: int
    field: str
    problem: str
    code: str = "VALIDATION_ERROR"
    event_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "field": self.field, "problem": self.problem, "code": self.code}
        if self.event_id:
            out["event_id"] = self.event_id
        return out


@dataclass(frozen=True)
class ValidRecord:
    """A record that passed validation, normalised: times as ISO +08:00 text, the document parsed."""

    index: int
    event_id: str
    document: IdDocument
    name: str
    phone: str | None
    kind: str
    occurred_at: str
    result: str | None
    valid_from: str | None
    valid_until: str | None
    details: dict[str, Any]

    @property
    def sk(self) -> str:
        return f"{self.occurred_at}#{self.event_id}"

    @property
    def person_kind(self) -> str:
        """A new person from a travel document is an inbound traveller; an HK/Macau permit holder becomes a resident
        when they log in to the WeChat version (login.become_resident), which a feed cannot know they will."""
        return "RESIDENT" if self.document.id_type is IdType.ID_CARD and self.kind != "INBOUND_ENTRY" else "INBOUND"

    @property
    def digest(self) -> str:
        """Keyed hash of what the fact says (not how it was spelled): equal for a replay, different for a conflict."""
        content = {"document": self.document.key, "kind": self.kind, "occurred_at": self.occurred_at,
                   "result": self.result, "valid_from": self.valid_from, "valid_until": self.valid_until,
                   "details": self.details}
        return pii.lookup_hash("event", json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


# ------------------------------------------------------------------------------------------------ validation

def _moment(text: str) -> datetime:
    try:
        return clock.parse(text)
    except (ValueError, TypeError):
        raise ValueError("not an ISO 8601 date-time") from None


def _pydantic_problems(index: int, error: ValidationError, event_id: str | None) -> list[Problem]:
    problems: dict[str, Problem] = {}
    for item in error.errors():
        parts = [str(part) for part in item.get("loc", ())]
        union = [part for part in parts if part in UNION_TAGS or "[" in part]
        loc = ".".join(part for part in parts if part not in union) or "record"
        if item.get("type") == "extra_forbidden":
            message = "unknown field"
        elif union:
            message = "must be a string, number, boolean or null"
        else:
            message = item.get("msg", "invalid")
        problems.setdefault(loc, Problem(index, loc, message, event_id=event_id))
    return list(problems.values())


def _check_record(index: int, raw: Any, now: datetime) -> tuple[ValidRecord | None, list[Problem]]:
    if not isinstance(raw, dict):
        return None, [Problem(index, "record", "must be a JSON object")]
    event_id = raw.get("event_id") if isinstance(raw.get("event_id"), str) else None
    try:
        record = FeedRecord.model_validate(raw)
    except ValidationError as exc:
        return None, _pydantic_problems(index, exc, event_id)
    problems: list[Problem] = []

    def bad(field_name: str, problem: str, code: str = "VALIDATION_ERROR") -> None:
        problems.append(Problem(index, field_name, problem, code, record.event_id))

    if not EVENT_ID.match(record.event_id):
        bad("event_id", "letters, digits and . _ : - only, starting with a letter or digit")

    document = None
    person = record.person
    try:
        parsed = parse_document(person.id_type, person.id_number, person.issue_count or _placeholder(person.id_type))
        document = IdDocument(parsed.id_type, parsed.number, parsed.issue_count if person.issue_count else None)
    except ApiError as exc:
        bad(f"person.{exc.field or 'id_number'}", exc.message, exc.code)
    name = person.name
    try:
        name = clean_name(person.name, "person.name")
    except ApiError as exc:
        bad("person.name", exc.message, exc.code)
    phone = None
    if person.phone:
        try:
            phone = normalise_phone(person.phone, "person.phone")
        except ApiError as exc:
            bad("person.phone", exc.message, exc.code)
    elif record.kind == "ITINERARY":
        bad("person.phone", "an itinerary record carries the person's phone")
    if record.kind == "INBOUND_ENTRY" and IdType(person.id_type) not in TRAVEL_DOCUMENTS:
        bad("person.id_type", "an inbound entry is recorded against a passport or travel permit")

    times: dict[str, datetime] = {}
    for name_of_time in ("occurred_at", "valid_from", "valid_until"):
        text = getattr(record, name_of_time)
        if text is None:
            continue
        try:
            times[name_of_time] = _moment(text)
        except ValueError as exc:
            bad(name_of_time, str(exc))
    occurred = times.get("occurred_at")
    if occurred is not None and occurred > now + FUTURE_TOLERANCE:
        bad("occurred_at", "lies in the future")
    if occurred is not None and occurred < EARLIEST:
        bad("occurred_at", "before December 2019")

    allowed = RESULTS.get(record.kind)
    if allowed is None and record.result is not None:
        bad("result", f"{record.kind} records carry no result")
    elif allowed is not None and record.result not in allowed:
        bad("result", f"must be one of {', '.join(allowed)} for {record.kind}")

    required_period = PERIODS.get(record.kind, ())
    for period_field in ("valid_from", "valid_until"):
        given = getattr(record, period_field) is not None
        if period_field in required_period and not given:
            bad(period_field, f"required for {record.kind}")
        if given and not required_period:
            bad(period_field, f"{record.kind} records carry no period")
    start = times.get("valid_from") or (occurred if record.kind == "CLOSE_CONTACT" else None)
    until = times.get("valid_until")
    if start is not None and until is not None and until <= start:
        bad("valid_until", "must be after valid_from" if "valid_from" in times else "must be after occurred_at")

    details = dict(record.details)
    for key in DETAILS.get(record.kind, ()):
        value = details.get(key)
        if not isinstance(value, str) or not value.strip():
            bad(f"details.{key}", f"required for {record.kind}")
    for key in DATE_DETAILS:
        if key in DETAILS.get(record.kind, ()) and isinstance(details.get(key), str):
            try:
                date.fromisoformat(details[key])
            except ValueError:
                bad(f"details.{key}", "must be a date YYYY-MM-DD")
    if any(isinstance(v, str) and len(v) > 200 for v in details.values()):
        bad("details", "values are at most 200 characters")
    if len(json.dumps(details, ensure_ascii=False).encode()) > MAX_DETAILS_BYTES:
        bad("details", f"at most {MAX_DETAILS_BYTES} bytes")

    if problems or document is None or occurred is None:
        return None, problems
    return ValidRecord(
        index=index, event_id=record.event_id, document=document, name=name, phone=phone, kind=record.kind,
        occurred_at=clock.iso(occurred), result=record.result,
        valid_from=clock.iso(times["valid_from"]) if "valid_from" in times else None,
        valid_until=clock.iso(times["valid_until"]) if "valid_until" in times else None,
        details={k: v.strip() if isinstance(v, str) else v for k, v in details.items()},
    ), []


def _placeholder(id_type: str) -> str | None:
    """Feeds may not know a permit's issue count: the person is the same whatever it is (IdDocument.key)."""
    return "00" if id_type in (IdType.HK_MACAU_PERMIT.value, IdType.TAIWAN_PERMIT.value) else None


def check_records(raw: Iterable[Any], now: datetime | None = None,
                  first_index: int = 0) -> tuple[list[ValidRecord], list[Problem]]:
    """Every record checked, every problem collected; the same event_id twice in one batch must say the same."""
    now = now or clock.now()
    valid: list[ValidRecord] = []
    problems: list[Problem] = []
    seen: dict[str, ValidRecord] = {}
    for offset, item in enumerate(raw):
        record, found = _check_record(first_index + offset, item, now)
        problems.extend(found)
        if record is None:
            continue
        earlier = seen.get(record.event_id)
        if earlier is not None and earlier.digest != record.digest:
            problems.append(Problem(record.index, "event_id", f"repeats record {earlier.index} with other content",
                                    event_id=record.event_id))
            continue
        seen.setdefault(record.event_id, record)
        valid.append(record)
    return valid, problems


def validate_batch(body: Any, now: datetime | None = None) -> list[ValidRecord]:
    """The API's all-or-nothing check of a request body."""
    if not isinstance(body, list):
        raise ValidationFailed("The body is a JSON array of records", "请求内容应为记录数组", field="body")
    if not body:
        raise ValidationFailed("The batch holds no records", "批次中没有记录", field="body")
    if len(body) > MAX_RECORDS:
        raise ValidationFailed(f"At most {MAX_RECORDS} records per request", f"每批最多{MAX_RECORDS}条记录",
                               field="body")
    records, problems = check_records(body, now)
    if problems:
        raise InvalidRecords(problems, len(body))
    return records


# ------------------------------------------------------------------------------------------------ storing

@dataclass
class IngestResult:
    stored: int = 0
    replayed: int = 0
    people_created: int = 0
    conflicts: list[Problem] = field(default_factory=list)

    def as_dict(self, accepted: int) -> dict[str, Any]:
        return {"accepted": accepted, "stored": self.stored, "replayed": self.replayed,
                "people_created": self.people_created, "conflicts": [c.as_dict() for c in self.conflicts]}


def _people(records: list[ValidRecord]) -> tuple[dict[str, str], int]:
    """document key -> person_id for every record; unknown documents create their person (one batch read first)."""
    first_of: dict[str, ValidRecord] = {}
    for record in records:  # an inbound entry, when there is one, tells how to create the person
        known = first_of.get(record.document.key)
        if known is None or (record.kind == "INBOUND_ENTRY" and known.kind != "INBOUND_ENTRY"):
            first_of[record.document.key] = record
    markers = {marker_key(r.document): key for key, r in first_of.items()}
    found = {markers[item.key]: item.value for item in AuthItem.batch_get(list(markers), consistent_read=True)}
    created = 0
    for key, record in first_of.items():
        if key in found:
            continue
        country = record.details.get("country") if record.kind == "INBOUND_ENTRY" else None
        person, is_new = find_or_create(NewPerson(document=record.document, name=record.name, phone=record.phone,
                                                  kind=record.person_kind, country=country))
        found[key] = person.person_id
        created += int(is_new)
    return found, created


def _record_entries(records: list[ValidRecord], person_of: dict[str, str]) -> None:
    """An inbound entry tells the traveller's country (shown on their records) and, for a permit, the issue count
    of the card they entered with: kept on the person (a higher count is a renewed card; a lower one is not
    recorded, the later card stays the record the inbound page compares with)."""
    latest: dict[str, ValidRecord] = {}
    for record in records:
        if record.kind == "INBOUND_ENTRY":
            known = latest.get(person_of[record.document.key])
            if known is None or record.occurred_at > known.occurred_at:
                latest[person_of[record.document.key]] = record
    for person_id, record in latest.items():
        country = str(record.details["country"])
        for _ in range(3):
            person = Person.get(person_id, consistent_read=True)
            actions = [] if person.country == country else [Person.country.set(country)]
            try:
                count = issue_count_to_record(person.issue_count, record.document.issue_count, renewal_allowed=True)
            except IssueCountMismatch:
                count = None
            if count is not None:
                actions.append(Person.issue_count.set(count))
            if not actions:
                break
            try:
                person.update(actions=actions)
                break
            except UpdateError:
                continue  # someone else wrote the person meanwhile (status, phone): read again


def ingest(records: list[ValidRecord], source: str, now: datetime | None = None,
           refuse_conflicts: bool = False) -> IngestResult:
    """Store valid records once each: facts by batch write, then their idempotency markers.

    With `refuse_conflicts` (the API), a record whose event_id is stored with other content raises
    ConflictingRecords before anything (a person included) is written.
    """
    now = now or clock.now()
    result = IngestResult()
    if not records:
        return result
    unique: dict[str, ValidRecord] = {}
    for record in records:
        unique.setdefault(record.event_id, record)
    markers = {item.key: item for item in AuthItem.batch_get([f"event#{e}" for e in unique], consistent_read=True)}

    to_store: list[ValidRecord] = []
    check_stored: list[ValidRecord] = []
    for event_id, record in unique.items():
        marker = markers.get(f"event#{event_id}")
        if marker is None:
            to_store.append(record)
        elif (marker.data or {}).get("digest") != record.digest:
            result.conflicts.append(Problem(record.index, "event_id",
                                            "an event with this event_id and other content is already stored",
                                            "EVENT_CONFLICT", event_id))
        else:
            check_stored.append(record)
    if result.conflicts and refuse_conflicts:
        raise ConflictingRecords(result.conflicts, len(records))
    conflicting = {c.event_id for c in result.conflicts}
    person_of, result.people_created = _people([r for r in records if r.event_id not in conflicting])
    if check_stored:  # a replay whose fact never made it (crash between the two writes) is stored now
        keys = [(person_of[r.document.key], r.sk) for r in check_stored]
        present = {(item.person_id, item.sk) for item in HealthEvent.batch_get(keys, consistent_read=True)}
        for record in check_stored:
            if (person_of[record.document.key], record.sk) in present:
                result.replayed += 1
            else:
                to_store.append(record)
    result.replayed += len(records) - len(unique)  # the same record twice in one batch

    received_at = clock.iso(now)
    with HealthEvent.batch_write() as batch:
        for record in to_store:
            batch.save(HealthEvent(
                person_id=person_of[record.document.key], sk=record.sk, event_id=record.event_id, kind=record.kind,
                occurred_at=record.occurred_at, result=record.result, valid_from=record.valid_from,
                valid_until=record.valid_until, details=record.details or None, source=source,
                received_at=received_at))
    with AuthItem.batch_write() as batch:
        for record in to_store:
            batch.save(AuthItem(key=f"event#{record.event_id}", value=person_of[record.document.key],
                                data={"digest": record.digest, "sk": record.sk, "source": source}))
    result.stored = len(to_store)
    _record_entries([r for r in to_store if r.kind == "INBOUND_ENTRY"], person_of)
    logger.info("feed records stored", extra={"source": source, "stored": result.stored,
                                               "replayed": result.replayed, "conflicts": len(result.conflicts),
                                               "people_created": result.people_created})
    return result


# ------------------------------------------------------------------------------------------------ callers

def partner_caller(context: dict[str, Any] | None) -> str:
    """The partner behind a feed request, as the authorizer named it for a valid API key; sessions are refused."""
    context = context or {}
    principal = str(context.get("person_id") or "")
    if not principal:
        raise Unauthorized("A partner API key is required", "缺少接口密钥")
    if context.get("kind") != "partner" or not principal.startswith("partner:"):
        raise Forbidden("Only partner systems may send health events", "仅限数据对接单位调用")
    return principal
