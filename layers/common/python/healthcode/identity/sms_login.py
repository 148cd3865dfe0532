"""Logging in by phone: image captcha, then a 6-digit SMS code, then a session for whoever the phone belongs to.

Serves the inbound traveller's return visit (再次使用, guide 3.(二).2) and the management console's login of admins
(guide 4.(一)1(3), FAQ (四) 3): the person is found by phone whatever their kind - the phone bound to them, or the
admin phone registered for their organization or venue - and gets the roles a login gives them plus their places'.
Asking for a code never tells whether the phone belongs to anyone; only the holder of a right code learns it.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthcode.core import pii, ratelimit
from healthcode.core.errors import Conflict, NotFound
from healthcode.identity import captcha, otp, sessions
from healthcode.identity.idnumbers import IdDocument, IdType
from healthcode.identity.people import INBOUND_KIND, international_phone
from healthcode.identity.people import get as get_person
from healthcode.identity.roles import INBOUND, place_admin_roles, roles_at_login
from healthcode.models import Person, Place

PURPOSE = "login"
CODE_TEXT = "【粤康码】您的验证码为{code}，5分钟内有效，请勿泄露。Your Yuekang Code verification code is {code}, valid for 5 minutes."


@dataclass(frozen=True)
class SmsLogin:
    token: str
    person_id: str
    roles: list[str]
    expires_at: int


def request_code(phone: str, captcha_id: str, captcha_answer: str, source_ip: str | None = None) -> None:
    """Check (and use up) the captcha, then send the code; a wrong captcha sends nothing. A well-formed request
    counts against its source address's limit first (`ratelimit`), so one network cannot text every phone."""
    phone = international_phone(phone)
    ratelimit.take(ratelimit.AUTH_SMS_CODE, source_ip)
    captcha.verify(captcha_id, captcha_answer)
    otp.send_code(PURPOSE, phone, CODE_TEXT)


def holder_of(phone: str) -> str:
    """The one person this phone logs in: the person it is bound to (the provider's phone at WeChat login, an inbound
    traveller's own) and the admin of every place whose admin registered it (organizations' and venues' admin
    phones, guide 4.(一)1(3)). Two keyed Queries, by the phone's keyed hash: people's and places' `by_phone_hash`.

    A place counts only while the admin who registered the phone still holds it (`phone_admin_id`): after an admin
    change a venue's contact phone logs in nobody until the new admin registers one.
    """
    ref = pii.lookup_hash("phone", phone)
    holders = {holder.person_id for holder in Person.by_phone_hash.query(ref)}
    holders |= {place.admin_id for place in Place.by_phone_hash.query(ref)
                if place.admin_id and place.phone_admin_id == place.admin_id}
    if not holders:
        raise NotFound("No Yuekang Code is bound to this phone number; apply first",
                       "该手机号码未申领粤康码，请先填写基本信息申领", field="phone")
    if len(holders) > 1:
        raise Conflict("This phone number is bound to more than one person; log in another way",
                       "该手机号码绑定了多名人员，请使用其他方式登录", field="phone")
    return holders.pop()


def person_by_phone(phone: str) -> Person:
    return get_person(holder_of(phone))


def roles_for(person: Person) -> list[str]:
    """The roles a login gives the person, and the places they administer (`org_admin`, `venue_admin`, `grid_admin`:
    the console's grants); an inbound traveller gets the inbound role alone.

    A traveller's phone was bound by a real-name check only (name and document number, FAQ (二) 2), which
    anyone holding those two could pass with their own phone: it may show the code, never open a grant.
    """
    if person.kind == INBOUND_KIND:
        return [INBOUND]
    # roles_at_login compares the document number with the configured system admins: decrypt it here.
    roles = roles_at_login(person, IdDocument(IdType(person.id_type), pii.decrypt(person.id_enc), person.issue_count))
    return roles + [role for role in place_admin_roles(person.person_id) if role not in roles]


def login(phone: str, sms_code: str, source_ip: str | None = None) -> SmsLogin:
    """A well-formed attempt counts against its address's limit before the code is checked: one network cannot
    try codes across many phones (each phone locks on its own after five misses)."""
    phone = international_phone(phone)
    ratelimit.take(ratelimit.AUTH_SMS_LOGIN, source_ip)
    otp.verify_code(PURPOSE, phone, sms_code)
    person = person_by_phone(phone)
    roles = roles_for(person)
    token, expires_at = sessions.issue(person.person_id, roles)
    return SmsLogin(token=token, person_id=person.person_id, roles=roles, expires_at=expires_at)
