"""The per-address limit over HTTP: the local gateway puts the connection's address in
requestContext.identity.sourceIp, as API Gateway does, so one address's applies are limited and another's are not.
Clients bind their own loopback address (127.x.y.z all reach the stack on Linux)."""

from __future__ import annotations

import random

import pytest
import requests
from requests.adapters import HTTPAdapter

pytestmark = pytest.mark.e2e


class FromAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


def client(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


def apply(session: requests.Session, stack) -> requests.Response:
    return session.post(f"{stack.base_url}/v1/inbound/apply", timeout=15, json={
        "name": "DOE JANE", "country": "GB", "doc_type": "PASSPORT",
        "doc_number": f"Q{random.randrange(10**9, 10**10)}", "phone": f"+86138{random.randrange(10**8):08d}"})


@pytest.fixture(scope="module")
def limited_stack(stack_spawner, tmp_path_factory):
    """A stack with the default limits on (the shared test stack has them off: all its tests come from 127.0.0.1)."""
    with stack_spawner(tmp_path_factory.mktemp("limited-stack"), rate_limits=True) as stack:
        yield stack


def test_an_address_over_its_apply_limit_gets_429_and_another_address_does_not(limited_stack):
    local_stack = limited_stack
    # GIVEN one loopback address that applied 30 times (the default limit) for unknown documents
    crowded = client(f"127.{random.randrange(1, 255)}.{random.randrange(256)}.{random.randrange(1, 255)}")
    codes = [apply(crowded, local_stack).json()["error"]["code"] for _ in range(30)]
    assert set(codes) == {"DOCUMENT_NOT_FOUND"}

    # WHEN it applies once more THEN 429 TOO_MANY_REQUESTS with Retry-After
    refused = apply(crowded, local_stack)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "TOO_MANY_REQUESTS"
    assert 1 <= int(refused.headers["Retry-After"]) <= 600

    # AND another address is answered as usual
    other = client(f"127.{random.randrange(1, 255)}.{random.randrange(256)}.{random.randrange(1, 255)}")
    assert apply(other, local_stack).json()["error"]["code"] == "DOCUMENT_NOT_FOUND"
