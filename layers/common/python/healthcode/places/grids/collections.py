"""Door-to-door collections (信息采集, guide 四(三)(2)3) and the authorized workers' reads of a person.

A collection costs at most three DynamoDB calls beyond the idempotency record:
1. the person: a GetItem for a scanned code (its version decides whether the code was re-issued), or, for a manual
   entry (people without a phone), ONE Query of the people index `by_document` (colour, reasons, masked name);
   a document nobody registered yet creates the person, as a feed does (more calls, once per person);
2. ONE TransactWriteItems: condition checks that the worker is bound to the grid and the grid is ACTIVE, the
   collection (a Check of kind GRID_COLLECTION), its audit entry and the `GRID_SEEN#<grid>` marker on the person
   (by which the key-person stream finds the person's grids when their colour changes) - so an unbound worker, a
   grid pending or being dissolved, or a code that does not resolve writes nothing;
3. the person's latest declaration (one Query, limit 1), shown masked (no personal data in it).
Statistics and key persons follow from the checks stream (healthcode.places.grids.stats / keypersons).
A retry carries the Idempotency-Key: `healthcode.core.idempotency` (key = grid + worker + key) answers it with the
first answer, and the collection is stored once.

Unauthorized workers see what the collection answers (masked name and phone, colour, reasons, the latest
declaration's summary). Authorized workers also read `people/{person_id}`: the full name, phone and declarations of
a person collected in their grid; every such read writes an audit entry.
"""

from __future__ import annotations

from typing import Any

from ulid import ULID

from healthcode.codes.display import check_holder
from healthcode.codes.tokens import PERSON_CODES, verify
from healthcode.colour.reasons import describe
from healthcode.colour.status import as_of
from healthcode.core import audit, clock, pii
from healthcode.core.batch import get_many
from healthcode.core.errors import (
    GridNotActive,
    GridWorkerNotAuthorized,
    InvalidIdNumber,
    NotFound,
    NotGridWorker,
    ServiceUnavailable,
    ValidationFailed,
)
from healthcode.core.idempotency import Idempotent
from healthcode.core.paging import start_key
from healthcode.core.tx import Cancelled, Tx, commit_retrying
from healthcode.identity.idnumbers import IdType, parse_document
from healthcode.identity.people import (
    NewPerson,
    clean_name,
    find_or_create,
    id_hash,
    normalise_phone,
    status_by_document,
)
from healthcode.models import AuditEntry, Check, Declaration, Person, Place, Relation
from healthcode.models.catalogue import RISK_QUESTIONS
from healthcode.models.declarations import latest_summary
from healthcode.places.grids import ACTIVE, COLLECTION, GRID, SEEN
from healthcode.places.grids.grids import no_such_grid
from healthcode.places.venues.checks import age_group

MANUAL = "MANUAL"
MAX_ANSWERS = 30
TRANSACTION_ATTEMPTS = 4


def seen_marker(person_id: str, place_id: str, at: str) -> Relation:
    return Relation(owner=person_id, sk=f"{SEEN}#{place_id}", target=place_id, inverse_sk=f"{SEEN}#{person_id}",
                    kind=SEEN, created_at=at)


def clean_answers(answers: dict[str, Any] | None) -> dict[str, Any]:
    """The door-to-door answers: at most 30, keys 1-40 characters, values true/false, numbers or text of 200."""
    answers = answers or {}
    if len(answers) > MAX_ANSWERS:
        raise ValidationFailed(f"answers holds at most {MAX_ANSWERS} entries", "问题答案过多", field="answers")
    for key, value in answers.items():
        if not 1 <= len(key) <= 40:
            raise ValidationFailed("answers: keys are 1-40 characters", "问题编号有误", field="answers")
        if isinstance(value, str) and len(value) > 200:
            raise ValidationFailed(f"answers.{key} is longer than 200 characters", "答案过长", field=f"answers.{key}")
        if not isinstance(value, bool | int | float | str) or value is None:
            raise ValidationFailed(f"answers.{key} must be true/false, a number or text", "答案格式有误",
                                   field=f"answers.{key}")
    return dict(answers)


def _alert(color: str) -> dict[str, str] | None:
    if color != "RED":
        return None
    return {"level": "RED", "message": "Red code: a key person (重点管控人员); follow the local handling rules",
            "message_zh": "红码人员：请按当地相应处理办法进一步核实和处理"}


def _manual_person(entry: dict[str, Any]) -> tuple[Person, str | None]:
    """The person a manual entry names: ONE Query of `by_document` for someone registered; created otherwise."""
    name = clean_name(entry.get("name") or "", "person.name")
    kind = entry.get("id_type") or "ID_CARD"
    try:
        document = parse_document(IdType(kind), entry.get("id_number") or "",
                                  "01" if kind == IdType.HK_MACAU_PERMIT.value else None)
    except InvalidIdNumber as error:
        raise InvalidIdNumber(error.message, error.message_zh, field="person.id_number") from None
    phone = normalise_phone(entry["phone"], "person.phone") if entry.get("phone") else None
    found = status_by_document(id_hash(document))
    if found is None:  # never registered, or created a moment ago (the index lags): the one person of the document
        found, _ = find_or_create(NewPerson(document, name, phone, phone_logs_in=False))  # typed by the worker
    return found, pii.mask_phone(phone) if phone else None


def _commit(place_id: str, worker_id: str, check: Check, entry: AuditEntry, seen: Relation) -> None:
    """The one transaction: worker bound, grid ACTIVE, then the collection, its audit entry and the seen marker."""
    def build() -> Tx:
        return (Tx()
                .check("worker", Relation, worker_id, f"{GRID}#{place_id}", Relation.owner.exists())
                .check("grid", Place, place_id, None, (Place.kind == GRID) & (Place.status == ACTIVE))
                .put("collection", check, Check.sk.does_not_exist())
                .put("audit", entry, AuditEntry.at.does_not_exist())
                .put("seen", seen))

    try:
        commit_retrying(build, TRANSACTION_ATTEMPTS)
    except Cancelled as cancelled:
        if cancelled.failed("worker"):
            raise NotGridWorker(field="id") from None
        if cancelled.failed("grid"):
            raise GridNotActive(field="id") from None
        raise ServiceUnavailable("Storage busy, try again", "系统繁忙，请稍后再试") from cancelled


def _collect(request: dict[str, Any]) -> dict[str, Any]:
    place_id, worker_id = request["place_id"], request["actor_id"]
    moment = clock.now()
    if request.get("qr"):
        claims = verify(request["qr"], PERSON_CODES)  # forged / tampered / garbage: 400, nothing read
        try:
            stored = Person.get(claims.subject)  # DynamoDB call 1
        except Person.DoesNotExist:
            stored = None
        person = check_holder(claims, stored)
        phone_masked, entry_kind, code_type = person.phone_masked, "QR", claims.type.value
    else:
        person, phone_masked = _manual_person(request["person"])  # DynamoDB call 1 (a registered person)
        entry_kind, code_type = MANUAL, MANUAL
        if phone_masked is None:
            phone_masked = person.phone_masked if person.phone_masked else None
    shown = as_of(person.color, person.reasons, moment)
    today = clock.local_date(moment)
    at = clock.iso(moment)
    collection_id = str(ULID())
    details: dict[str, Any] = {"entry": entry_kind, "answers": request.get("answers") or {}}
    if request.get("note"):
        details["note"] = request["note"]
    if shown.color == "RED":  # what the key-person entry starts from (healthcode.places.grids.stats)
        details |= {"reasons": [r["code"] for r in shown.reasons], "name_masked": person.name_masked,
                    "phone_masked": phone_masked or ""}
        if getattr(person, "name_enc", None):
            details["name_enc"] = person.name_enc
    check = Check(place_date=f"{place_id}#{today.isoformat()}", sk=f"{at}#{collection_id}", check_id=collection_id,
                  place_id=place_id, kind=COLLECTION, person_id=person.person_id, inspector_id=worker_id,
                  temperature=request.get("temperature"), color=shown.color, code_type=code_type,
                  gender=person.gender or "unknown", age_group=age_group(person.birth_date, today), checked_at=at,
                  details=details)
    entry = audit.entry(person.person_id, worker_id, "GRID_COLLECTION", "grid door-to-door collection (信息采集)",
                        place_id)
    _commit(place_id, worker_id, check, entry, seen_marker(person.person_id, place_id, at))  # DynamoDB call 2
    return {
        "collection_id": collection_id, "place_id": place_id, "collected_at": at, "entry": entry_kind,
        "temperature": check.temperature,
        "person": {"person_id": person.person_id, "name_masked": person.name_masked, "phone_masked": phone_masked,
                   "color": shown.color, "reasons": describe(shown.reasons)},
        "latest_declaration": latest_summary(person.person_id),  # DynamoDB call 3
        "alert": _alert(shown.color),
    }


COLLECT_ONCE = Idempotent(_collect, key_fields=("place_id", "actor_id", "idempotency_key"),
                          payload_fields=("qr", "person", "temperature", "answers", "note"), mark_replayed=True)


def collect(place_id: str, worker_id: str, idempotency_key: str, qr: str | None, person: dict[str, Any] | None,
            temperature: str | None, answers: dict[str, Any] | None, note: str | None) -> dict[str, Any]:
    """POST /v1/grids/{id}/collections: exactly one of a scanned code or a manual entry."""
    from healthcode.places.grids.grids import PLACE_ID

    if not PLACE_ID.match(place_id or ""):
        raise no_such_grid()
    if bool(qr) == bool(person):
        raise ValidationFailed("Give either qr (a scanned code) or person (manual entry)",
                               "请扫码或手动录入人员信息（二选一）", field="qr" if not qr else "person")
    note = " ".join(note.split()) if note else None
    return COLLECT_ONCE({"place_id": place_id, "actor_id": worker_id, "idempotency_key": idempotency_key,
                         "qr": qr, "person": person, "temperature": temperature,
                         "answers": clean_answers(answers), "note": note or None})


# ---------------------------------------------------------------- authorized reads of a person


def _declaration(item: Declaration) -> dict[str, Any]:
    answers = item.answers if isinstance(item.answers, dict) else {}
    risks = [key for key in RISK_QUESTIONS if answers.get(key) is True]
    temperature = float(item.temperature_c) if item.temperature_c is not None else None
    return {"declaration_id": item.declaration_id, "declared_at": item.created_at, "type": item.type,
            "place_id": item.place_id, "temperature_c": temperature, "symptoms": list(item.symptoms or []),
            "answers": answers, "risks": risks,
            "healthy": not item.symptoms and not risks and (temperature is None or temperature < 37.3)}


def person_for_worker(place_id: str, worker_id: str, person_id: str, limit: int,
                      cursor: dict[str, Any] | None) -> dict[str, Any]:
    """GET /v1/grids/{id}/people/{person_id}: ONE BatchGetItem (the worker's binding, the person's seen marker in
    this grid, the person), ONE Query of their declarations, ONE audit entry. Authorized workers only (403
    otherwise), and only people collected in this grid (404 otherwise)."""
    from healthcode.places.grids.grids import PLACE_ID

    if not PLACE_ID.match(place_id or "") or not PLACE_ID.match(person_id or ""):
        raise NotFound("No such person in this grid", "本网格未采集该人员", field="person_id")
    found, people = get_many((Relation, [(worker_id, f"{GRID}#{place_id}"), (person_id, f"{SEEN}#{place_id}")], True),
                             (Person, [(person_id,)], False))
    relations = {(item.owner, item.sk): item for item in found}
    binding = relations.get((worker_id, f"{GRID}#{place_id}"))
    if binding is None:
        raise NotGridWorker(field="id")
    if not (binding.data or {}).get("authorized"):
        raise GridWorkerNotAuthorized(field="id")
    seen = (person_id, f"{SEEN}#{place_id}") in relations
    if not seen or not people:
        raise NotFound("No such person in this grid", "本网格未采集该人员", field="person_id")
    person = people[0]
    page = Declaration.query(person_id, scan_index_forward=False, limit=limit,
                             last_evaluated_key=start_key(cursor, Declaration, person_id))
    declarations = [_declaration(item) for item in page]
    audit.record(person_id, worker_id, "GRID_PERSON_READ", "authorized grid worker reads declarations (网格员查看)",
                 place_id)
    shown = as_of(person.color, person.reasons, clock.now())
    return {
        "place_id": place_id,
        "person": {"person_id": person.person_id, "name": pii.decrypt(person.name_enc),
                   "name_masked": person.name_masked,
                   "phone": pii.decrypt(person.phone_enc) if person.phone_enc else None,
                   "phone_masked": person.phone_masked, "id_masked": person.id_masked, "color": shown.color,
                   "reasons": describe(shown.reasons)},
        "declarations": declarations,
        "last_key": page.last_evaluated_key,
    }
