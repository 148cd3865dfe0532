"""Health declarations (健康申报, 2.(三).5): validated, append-only (FAQ 9), and what scanners see as the latest one.

A declaration is never edited or deleted; a correction is a new declaration. Inbound travellers have no
declarations (FAQ (二) 1). A declaration that names a place (always for ORG_MEMBER) needs the person to be
bound to that organization (`ORG#<place_id>` relation), so nobody can write into another organization's
daily declarations. A submit retried with the same Idempotency-Key (scope: declarant + subject + key) stores
nothing new and gets the first answer (`declare_once`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from ulid import ULID

from healthcode.core import clock
from healthcode.core.errors import InboundNoDeclaration, NotBoundToOrganization, ValidationFailed
from healthcode.core.idempotency import Idempotent
from healthcode.core.paging import start_key
from healthcode.identity.roles import INBOUND
from healthcode.models import Declaration, Relation, catalogue

# The catalogue's lists as the types the routes validate against (healthcode.models.catalogue holds the words).
DeclarationType = Enum("DeclarationType", {code: code for code in catalogue.DECLARATION_TYPES}, type=str,
                       module=__name__)
Symptom = Enum("Symptom", {code.upper(): code for code in catalogue.SYMPTOMS}, type=str, module=__name__)
TYPE_LABELS = {DeclarationType(code): label for code, label in catalogue.DECLARATION_TYPES.items()}
SYMPTOM_LABELS = {Symptom(code): label for code, label in catalogue.SYMPTOMS.items()}
QUESTIONS = catalogue.QUESTIONS

TEMPERATURE_MIN = Decimal("35.0")
TEMPERATURE_MAX = Decimal("42.0")
FEVER_FROM = Decimal("37.3")
MAX_ANSWERS = 20
MAX_ANSWER_LENGTH = 200
ANSWER_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PLACE_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


@dataclass(frozen=True)
class NewDeclaration:
    type: DeclarationType
    place_id: str | None = None
    temperature_c: float | None = None
    symptoms: list[str] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)


def temperature(value: float | int | str | None, field_name: str = "temperature_c") -> Decimal | None:
    """Body temperature in °C with at most one decimal, 35.0-42.0 (what a thermometer can honestly show)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationFailed("Temperature must be a number", "体温须为数字", field=field_name)
    try:
        reading = Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed("Temperature must be a number", "体温须为数字", field=field_name) from None
    if not reading.is_finite():
        raise ValidationFailed("Temperature must be a number", "体温须为数字", field=field_name)
    if not TEMPERATURE_MIN <= reading <= TEMPERATURE_MAX:
        raise ValidationFailed(f"Temperature must be between {TEMPERATURE_MIN} and {TEMPERATURE_MAX} °C",
                               f"体温须在{TEMPERATURE_MIN}℃至{TEMPERATURE_MAX}℃之间", field=field_name)
    if reading != reading.quantize(Decimal("0.1")):
        raise ValidationFailed("Temperature has at most one decimal", "体温最多保留一位小数", field=field_name)
    return reading.quantize(Decimal("0.1"))


def symptoms(values: list[str], field_name: str = "symptoms") -> list[str]:
    """Known symptoms only, each once, in the order given."""
    chosen: list[str] = []
    for index, value in enumerate(values or []):
        if value not in Symptom._value2member_map_:
            raise ValidationFailed(f"Unknown symptom '{value}'", "症状不在可选范围内", field=f"{field_name}.{index}")
        if value not in chosen:
            chosen.append(value)
    return chosen


def answers(values: dict[str, Any], field_name: str = "answers") -> dict[str, str | bool]:
    """A small dict of yes/no and short text answers."""
    if not isinstance(values, dict):
        raise ValidationFailed("Answers must be an object", "申报内容格式有误", field=field_name)
    if len(values) > MAX_ANSWERS:
        raise ValidationFailed(f"At most {MAX_ANSWERS} answers", f"申报内容最多{MAX_ANSWERS}项", field=field_name)
    cleaned: dict[str, str | bool] = {}
    for key, value in values.items():
        if not isinstance(key, str) or not ANSWER_KEY.match(key):
            raise ValidationFailed(f"Answer key '{key}' is not a question id", "申报问题编号有误", field=f"{field_name}.{key}")
        if isinstance(value, bool):
            cleaned[key] = value
        elif isinstance(value, str) and len(value.strip()) <= MAX_ANSWER_LENGTH:
            cleaned[key] = value.strip()
        else:
            raise ValidationFailed(f"Answer '{key}' must be yes/no or a text of at most {MAX_ANSWER_LENGTH} characters",
                                   f"申报内容须为是/否或不超过{MAX_ANSWER_LENGTH}字的文字", field=f"{field_name}.{key}")
    return cleaned


def is_fever(reading: Decimal | None, chosen: list[str]) -> bool:
    return "fever" in chosen or (reading is not None and reading >= FEVER_FROM)


def declare(subject_id: str, declared_by: str, caller_roles: frozenset[str] | set[str],
            new: NewDeclaration) -> dict[str, Any]:
    """Validate everything, check the organization binding, then append one declaration."""
    if INBOUND in caller_roles:
        raise InboundNoDeclaration()
    reading = temperature(new.temperature_c)
    chosen = symptoms(new.symptoms)
    given = answers(new.answers)
    place_id = new.place_id.strip() if new.place_id else None
    if new.type is DeclarationType.ORG_MEMBER and not place_id:
        raise ValidationFailed("An organization member's declaration names the organization",
                               "组织机构成员健康申报须选择组织机构", field="place_id")
    if place_id is not None:
        if not PLACE_ID.match(place_id):
            raise ValidationFailed("Malformed place_id", "组织机构编号有误", field="place_id")
        if Relation.find(subject_id, f"ORG#{place_id}") is None:
            raise NotBoundToOrganization(field="place_id")
    moment = clock.now()
    declaration_id = str(ULID())
    item = Declaration(
        person_id=subject_id,
        sk=f"{clock.iso(moment)}#{declaration_id}",
        declaration_id=declaration_id,
        type=new.type.value,
        place_id=place_id,
        place_date=f"{place_id}#{clock.local_date(moment).isoformat()}" if place_id else None,
        temperature_c=float(reading) if reading is not None else None,
        symptoms=chosen,
        answers=given,
        declared_by=declared_by,
        created_at=clock.iso(moment),
    )
    item.save(condition=Declaration.sk.does_not_exist())  # append-only, even against a replayed write
    return view(item)


def _declare(request: dict[str, Any]) -> dict[str, Any]:
    body = request["body"]
    return declare(request["subject_id"], request["actor_id"], set(request["roles"]), NewDeclaration(
        type=DeclarationType(body["type"]), place_id=body["place_id"], temperature_c=body["temperature_c"],
        symptoms=body["symptoms"], answers=body["answers"]))


DECLARE_ONCE = Idempotent(_declare, key_fields=("actor_id", "subject_id", "idempotency_key"), payload_fields=("body",))


def declare_once(subject_id: str, declared_by: str, caller_roles: frozenset[str] | set[str], new: NewDeclaration,
                 idempotency_key: str | None) -> dict[str, Any]:
    """`declare`, once per (declarant, subject, Idempotency-Key): a retry gets the first answer, with another
    body a 422 naming Idempotency-Key. Without a key it is `declare`."""
    return DECLARE_ONCE({
        "actor_id": declared_by, "subject_id": subject_id, "idempotency_key": idempotency_key,
        "roles": sorted(caller_roles),
        "body": {"type": new.type.value, "place_id": new.place_id, "temperature_c": new.temperature_c,
                 "symptoms": list(new.symptoms), "answers": dict(new.answers)},
    })


def view(item: Declaration) -> dict[str, Any]:
    reading = Decimal(str(item.temperature_c)) if item.temperature_c is not None else None
    chosen = list(item.symptoms or [])
    kind = DeclarationType(item.type) if item.type in DeclarationType.__members__ else None
    given = dict(item.answers or {})
    return {
        "declaration_id": item.declaration_id,
        "person_id": item.person_id,
        "type": item.type,
        "type_label": TYPE_LABELS[kind] if kind else item.type,
        "place_id": item.place_id,
        "temperature_c": float(reading) if reading is not None else None,
        "symptoms": chosen,
        "symptom_labels": [SYMPTOM_LABELS[Symptom(s)] for s in chosen if s in Symptom._value2member_map_],
        "answers": given,
        "answer_labels": {key: QUESTIONS[key] for key in given if key in QUESTIONS},
        "fever": is_fever(reading, chosen),
        "declared_at": item.created_at,
        "declared_by_guardian": item.declared_by != item.person_id,
    }


def list_declarations(subject_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    """The person's declarations, newest first (one Query on the key)."""
    page = Declaration.query(subject_id, scan_index_forward=False, limit=limit,
                             last_evaluated_key=start_key(cursor, Declaration, subject_id))
    items = [view(item) for item in page]
    return items, page.last_evaluated_key
