"""paging.start_key: a cursor resumes a Query only when it is a start key of that very Query."""

from __future__ import annotations

from typing import Any

import pytest
from healthcode.core.errors import ValidationFailed
from healthcode.core.paging import start_key
from healthcode.models import Check, DisplayLogEntry, Relation
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

ME = "01JME000000000000000000000"
FAMILY = {"owner": {"S": ME}, "sk": {"S": "MEMBER#01JCHILD00000000000000000"}}


def test_no_cursor_starts_at_the_beginning():
    # GIVEN a first page WHEN its start key is asked for THEN there is none
    assert start_key(None, Relation, ME, prefix="MEMBER#") is None


@pytest.mark.parametrize(("cursor", "source", "options"), [
    (FAMILY, Relation, {"prefix": "MEMBER#"}),
    ({"person_id": {"S": ME}, "at": {"S": "2026-11-27T10:00:00.000+08:00#ab"}}, DisplayLogEntry,
     {"since": "2026-11-24T10:00:00.000+08:00"}),
    ({"place_date": {"S": "01JPLACE#2026-11-27"}, "sk": {"S": "2026-11-27T10:00:00#k"}, "person_id": {"S": ME}},
     Check.by_person, {}),
    ({"owner": {"S": "01JADMIN"}, "sk": {"S": "VENUE#" + ME}, "target": {"S": ME}, "inverse_sk": {"S": "VENUE#01JADMIN"}},
     Relation.inverse, {"prefix": "VENUE#"}),
])
def test_a_start_key_of_the_same_query_is_used_as_it_is(cursor: dict[str, Any], source: Any, options: dict[str, str]):
    # GIVEN the LastEvaluatedKey a Query returned (table keys, plus the index keys on an index)
    # WHEN the same Query resumes from it THEN it is the ExclusiveStartKey
    assert start_key(cursor, source, ME, **options) == cursor


@pytest.mark.parametrize("cursor", [
    pytest.param({"x": {}}, id="unknown attribute, untyped"),
    pytest.param({}, id="empty"),
    pytest.param({"owner": {"S": ME}}, id="range key missing"),
    pytest.param(FAMILY | {"target": {"S": "x"}}, id="one attribute too many"),
    pytest.param({"owner": {"S": ME}, "sk": "MEMBER#1"}, id="value without its type"),
    pytest.param({"owner": {"S": ME}, "sk": {"N": "1"}}, id="wrong type"),
    pytest.param({"owner": {"S": ME}, "sk": {"S": "MEMBER#1", "N": "1"}}, id="two types"),
    pytest.param({"owner": {"S": ME}, "sk": {"S": 1}}, id="a number where text belongs"),
    pytest.param({"owner": {"S": ME}, "sk": {"S": ""}}, id="empty key value"),
    pytest.param({"owner": {"S": ME}, "sk": {"S": "MEMBER#\ud800"}}, id="lone surrogate"),
    pytest.param({"owner": {"S": "01JSOMEONEELSE000000000000"}, "sk": {"S": "MEMBER#1"}}, id="another partition"),
    pytest.param({"owner": {"S": ME}, "sk": {"S": "ROLE#medical"}}, id="outside begins_with"),
])
def test_anything_else_is_a_400_on_the_cursor(cursor: dict[str, Any]):
    # GIVEN a cursor that is not a start key of "my family members" WHEN the Query would resume from it
    # THEN it is refused before DynamoDB sees it, naming the cursor field
    with pytest.raises(ValidationFailed) as caught:
        start_key(cursor, Relation, ME, prefix="MEMBER#")
    assert (caught.value.status, caught.value.field) == (400, "cursor")


@pytest.mark.parametrize("at", ["2026-11-20T10:00:00.000+08:00#ab", "2026-11-23T23:59:59.999+08:00#zz"])
def test_a_start_key_before_the_range_condition_is_a_400_on_the_cursor(at: str):
    # GIVEN a display-log cursor older than the three-day window the Query asks for
    cursor = {"person_id": {"S": ME}, "at": {"S": at}}

    # WHEN the Query would resume from it THEN it is refused
    with pytest.raises(ValidationFailed):
        start_key(cursor, DisplayLogEntry, ME, since="2026-11-24T00:00:00.000+08:00")


class _Numbered(Model):
    """A model keyed by a number, as pynamodb describes it (never saved: only its key schema is read)."""

    class Meta:
        table_name = "never-created"

    owner = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)


def test_a_number_key_is_taken_when_it_is_a_number():
    # GIVEN a cursor of a number-keyed Query WHEN it resumes THEN the key is used
    cursor = {"owner": {"S": ME}, "seq": {"N": "42.5"}}
    assert start_key(cursor, _Numbered, ME) == cursor


@pytest.mark.parametrize("number", ["abc", "NaN", "Infinity", "", "1e"])
def test_a_number_key_must_be_a_finite_number(number: str):
    # GIVEN a cursor whose number key is not a finite number WHEN the Query would resume from it THEN 400
    with pytest.raises(ValidationFailed):
        start_key({"owner": {"S": ME}, "seq": {"N": number}}, _Numbered, ME)
