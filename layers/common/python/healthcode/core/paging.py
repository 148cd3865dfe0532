"""Where a Query resumes: a cursor sent back by a client, checked against the Query it claims to continue.

`api.decode_cursor` turns the opaque cursor back into the LastEvaluatedKey it was made from, but a client can
send any JSON object. DynamoDB refuses an ExclusiveStartKey that lacks a key attribute, has one too many, has
the wrong type, names another partition or falls outside the range condition (ValidationException, which would
surface as a 5xx). `start_key` checks all of that first and answers 400 on the cursor field instead.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from pynamodb.indexes import Index
from pynamodb.models import Model

from healthcode.core.errors import ValidationFailed


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed("cursor is not one this API returned", "分页游标无效", field="cursor")


def _key_attributes(source: type[Model] | Index) -> tuple[dict[str, str], str, str | None]:
    """{name: DynamoDB type} of every key attribute a start key holds, and the queried hash and range names."""
    if isinstance(source, Index):
        model = source._model
        index_keys = [a for a in source.Meta.attributes.values() if a.is_hash_key or a.is_range_key]
        hash_name = next(a.attr_name for a in index_keys if a.is_hash_key)
        range_name = next((a.attr_name for a in index_keys if a.is_range_key), None)
    else:
        model, index_keys = source, []
        hash_name = model._hash_key_attribute().attr_name
        range_attribute = model._range_key_attribute()
        range_name = range_attribute.attr_name if range_attribute is not None else None
    table_keys = [model._hash_key_attribute(), model._range_key_attribute()]
    types = {a.attr_name: a.attr_type for a in [*table_keys, *index_keys] if a is not None}
    return types, hash_name, range_name


def _scalar(value: Any, kind: str) -> str | None:
    if not isinstance(value, dict) or list(value) != [kind] or not isinstance(value[kind], str) or not value[kind]:
        return None
    try:
        value[kind].encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\\ud800" in the cursor's JSON) is no text DynamoDB takes
        return None
    if kind == "N":
        try:
            if not Decimal(value[kind]).is_finite():
                return None
        except InvalidOperation:
            return None
    return value[kind]


def start_key(cursor: dict[str, Any] | None, source: type[Model] | Index, hash_value: str, *,
              prefix: str | None = None, since: str | None = None) -> dict[str, Any] | None:
    """The ExclusiveStartKey for a Query of `source` on `hash_value`, or 400 on the cursor field.

    `prefix` / `since`: the Query's range condition (begins_with / >=), which the start key must meet too.
    """
    if cursor is None:
        return None
    types, hash_name, range_name = _key_attributes(source)
    if set(cursor) != set(types):
        raise _bad_cursor()
    values = {name: _scalar(cursor[name], kind) for name, kind in types.items()}
    if any(value is None for value in values.values()) or values[hash_name] != str(hash_value):
        raise _bad_cursor()
    position = values.get(range_name) if range_name else None
    if position is not None and (prefix is not None and not position.startswith(prefix)
                                 or since is not None and position < since):
        raise _bad_cursor()
    return cursor
