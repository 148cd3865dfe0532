"""Idempotency-Key over HTTP on the local stack: a declaration retried with its key is stored once."""

from __future__ import annotations

import random
import uuid

import pytest
import requests

from infra.local.demo import id_number

pytestmark = pytest.mark.e2e

DECLARATION = {"type": "PERSONAL", "temperature_c": 36.5, "symptoms": [], "answers": {"current_city": "广州市"}}


@pytest.fixture(scope="module")
def resident(local_stack):
    number = id_number(f"4401001990{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(100, 999)}")
    answer = requests.post(f"{local_stack.base_url}/v1/auth/login", timeout=15, json={
        "id_type": "ID_CARD", "id_number": number, "name": "郑重试", "method": "FACE", "proof": "dev-pass"})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def declare(stack, headers, body, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return requests.post(f"{stack.base_url}/v1/me/declarations", json=body, headers=headers | extra, timeout=15)


def declared(stack, headers):
    answer = requests.get(f"{stack.base_url}/v1/me/declarations", headers=headers, timeout=15)
    assert answer.status_code == 200, answer.text
    return [item["declaration_id"] for item in answer.json()["items"]]


def test_a_declaration_retried_with_its_key_is_stored_once_and_another_body_is_422(local_stack, resident):
    # GIVEN a declaration posted with a key
    before = declared(local_stack, resident)
    key = str(uuid.uuid4())
    first = declare(local_stack, resident, DECLARATION, key)
    assert first.status_code == 201, first.text

    # WHEN it is posted again with the same key, then with the same key and another body
    again = declare(local_stack, resident, DECLARATION, key)
    reused = declare(local_stack, resident, DECLARATION | {"temperature_c": 37.5}, key)

    # THEN the retry is the first answer, the other body is refused naming the header, and one declaration is new
    assert (again.status_code, again.json()) == (201, first.json())
    assert reused.status_code == 422 and reused.json()["error"]["field"] == "Idempotency-Key"
    assert declared(local_stack, resident) == [first.json()["declaration_id"], *before]
