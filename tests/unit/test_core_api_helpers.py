"""HTTP glue that needs no AWS: naming the field of a validation error, and opaque pagination cursors."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from healthcode.core.api import _field_of, decode_cursor, encode_cursor
from healthcode.core.errors import ValidationFailed


@pytest.mark.parametrize(
    ("loc", "field"),
    [
        (("body", "name"), "name"),
        (("body", "person", "id_number"), "person.id_number"),
        (("body", "symptoms", 2), "symptoms.2"),
        (("body",), "body"),
        (("body", 0), "body"),  # an item of a list body: the body as a whole
        (("body", 0, "event_id"), "0.event_id"),  # a field of one item of a list body (feeds)
        (("query", "limit"), "limit"),
        (("path", "place_id"), "place_id"),
        (("header", "idempotency-key"), "idempotency-key"),
        (("query",), "query"),
        (("response", "token"), "response.token"),
        ((), "body"),
        ([], "body"),
    ],
)
def test_field_of_names_the_field_without_its_location(loc: tuple[Any, ...], field: str) -> None:
    # GIVEN the location of a request validation error WHEN the field is named THEN it is what the client sent
    assert _field_of(loc) == field


@pytest.mark.parametrize(
    "last_key",
    [
        {"pk": {"S": "01J9ZK6Q7R8S9T0V1W2X3Y4Z5A"}, "sk": {"S": "2024-06-10T09:00:00.000+08:00#01J9"}},
        {"scope": {"S": "venue#场所"}, "bucket": {"N": "20240610"}},
        {"k": "?>?>?>~~~"},  # characters whose standard base64 has + and /
    ],
)
def test_cursor_round_trips_the_last_evaluated_key(last_key: dict[str, Any]) -> None:
    # GIVEN a DynamoDB LastEvaluatedKey WHEN it is encoded and decoded THEN it comes back unchanged
    assert decode_cursor(encode_cursor(last_key)) == last_key


def test_cursor_is_safe_in_a_query_string() -> None:
    # GIVEN a key whose JSON encodes to +, / and padding in standard base64
    cursor = encode_cursor({"k": "?>?>?>~~~", "n": 1})

    # WHEN it is encoded THEN it needs no URL escaping
    assert cursor is not None and not set(cursor) & set("+/=&?%")


@pytest.mark.parametrize("last_key", [None, {}])
def test_no_last_key_gives_no_next_cursor(last_key: dict[str, Any] | None) -> None:
    # GIVEN the last page (no LastEvaluatedKey) WHEN the cursor is encoded THEN there is no next cursor
    assert encode_cursor(last_key) is None


@pytest.mark.parametrize("cursor", [None, ""])
def test_no_cursor_starts_from_the_beginning(cursor: str | None) -> None:
    # GIVEN a first-page request WHEN the cursor is decoded THEN there is no start key
    assert decode_cursor(cursor) is None


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("!!!!", id="not base64"),
        pytest.param("a", id="impossible base64 length"),
        pytest.param("abc", id="base64 of binary"),
        pytest.param(b64(b"\xff\xfe\xfd"), id="not UTF-8"),
        pytest.param(b64(b"{'pk': 1}"), id="not JSON"),
        pytest.param(b64(b"[1, 2]"), id="JSON array"),
        pytest.param(b64(b'"pk"'), id="JSON string"),
        pytest.param(b64(b"null"), id="JSON null"),
        pytest.param(b64(b"[" * 5000), id="deeply nested JSON"),
    ],
)
def test_bad_cursor_is_a_validation_error_on_the_cursor_field(cursor: str) -> None:
    # GIVEN a cursor this API did not return WHEN it is decoded THEN it is a 400 naming the cursor field
    with pytest.raises(ValidationFailed) as caught:
        decode_cursor(cursor)
    assert (caught.value.status, caught.value.code, caught.value.field) == (400, "VALIDATION_ERROR", "cursor")
