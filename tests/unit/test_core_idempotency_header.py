"""healthcode.core.idempotency without AWS: reading and checking the Idempotency-Key header, declaring an operation."""

from __future__ import annotations

import pytest
from healthcode.core.errors import ValidationFailed
from healthcode.core.idempotency import Idempotent, header_key


@pytest.mark.parametrize("headers", [{"Idempotency-Key": "k-1"}, {"idempotency-key": "k-1"}, {"IDEMPOTENCY-KEY": "k-1"}])
def test_the_header_is_read_whatever_its_case(headers):
    assert header_key(headers) == "k-1"


@pytest.mark.parametrize("headers", [None, {}, {"x-other": "1"}])
def test_no_header_is_none_unless_required(headers):
    assert header_key(headers) is None
    with pytest.raises(ValidationFailed) as raised:
        header_key(headers, required=True)
    assert raised.value.field == "Idempotency-Key"


@pytest.mark.parametrize("value", ["", "x" * 129, "has space", "中文", "a/b", "a\nb"])
def test_a_malformed_key_is_refused_naming_the_header(value):
    with pytest.raises(ValidationFailed) as raised:
        header_key({"Idempotency-Key": value})
    assert raised.value.status == 400 and raised.value.field == "Idempotency-Key"


@pytest.mark.parametrize("value", ["a", "x" * 128, "device-7:scan-0001", "3f2b.9_A-z"])
def test_well_formed_keys_pass(value):
    assert header_key({"Idempotency-Key": value}) == value


def test_an_operation_whose_scope_lacks_the_key_is_a_programming_error():
    with pytest.raises(ValueError):
        Idempotent(lambda request: {}, key_fields=("actor_id",), payload_fields=("n",))
