"""Resident login: identity proof through the provider, then the one person for that document, then a session."""

from __future__ import annotations

from dataclasses import dataclass

from . import sessions
from .errors import ValidationFailed
from .identity import get_identity_provider
from .idnumbers import IdType, parse_document
from .people import NewPerson, find_or_create, normalise_phone, set_phone
from .roles import roles_at_login


@dataclass(frozen=True)
class LoginResult:
    token: str
    person_id: str
    roles: list[str]
    expires_at: int
    created: bool


def clean_name(name: str, field: str = "name") -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned or any(ch in cleaned for ch in "<>{}[]\\/;\"\t\n") or any(ch.isdigit() for ch in cleaned):
        raise ValidationFailed("Name contains characters a name cannot have", "姓名格式有误", field=field)
    return cleaned


def login(id_type: str, id_number: str, issue_count: str | None, name: str, phone: str | None, method: str,
          proof: str) -> LoginResult:
    document = parse_document(id_type, id_number, issue_count)
    if method == "WECHAT_PAY" and document.id_type is not IdType.ID_CARD:
        raise ValidationFailed("HK/Macau permit holders log in with face recognition", "港澳居民来往内地通行证请使用人脸识别登录",
                               field="method")
    name = clean_name(name)
    claimed_phone = normalise_phone(phone) if phone else None
    verified = get_identity_provider().verify(method, document, name, proof, claimed_phone)
    reported_phone = normalise_phone(verified.phone) if verified.phone else None
    person, created = find_or_create(NewPerson(document=document, name=name, phone=reported_phone))
    if not created and reported_phone and person.phone_masked is None:
        set_phone(person, reported_phone)
        person.save()
    roles = roles_at_login(person, document, name=name, phone=reported_phone)
    token, expires_at = sessions.issue(person.person_id, roles)
    return LoginResult(token=token, person_id=person.person_id, roles=roles, expires_at=expires_at, created=created)
