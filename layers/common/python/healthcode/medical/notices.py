"""Medical staff (section 4.(四)): role grants from the admins' list, and release-from-observation e-notices.

Grants: a system admin submits the list of table 4-1 (name, phone, unit, position). Each entry is stored as
`medical-grant#<keyed hash of (normalised name, E.164 phone)>` in the auth table: no name or phone in clear.
At login, a person whose name and reported phone match a grant gets the `medical` role, materialised once as a
`ROLE#medical` relation carrying unit and position (roles.roles_at_login picks it up on later logins; login claims it with identity.grants.claim_grant).

Notices: a medic scans the observed person's code; the e-notice is prefilled from the code (masked), stored as
a RELEASE_NOTICE health event of that person (status_stream then clears what it releases), listed in the
medic's history (`NOTICE#<notice_id>` relations of the medic, newest first) and in the person's records.
A submit retried with the same Idempotency-Key (scope: medic + key) issues nothing new and gets the first notice.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite
from ulid import ULID

from healthcode.codes.display import person_from_code
from healthcode.core import audit, clock, pii
from healthcode.core.caller import Caller
from healthcode.core.errors import ApiError, Forbidden, NotFound, ValidationFailed
from healthcode.core.idempotency import Idempotent
from healthcode.core.paging import start_key
from healthcode.identity.grants import GRANT_KIND, GRANT_PREFIX, STAFF_LIST, grant_id, grant_key, listed_grant
from healthcode.identity.people import clean_name, normalise_phone
from healthcode.identity.roles import MEDICAL, SYSTEM_ADMIN
from healthcode.models import AuthItem, HealthEvent, Person, Relation

MAX_STAFF = 1000
# The system admins' list of grants (the console): identity.grants.STAFF_LIST.
GRANT_ID = re.compile(r"^[0-9a-f]{64}$")


class StaffEntry(BaseModel):
    """One row of table 4-1: 姓名, 联系电话, 单位名称, 职位 (all required)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    phone: str = Field(min_length=5, max_length=32)
    unit: str = Field(min_length=1, max_length=100)
    position: str = Field(min_length=1, max_length=50)


@cache
def _connection() -> Connection:
    return Connection(region=HealthEvent.Meta.region, host=HealthEvent.Meta.host)


# ------------------------------------------------------------------------------------------------ grants

# Chinese for pydantic's error types on a staff entry (the page shows them under table 4-1's row)
_PROBLEMS_ZH = {"missing": "必填", "string_too_short": "不能为空", "string_too_long": "过长",
                "string_type": "应为文字", "extra_forbidden": "不支持的字段", "model_type": "应为一行人员信息"}


def grant_staff(who: Caller, raw: list[Any]) -> dict[str, Any]:
    """Store every entry of the list, or none: 400 names the index and field of every bad entry."""
    if not who.has(SYSTEM_ADMIN):
        raise Forbidden("Only system admins grant the medical role", "仅系统管理员可开通医护人员权限")
    if not raw:
        raise ValidationFailed("The list holds no staff", "名单为空", field="body")
    if len(raw) > MAX_STAFF:
        raise ValidationFailed(f"At most {MAX_STAFF} staff per request", f"每次最多{MAX_STAFF}人", field="body")
    problems: list[dict[str, Any]] = []
    grants: dict[str, AuthItem] = {}
    now = clock.iso(clock.now())
    for index, item in enumerate(raw):
        try:
            entry = StaffEntry.model_validate(item)
        except ValidationError as exc:
            problems += [{"index": index, "field": ".".join(str(p) for p in e["loc"]) or "entry",
                          "problem": "unknown field" if e["type"] == "extra_forbidden" else e["msg"],
                          "problem_zh": _PROBLEMS_ZH.get(e["type"], "格式有误")}
                         for e in exc.errors()]
            continue
        try:
            name = clean_name(entry.name)
            phone = normalise_phone(entry.phone)
        except ApiError as exc:
            problems.append({"index": index, "field": exc.field or "entry", "problem": exc.message,
                             "problem_zh": exc.message_zh})
            continue
        key = grant_key(name, phone)
        grants[key] = AuthItem(key=key, value=MEDICAL, data={
            "unit": entry.unit.strip(), "position": entry.position.strip(), "name_masked": pii.mask_name(name),
            "phone_masked": pii.mask_phone(phone), "granted_by": who.person_id, "granted_at": now})
    if problems:
        raise ValidationFailed(f"{len({p['index'] for p in problems})} of {len(raw)} entries are invalid; "
                               "nobody was granted", "名单中有错误，本次未开通任何人员",
                               field=f"staff[{problems[0]['index']}].{problems[0]['field']}",
                               details={"staff": problems})
    with AuthItem.batch_write() as batch:
        for item in grants.values():
            batch.save(item)
    with Relation.batch_write() as batch:
        for item in grants.values():
            batch.save(listed_grant(item, None, now))
    return {"granted": len(grants), "staff": [
        {k: item.data[k] for k in ("name_masked", "phone_masked", "unit", "position")} for item in grants.values()]}


def _system_admin(who: Caller) -> None:
    if not who.has(SYSTEM_ADMIN):
        raise Forbidden("Only system admins manage medical staff", "仅系统管理员可管理医护人员权限")


def list_staff(who: Caller, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    """GET /v1/admin/medical-staff: the grants of the admins' list (masked), one Query of its relations."""
    _system_admin(who)
    prefix = f"{GRANT_KIND}#"
    page = Relation.query(STAFF_LIST, Relation.sk.startswith(prefix), limit=limit,
                          last_evaluated_key=start_key(cursor, Relation, STAFF_LIST, prefix=prefix))
    items = [{"grant_id": item.target, **(item.data or {})} for item in page]
    return items, page.last_evaluated_key


def withdraw_staff(who: Caller, ref: str) -> dict[str, Any]:
    """DELETE /v1/admin/medical-staff/{person_id}: the medical role of a person who claimed a grant (or a grant not
    yet claimed, by its grant_id) is withdrawn: the role, the grant (no later login claims it again) and the list
    entry go in one transaction. The role is checked on every medical request, so it stops at once."""
    _system_admin(who)
    if GRANT_ID.match(ref or ""):
        try:
            listed = Relation.get(STAFF_LIST, f"{GRANT_KIND}#{ref}", consistent_read=True)
        except DoesNotExist:
            raise _no_grant() from None
        person_id, key = (listed.data or {}).get("person_id"), GRANT_PREFIX + ref
    else:
        if not re.match(r"^[0-9A-Za-z_-]{1,64}$", ref or ""):
            raise _no_grant()
        try:
            role = Relation.get(ref, f"ROLE#{MEDICAL}", consistent_read=True)
        except DoesNotExist:
            raise _no_grant() from None
        person_id, key = ref, (role.data or {}).get("grant")
    with TransactWrite(connection=_connection()) as tx:
        if person_id:
            tx.delete(Relation(owner=person_id, sk=f"ROLE#{MEDICAL}"))
        if key:
            tx.delete(AuthItem(key=key))
            tx.delete(Relation(owner=STAFF_LIST, sk=f"{GRANT_KIND}#{grant_id(key)}"))
    if person_id:
        audit.record(person_id, who.person_id, "MEDICAL_ROLE_WITHDRAWN", purpose=SYSTEM_ADMIN)
    return {"withdrawn": True, "person_id": person_id, "grant_id": grant_id(key) if key else None}


def _no_grant() -> NotFound:
    return NotFound("No medical grant for this person or id", "未找到该医护人员权限", field="person_id")


def _staff(who: Caller) -> dict[str, Any]:
    if not who.has(MEDICAL):
        raise Forbidden("Only medical staff issue release notices", "仅医护人员可出具解除医学观察告知书")
    try:
        return dict(Relation.get(who.person_id, f"ROLE#{MEDICAL}").data or {})
    except DoesNotExist:
        raise Forbidden("The medical role has been withdrawn", "医护人员权限已撤销") from None


# ------------------------------------------------------------------------------------------------ notices

class NoticeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    qr: str = Field(min_length=1, max_length=512)
    observation_from: date | None = None
    observation_until: date | None = None
    observation_place: str | None = Field(default=None, max_length=100)
    remarks: str | None = Field(default=None, max_length=200)


def issue_notice(who: Caller, request: NoticeRequest, idempotency_key: str | None = None) -> dict[str, Any]:
    """POST /v1/medical/notices: once per (medic, Idempotency-Key); the role is checked on every call."""
    staff = _staff(who)
    return NOTICE_ONCE({"actor_id": who.person_id, "idempotency_key": idempotency_key, "staff": staff,
                        "body": request.model_dump(mode="json")})


def _issue_notice(request: dict[str, Any]) -> dict[str, Any]:
    who_id, staff = request["actor_id"], request["staff"]
    form = NoticeRequest.model_validate(request["body"])
    today = clock.local_date(clock.now())
    if form.observation_until and form.observation_until > today:
        raise ValidationFailed("The observation has not ended yet", "医学观察尚未结束", field="observation_until")
    if form.observation_from and form.observation_until and form.observation_from > form.observation_until:
        raise ValidationFailed("observation_until is before observation_from", "观察结束日期早于开始日期",
                               field="observation_until")
    person, _ = person_from_code(form.qr)
    if person.person_id == who_id:
        raise Forbidden("Medical staff cannot release themselves", "不能为本人出具告知书")
    try:
        medic = Person.get(who_id)
        medic_name = medic.name_masked
    except DoesNotExist:
        medic_name = None
    now = clock.now()
    notice_id = str(ULID())
    event_id = f"notice-{notice_id}"
    issued_by = {"person_id": who_id, "name_masked": medic_name, "unit": staff.get("unit"),
                 "position": staff.get("position")}
    observation = {"observation_from": form.observation_from.isoformat() if form.observation_from else None,
                   "observation_until": form.observation_until.isoformat() if form.observation_until else None,
                   "observation_place": (form.observation_place or "").strip() or None,
                   "remarks": (form.remarks or "").strip() or None}
    notice = {"notice_id": notice_id, "person_id": person.person_id, "name_masked": person.name_masked,
              "id_type": person.id_type, "id_masked": person.id_masked, "issued_at": clock.iso(now),
              "issued_by": issued_by, **observation, "status": "ISSUED"}
    sk = f"{clock.iso(now)}#{event_id}"
    fact = HealthEvent(person_id=person.person_id, sk=sk, event_id=event_id, kind="RELEASE_NOTICE",
                       occurred_at=clock.iso(now), details={"notice_id": notice_id, "issued_by": issued_by,
                                                            **observation},
                       source=f"medical:{who_id}", received_at=clock.iso(now))
    history = Relation.make(who_id, "NOTICE", notice_id, clock.iso(now), data=notice)
    marker = AuthItem(key=f"event#{event_id}", value=person.person_id, data={"sk": sk, "source": fact.source})
    with TransactWrite(connection=_connection()) as tx:
        tx.save(fact, condition=HealthEvent.sk.does_not_exist())
        tx.save(history)
        tx.save(marker, condition=AuthItem.key.does_not_exist())
    audit.record(person.person_id, who_id, "RELEASE_NOTICE_ISSUED", purpose=MEDICAL)
    return notice


NOTICE_ONCE = Idempotent(_issue_notice, key_fields=("actor_id", "idempotency_key"), payload_fields=("body",))


def my_notices(who: Caller, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    _staff(who)
    page = Relation.query(who.person_id, Relation.sk.startswith("NOTICE#"), scan_index_forward=False, limit=limit,
                          last_evaluated_key=start_key(cursor, Relation, who.person_id, prefix="NOTICE#"))
    items = [dict(item.data or {}) for item in page]
    return items, page.last_evaluated_key
