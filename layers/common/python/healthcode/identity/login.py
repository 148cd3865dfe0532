"""Resident login: identity proof through the provider, then the one person for that document, then a session."""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import UpdateError

from healthcode.core import pii, ratelimit
from healthcode.core.errors import Conflict, ValidationFailed
from healthcode.identity import sessions
from healthcode.identity.grants import claim_grant
from healthcode.identity.idnumbers import IdType, parse_document
from healthcode.identity.people import (
    NewPerson,
    check_issue_count,
    clean_name,
    find_or_create,
    normalise_phone,
    set_phone,
)
from healthcode.identity.people import get as get_person
from healthcode.identity.providers import get_identity_provider
from healthcode.identity.roles import MEDICAL, roles_at_login
from healthcode.models import Person

INBOUND_KIND = "INBOUND"  # as healthcode.inbound.travellers names it (that module imports this one)


@dataclass(frozen=True)
class LoginResult:
    token: str
    person_id: str
    roles: list[str]
    expires_at: int
    created: bool


def become_resident(person: Person, reported_phone: str | None) -> Person:
    """An HK/Macau permit holder known as an inbound traveller (immigration's entry record created them) who now logs
    in to the WeChat version: FAQ 7 says that is their version, so they become a resident (resident role, code R).

    The phone bound on the inbound page passed a real-name check only (name and document number, FAQ (二) 2), so it
    is not carried over to a resident, whose SMS login opens granted roles: the provider's phone replaces it, or
    the binding is dropped. An update of these fields alone, so a colour written meanwhile is kept.
    """
    for _ in range(3):
        actions = [Person.kind.set("RESIDENT")]
        if reported_phone:
            actions += [Person.phone_hash.set(pii.lookup_hash("phone", reported_phone)),
                        Person.phone_enc.set(pii.encrypt(reported_phone)),
                        Person.phone_masked.set(pii.mask_phone(reported_phone))]
        else:
            actions += [Person.phone_hash.remove(), Person.phone_enc.remove(), Person.phone_masked.remove()]
        try:
            person.update(actions=actions)
            return person
        except UpdateError:
            person = get_person(person.person_id)
    raise Conflict("The person was being changed; try again", "请稍后重试")


def take_verified_name(person: Person, name: str) -> Person:
    """The identity provider has just vouched for `name` with this document, so it is the person's name from now on.

    A person first created by a partner feed (a test lab's spelling, a typo, a former name) or by immigration's
    entry record keeps that name until a verified login says otherwise; this is where it does. Stored as
    people.build stores it (encrypted + masked), by an update of these two fields alone (a colour written
    meanwhile is kept; the version attribute makes a concurrent change retry). The same name writes nothing.
    """
    for _ in range(3):
        if pii.decrypt(person.name_enc) == name:
            return person
        try:
            person.update(actions=[Person.name_enc.set(pii.encrypt(name)), Person.name_masked.set(pii.mask_name(name))])
            return person
        except UpdateError:
            person = get_person(person.person_id)
    raise Conflict("The person was being changed; try again", "请稍后重试")


def login(id_type: str, id_number: str, issue_count: str | None, name: str, phone: str | None, method: str,
          proof: str, source_ip: str | None = None) -> LoginResult:
    document = parse_document(id_type, id_number, issue_count)
    if method == "WECHAT_PAY" and document.id_type is not IdType.ID_CARD:
        raise ValidationFailed("HK/Macau permit holders log in with face recognition", "港澳居民来往内地通行证请使用人脸识别登录",
                               field="method")
    name = clean_name(name)
    claimed_phone = normalise_phone(phone) if phone else None
    ratelimit.take(ratelimit.AUTH_LOGIN, source_ip)  # well-formed: counts before the provider is asked
    verified = get_identity_provider().verify(method, document, name, proof, claimed_phone)
    reported_phone = normalise_phone(verified.phone) if verified.phone else None
    person, created = find_or_create(NewPerson(document=document, name=name, phone=reported_phone))
    if not created:  # the provider checked this very card: a renewed permit's higher count is recorded
        person = check_issue_count(person, document, renewal_allowed=True)
    if not created and person.kind == INBOUND_KIND:
        person = become_resident(person, reported_phone)
    elif not created and reported_phone and person.phone_masked is None:
        set_phone(person, reported_phone)
        person.save()
    if not created:  # both methods are the provider's real-name check of this name with this document
        person = take_verified_name(person, name)
    roles = roles_at_login(person, document)
    if MEDICAL not in roles and claim_grant(person.person_id, name, reported_phone):  # section 4.(四): by name, phone
        roles.append(MEDICAL)
    token, expires_at = sessions.issue(person.person_id, roles)
    return LoginResult(token=token, person_id=person.person_id, roles=roles, expires_at=expires_at, created=created)
