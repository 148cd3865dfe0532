"""Inbound travellers (入境人员粤康码, guide section 3 and FAQ (二)): the real-name check, applying, companions.

An inbound traveller exists once immigration's entry record (feed kind INBOUND_ENTRY) has created the
person (kind INBOUND, name as on the document). Applying checks only that the typed name belongs to the
document (实名验证, never 实人验证), with the FAQ's tolerance for how names get typed; it binds the phone
the page link is sent to, which later logs the traveller back in by SMS code. Companions (同行人员) pass
the same check and become MEMBER relations of the traveller, so every `member=` route serves them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import phonenumbers
from aws_lambda_powertools import Logger
from pynamodb.exceptions import PutError, UpdateError

from healthcode.core import audit, clock, pii, ratelimit
from healthcode.core.errors import (
    AlreadyCompanion,
    Conflict,
    DocumentNotFound,
    InvalidIdNumber,
    IssueCountMismatch,
    NameMismatch,
    NotFound,
    PhoneInUse,
    TooManyRequests,
    ValidationFailed,
)
from healthcode.core.paging import start_key
from healthcode.identity import sessions
from healthcode.identity.access import MEMBER
from healthcode.identity.idnumbers import IdDocument, IdType, parse_document
from healthcode.identity.people import (
    INBOUND_KIND,
    check_issue_count,
    clean_name,
    find_by_document,
    international_phone,
)
from healthcode.identity.people import get as get_person
from healthcode.identity.roles import INBOUND
from healthcode.identity.sms import get_sender
from healthcode.models import AuditEntry, AuthItem, HealthEvent, Person, Relation

logger = Logger(child=True)

ENTRY_KIND = "INBOUND_ENTRY"
COMPANION = "COMPANION"
DOCUMENT_TYPES = (IdType.PASSPORT, IdType.TAIWAN_PERMIT, IdType.HK_MACAU_PERMIT)
# One page-link SMS per phone per window: applying again (another name spelling, a lost session) must not
# turn the public apply route into a way of flooding a phone with messages.
LINK_RESEND_AFTER = timedelta(minutes=10)
# The real-name check is the only thing between a document number and its code (and the phone that logs it back
# in): names typed wrong this many times for one document, each within NAME_LOCK_FOR of the last, lock that
# document's check for NAME_LOCK_FOR, even for the right name. Generous, as the FAQ's variants are all accepted.
NAME_MISSES = 10
NAME_LOCK_FOR = timedelta(minutes=15)
LINK_TEXT = ("【粤康码】您已成功申领入境人员粤康码，再次使用请访问 {url} ，填写手机号码及短信验证码即可查看。"
             "Yuekang Code for inbound travellers: to see your code again, open {url} and log in with this phone.")


# --------------------------------------------------------------------------------------------- the name rules


def name_words(name: str) -> tuple[str, ...]:
    """A name as the FAQ compares it: case-insensitive, surrounding spaces trimmed, inner spaces collapsed,
    hyphens equal to spaces. NFC first, so an accent typed as a combining mark is the same letter."""
    text = unicodedata.normalize("NFC", name or "").replace("-", " ")
    return tuple(unicodedata.normalize("NFC", word.casefold()) for word in text.split())


def names_match(typed: str, on_document: str) -> bool:
    """True when `typed` is the document's name under the FAQ's rules, and nothing looser.

    Word order: the document gives the surname first (SURNAME, then GIVEN NAMES); the traveller may type
    the surname block and the given-names block the other way round. The entry record holds the name as
    one string, so where the surname ends is not known: any word boundary may be that point, i.e. the
    typed words may be the document's words rotated at one boundary ("SMITH JOHN PAUL" may be typed
    "JOHN PAUL SMITH" or "PAUL SMITH JOHN", "DE LA CRUZ MARIA" as "MARIA DE LA CRUZ"). Refused: any other
    order ("JOHN SMITH PAUL"), a missing, extra, joined or abbreviated word, other letters (accents
    dropped or added), other punctuation than hyphens.
    """
    typed_words, document_words = name_words(typed), name_words(on_document)
    if not typed_words or len(typed_words) != len(document_words):
        return False
    if typed_words == document_words:
        return True
    return any(typed_words == document_words[cut:] + document_words[:cut] for cut in range(1, len(document_words)))


# --------------------------------------------------------------------------------------------- checks


def document_of(doc_type: str, doc_number: str, issue_count: str | None) -> IdDocument:
    """A validated travel document; the errors name this API's fields (doc_number, issue_count)."""
    try:
        document = parse_document(doc_type, doc_number, issue_count)
    except InvalidIdNumber as error:
        error.field = "doc_number" if error.field == "id_number" else error.field
        raise
    except ValueError:
        raise ValidationFailed("Unknown document type", "证件类型有误", field="doc_type") from None
    if document.id_type not in DOCUMENT_TYPES:
        raise ValidationFailed("Inbound travellers use a passport or a permit", "请选择护照或通行证", field="doc_type")
    if document.issue_count is None and (issue_count or "").strip():
        # FAQ (二) 3: only the HK/Macau and Taiwan permits carry an issue count; one sent with a passport means the
        # form mixed up the document type, and is refused rather than dropped.
        raise ValidationFailed("A passport has no issue count; issue_count is for HK/Macau and Taiwan permits only",
                               "护照无需填写签发次数", field="issue_count")
    return document


def country_of(country: str) -> str:
    """An ISO 3166-1 alpha-2 code (the regions phonenumbers knows: every country and region with a phone plan)."""
    code = (country or "").strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationFailed("country must be an ISO 3166-1 alpha-2 code, e.g. US", "请选择国家/地区",
                               field="country")
    return code


def has_entry_record(person_id: str) -> bool:
    """Any INBOUND_ENTRY fact in the person's partition (a Query on the key, newest first)."""
    facts = HealthEvent.query(person_id, filter_condition=HealthEvent.kind == ENTRY_KIND, scan_index_forward=False,
                              limit=1, page_size=100)
    return next(iter(facts), None) is not None


def checked_traveller(document: IdDocument, typed_name: str) -> Person:
    """The inbound traveller holding this document, if the typed name is theirs.

    Unknown document, a resident's document and a traveller without an entry record all answer the same
    DOCUMENT_NOT_FOUND, so the route tells nothing about who exists. Names are not guessed without end: each
    comparison first reserves one of NAME_MISSES attempts for the document (one conditional write, so containers
    racing each other compare NAME_MISSES names between them, no more); a right name gives its attempt back, the
    NAME_MISSES-th wrong one locks the check for NAME_LOCK_FOR (429 with Retry-After), even for the right name.
    """
    person = find_by_document(document)
    if person is None or person.kind != INBOUND_KIND or not has_entry_record(person.person_id):
        raise DocumentNotFound(field="doc_number")
    now = clock.now()
    misses_key = _misses_key(person.person_id)
    attempt = ratelimit.reserve_attempt(misses_key, NAME_MISSES, NAME_LOCK_FOR, now)
    if attempt is None:  # the NAME_MISSES-th wrong guess was made: locked until the misses expire
        raise _name_locked(ratelimit.seconds_until_free(misses_key, now, NAME_LOCK_FOR))
    try:
        if not names_match(typed_name, pii.decrypt(person.name_enc)):
            raise NameMismatch(field="name")
        # Only a name was checked: the permit must be the one immigration recorded, not an older or newer card.
        # A wrong count is a wrong guess at the document, counted like a wrong name.
        person = check_issue_count(person, document, renewal_allowed=False)
    except (NameMismatch, IssueCountMismatch):
        if attempt >= NAME_MISSES:
            raise _name_locked(int(NAME_LOCK_FOR.total_seconds())) from None
        raise
    ratelimit.release_attempt(misses_key)
    return person


def _misses_key(person_id: str) -> str:
    """The document's reserved name checks: its count at NAME_MISSES, live, is the lock (no second item)."""
    return f"inbound-name-miss#{person_id}"


def _name_locked(retry_after: int) -> TooManyRequests:
    return TooManyRequests(retry_after, "Too many wrong names for this document; try again in 15 minutes",
                           "该证件的姓名校验错误次数过多，请15分钟后再试")


# --------------------------------------------------------------------------------------------- applying


@dataclass(frozen=True)
class Application:
    token: str
    person_id: str
    roles: list[str]
    expires_at: int
    link_sent: bool


def apply(name: str, country: str, doc_type: str, doc_number: str, issue_count: str | None, phone: str,
          page_url: str, source_ip: str | None = None) -> Application:
    """First use (首次使用): real-name check, bind the phone, send the page link, open a session.

    The session carries the inbound role only: a real-name check proves knowledge of a name and a
    document number, not who is holding the phone, so it never opens granted roles. A well-formed request
    counts against its source address's limit (`ratelimit`) before any document is looked up, so answering
    DOCUMENT_NOT_FOUND and NAME_MISMATCH apart (the FAQ's two messages) does not let anyone list who entered.
    """
    clean_name(name)
    document = document_of(doc_type, doc_number, issue_count)
    region = country_of(country)
    phone = international_phone(phone)
    ratelimit.take(ratelimit.INBOUND_APPLY, source_ip)
    person = checked_traveller(document, name)
    bind_phone(person, phone, region)
    link_sent = send_page_link(phone, page_url)
    token, expires_at = sessions.issue(person.person_id, [INBOUND])
    return Application(token=token, person_id=person.person_id, roles=[INBOUND], expires_at=expires_at,
                       link_sent=link_sent)


def bind_phone(person: Person, phone: str, country: str | None = None) -> None:
    """The phone that logs this traveller back in; a phone another person uses is refused (409).

    An update of the phone fields alone (never a whole-item save), so a colour written meanwhile by the
    status stream is not overwritten; the version attribute makes a concurrent change retry.
    """
    phone_hash = pii.lookup_hash("phone", phone)
    holders = {holder.person_id for holder in Person.by_phone_hash.query(phone_hash)}
    if holders - {person.person_id}:
        raise PhoneInUse(field="phone")
    for _ in range(3):
        actions = []
        if person.phone_hash != phone_hash:
            actions += [Person.phone_hash.set(phone_hash), Person.phone_enc.set(pii.encrypt(phone)),
                        Person.phone_masked.set(pii.mask_phone(phone))]
        if country and not person.country:  # immigration's record wins; the form only fills a gap
            actions.append(Person.country.set(country))
        if not actions:
            return
        try:
            person.update(actions=actions)
            return
        except UpdateError:
            person = get_person(person.person_id)
    raise Conflict("The traveller was being changed; try again", "请稍后重试")


def send_page_link(phone: str, page_url: str) -> bool:
    """Text the page link (首次使用后…收到入境人员粤康码网址的短信), at most once per phone per window."""
    now = clock.now()
    window = AuthItem(key=f"inbound-link#{pii.lookup_hash('phone', phone)}", expires_at=now + LINK_RESEND_AFTER)
    try:
        window.save(condition=AuthItem.key.does_not_exist() | (AuthItem.expires_at <= now))
    except PutError:
        return False
    try:
        get_sender().send(phone, LINK_TEXT.format(url=page_url))
    except Exception:  # noqa: BLE001 - any SMS failure: the traveller still gets their code, and may retry
        logger.warning("page link not sent", exc_info=True)
        window.delete()
        return False
    return True


# --------------------------------------------------------------------------------------------- companions


def _view(person: Person, added_at: str) -> dict[str, Any]:
    return {
        "person_id": person.person_id,
        "name": pii.decrypt(person.name_enc),
        "name_masked": person.name_masked,
        "doc_type": person.id_type,
        "doc_masked": person.id_masked,
        "country": person.country,
        "added_at": added_at,
    }


def add_companion(traveller_id: str, name: str, doc_type: str, doc_number: str,
                  issue_count: str | None) -> dict[str, Any]:
    """添加同行人员: the same real-name check against the entry records, then a MEMBER relation."""
    clean_name(name)
    document = document_of(doc_type, doc_number, issue_count)
    companion = checked_traveller(document, name)
    if companion.person_id == traveller_id:
        raise ValidationFailed("This is your own document", "不能添加本人为同行人员", field="doc_number")
    added_at = clock.iso(clock.now())
    relation = Relation.make(traveller_id, MEMBER, companion.person_id, added_at, relation=COMPANION)
    try:
        relation.save(condition=Relation.owner.does_not_exist())
    except PutError:
        raise AlreadyCompanion(field="doc_number") from None
    audit.record(companion.person_id, traveller_id, "companion.add", "inbound companion")
    return _view(companion, added_at)


def list_companions(traveller_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    """The traveller's companions in the order added to the key (by id), full names for the switcher.

    Showing a companion's name to the traveller who added them is allowed (they act for the companion);
    each such read still leaves an audit entry on the companion.
    """
    page = Relation.query(traveller_id, Relation.sk.startswith(f"{MEMBER}#"),
                          filter_condition=Relation.relation == COMPANION, limit=limit,
                          last_evaluated_key=start_key(cursor, Relation, traveller_id, prefix=f"{MEMBER}#"))
    relations = list(page)
    people = {p.person_id: p for p in Person.batch_get([r.target for r in relations])} if relations else {}
    items = [_view(people[r.target], r.created_at) for r in relations if r.target in people]
    if items:
        with AuditEntry.batch_write() as batch:
            for item in items:
                batch.save(audit.entry(item["person_id"], traveller_id, "companion.list", "inbound companion switcher"))
    return items, page.last_evaluated_key


def remove_companion(traveller_id: str, companion_id: str) -> None:
    relation = Relation.find(traveller_id, f"{MEMBER}#{companion_id}")
    if relation is None or relation.relation != COMPANION:
        raise NotFound("No such companion", "未找到该同行人员", field="person_id")
    relation.delete()
