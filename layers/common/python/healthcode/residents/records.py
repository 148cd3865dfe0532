"""A person's health information (我的粤康码信息, section 2.(三).3): one list per kind, newest first.

Kinds and where they come from (every read is a Query on a key or index):
- nucleic_acid, antibody, health_certificate, release_notice, entry_registration, inbound_entry: health_events,
  the person's own partition, filtered by kind. The sort key is `<occurred_at>#<event_id>` (time first, so a
  recompute reads one partition in time order); a person holds a few dozen facts, so the filter reads little,
  and a kind-first key would only pay off with thousands of facts per person.
- declaration: declarations (PK person_id), each as the declarations API shows it (labels in Chinese); display: display_log, last three days; temperature: checks by the
  GSI by_person, with the venues' names from one BatchGetItem on places.
Paging: `limit` items and a cursor that resumes after the last one shown, bound to the person it was made for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from healthcode.codes import display as codes
from healthcode.core import clock
from healthcode.core.errors import ValidationFailed
from healthcode.core.paging import start_key
from healthcode.models import Check, Declaration, DisplayLogEntry, HealthEvent, Person, Place
from healthcode.residents import declarations

FACT_KINDS = {
    "nucleic_acid": "NUCLEIC_ACID",
    "antibody": "ANTIBODY",
    "health_certificate": "HEALTH_CERTIFICATE",
    "release_notice": "RELEASE_NOTICE",
    "entry_registration": "ENTRY_REGISTRATION",
    "inbound_entry": "INBOUND_ENTRY",
}
KINDS = (*FACT_KINDS, "declaration", "display", "temperature")
NOTICE_FIELDS = ("observation_from", "observation_until", "observation_place", "remarks")


def _fact_item(kind: str, fact: HealthEvent, person: Callable[[], Person]) -> dict[str, Any]:
    details = dict(fact.details or {})
    item: dict[str, Any] = {"kind": kind, "at": fact.occurred_at, "event_id": fact.event_id}
    if kind in ("nucleic_acid", "antibody"):
        item |= {"result": fact.result, "institution": details.get("institution")}
    elif kind == "health_certificate":
        item["status"] = fact.result  # FAQ 10: shown as the national platform says, never a colour
    elif kind == "release_notice":
        issuer = details.get("issued_by") if isinstance(details.get("issued_by"), dict) else {}
        item |= {"notice_id": details.get("notice_id"), "issued_by": issuer.get("name_masked"),
                 "unit": issuer.get("unit") or details.get("unit"), "position": issuer.get("position"),
                 **{key: details.get(key) for key in NOTICE_FIELDS},
                 "source": "medical" if fact.source.startswith("medical:") else "feed"}
    elif kind == "inbound_entry":
        holder = person()  # the document the traveller entered with is the one they are known by: shown masked
        item |= {"country": details.get("country"), "doc_type": holder.id_type, "doc_number": holder.id_masked,
                 "entry_date": details.get("entry_date"), "port": details.get("port"),
                 "vehicle": details.get("vehicle")}
    else:
        item["details"] = details
    return item


def _place_names(place_ids: set[str]) -> dict[str, str]:
    """Where each check was made: the venues of one page in one BatchGetItem."""
    if not place_ids:
        return {}
    return {place.place_id: place.name for place in Place.batch_get(sorted(place_ids), attributes_to_get=[
        "place_id", "name"])}


def _page(results: Iterator[Any], limit: int, key: Callable[[Any], dict[str, Any]],
          shape: Callable[[Any], dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Up to `limit` items; a cursor only when one more exists (read limit + 1, show limit)."""
    rows = []
    for row in results:
        rows.append(row)
        if len(rows) > limit:
            break
    more = len(rows) > limit
    rows = rows[:limit]
    return [shape(row) for row in rows], (key(rows[-1]) if more and rows else None)


def _keys(*names: str) -> Callable[[Any], dict[str, Any]]:
    def key(item: Any) -> dict[str, Any]:
        raw = item.serialize()
        return {name: raw[name] for name in names}

    return key


def list_records(subject: str, kind: str, limit: int,
                 cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    if cursor is not None and (cursor.get("person_id") or {}).get("S") != subject:
        raise ValidationFailed("cursor is not one this API returned", "分页游标无效", field="cursor")
    if kind in FACT_KINDS:
        cached: list[Person] = []

        def person() -> Person:
            if not cached:
                cached.append(Person.get(subject))
            return cached[0]

        results = HealthEvent.query(subject, filter_condition=HealthEvent.kind == FACT_KINDS[kind],
                                    scan_index_forward=False, page_size=100,
                                    last_evaluated_key=start_key(cursor, HealthEvent, subject))
        return _page(results, limit, _keys("person_id", "sk"), lambda f: _fact_item(kind, f, person))
    if kind == "declaration":
        results = Declaration.query(subject, scan_index_forward=False,
                                    last_evaluated_key=start_key(cursor, Declaration, subject))
        return _page(results, limit, _keys("person_id", "sk"),
                     lambda d: {"kind": kind, "at": d.created_at} | declarations.view(d))
    if kind == "display":
        since = clock.iso(clock.now() - timedelta(days=3))
        results = DisplayLogEntry.query(subject, DisplayLogEntry.at >= since, scan_index_forward=False,
                                        last_evaluated_key=start_key(cursor, DisplayLogEntry, subject, since=since))
        return _page(results, limit, _keys("person_id", "at"), lambda e: {"kind": kind} | codes.log_item(e))
    if kind == "temperature":
        results = Check.by_person.query(subject, scan_index_forward=False,
                                        last_evaluated_key=start_key(cursor, Check.by_person, subject),
                                        filter_condition=Check.temperature.exists())
        items, last = _page(results, limit, _keys("person_id", "sk", "place_date"), lambda c: {
            "kind": kind, "at": c.checked_at, "temperature": c.temperature, "place_id": c.place_id,
            "check_kind": c.kind, "color": c.color})
        names = _place_names({item["place_id"] for item in items})
        return [item | {"place_name": names.get(item["place_id"])} for item in items], last
    raise ValidationFailed(f"kind must be one of {', '.join(KINDS)}", "记录类型有误", field="kind")
