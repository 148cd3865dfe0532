"""What the e2e tests share: logging in over HTTP, and waiting for what the stack does in the background (streams,
schedules)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import requests

from infra.local.demo import id_number


def new_id_card() -> str:
    """A valid ID card number of Guangzhou (Tianhe), born 1960-2000, that no test of the session is likely to use."""
    return id_number(f"440106{random.randint(1960, 2000)}0{random.randint(1, 9)}{random.randint(10, 28)}"
                     f"{random.randint(100, 999)}")


def login(stack: Any, name: str, number: str | None = None, phone: str | None = None) -> dict[str, Any]:
    """POST /v1/auth/login (face, ID card; a new card unless `number` is given), binding the phone if one is given:
    the answer, with the name, the ID number and the Authorization header added."""
    number = number or new_id_card()
    body = {"id_type": "ID_CARD", "id_number": number, "name": name, "method": "FACE", "proof": "dev-pass"}
    if phone:
        body["phone"] = phone
    answer = requests.post(f"{stack.base_url}/v1/auth/login", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json() | {"name": name, "id_number": number,
                            "headers": {"Authorization": f"Bearer {answer.json()['token']}"}}


def wait_for(check: Callable[[], Any], seconds: float = 20.0) -> Any:
    """`check()` until it answers something true or `seconds` have passed; its last answer."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.25)
