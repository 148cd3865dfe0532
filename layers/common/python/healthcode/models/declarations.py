"""Append-only health declarations (FAQ 9: no edit, no delete; a correction is a new declaration).

Items: PK person_id, SK `<time ISO +08:00>#<ulid>`; GSI `by_place_date` (place_date = `<place_id>#<YYYY-MM-DD>`)
for an organization's declarations of a day. Access patterns: a person's declarations newest first (records;
the latest one shown on a scan = Query limit 1, newest first); a place's declarations of one day.
Stream (NEW_IMAGE) feeds stats_stream.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from healthcode.models.base import index_meta, table_meta
from healthcode.models.catalogue import RISK_QUESTIONS


class ByPlaceDate(GlobalSecondaryIndex):
    Meta = index_meta("by_place_date", AllProjection())

    place_date = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class Declaration(Model):
    Meta = table_meta("declarations_table")

    person_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    declaration_id = UnicodeAttribute()
    type = UnicodeAttribute()  # PERSONAL | EMPLOYEE | ORG_MEMBER | STUDENT | STAFF | SELF_CHECK
    place_id = UnicodeAttribute(null=True)
    place_date = UnicodeAttribute(null=True)
    temperature_c = NumberAttribute(null=True)
    symptoms = ListAttribute(of=UnicodeAttribute, default=list)
    answers = JSONAttribute(default=dict)
    declared_by = UnicodeAttribute()  # the person, their guardian, or a grid worker
    created_at = UnicodeAttribute()

    by_place_date = ByPlaceDate()




def latest_summary(person_id: str) -> dict | None:
    """The newest declaration, as inspectors and grid workers see it on a scan (one Query, limit 1).

    Healthy means no symptom, no reading from 37.3 °C, and no "yes" to a risk question (`risks` names those).
    """
    for item in Declaration.query(person_id, scan_index_forward=False, limit=1):
        answers = item.answers if isinstance(item.answers, dict) else {}
        risks = [key for key in RISK_QUESTIONS if answers.get(key) is True]
        return {
            "declared_at": item.created_at,
            "type": item.type,
            "temperature_c": float(item.temperature_c) if item.temperature_c is not None else None,
            "symptoms": list(item.symptoms or []),
            "risks": risks,
            "healthy": not item.symptoms and not risks
            and (item.temperature_c is None or float(item.temperature_c) < 37.3),
        }
    return None
