"""Attempts are reserved before anything is compared: many containers guessing SMS codes or inbound names at once
compare no more than the limit between them (one conditional UpdateItem `count < limit` per attempt), not one
read-then-write per container."""

from __future__ import annotations

import json
import random
import re
import threading

import pytest

from infra.local.demo import record_inbound_entry
from tests.integration.containers_support import containers
from tests.integration.venues_support import race

CONTAINERS = 20


class Counting:
    """Wraps a module function, counting its calls (from any thread)."""

    def __init__(self, real):
        self.real, self.calls, self._lock = real, 0, threading.Lock()

    def __call__(self, *args, **kwargs):
        with self._lock:
            self.calls += 1
        return self.real(*args, **kwargs)


def answer_of(function, sample):
    answer = function.invoke(sample)
    return answer["statusCode"], json.loads(answer["body"])


@pytest.fixture
def traveller(lambdas, event, invoke, clock):
    """An inbound traveller who applied with a phone: {doc_number, phone}."""
    number = f"R{random.randrange(10**9, 10**10)}"
    record_inbound_entry("PASSPORT", number, "SMITH JOHN PAUL", "US")
    phone = f"+86139{random.randrange(10**8):08d}"
    status, _ = invoke(lambdas["InboundFunction"], event("inbound-apply.json", body={
        "name": "SMITH JOHN PAUL", "country": "US", "doc_type": "PASSPORT", "doc_number": number, "phone": phone}))
    assert status == 200
    return {"doc_number": number, "phone": phone}


def test_wrong_sms_codes_from_many_containers_compare_at_most_the_limit(aws, lambdas, event, clock, traveller,
                                                                       monkeypatch):
    # GIVEN a code sent to the traveller's phone, and twenty SMS-login containers
    from healthcode.identity import otp
    from healthcode.identity.sms import dev_outbox

    otp.send_code("login", traveller["phone"])
    right = re.search(r"\d{6}", dev_outbox(traveller["phone"])[-1]["text"]).group(0)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    compared = Counting(otp._digest)
    monkeypatch.setattr(otp, "_digest", compared)
    auth = containers(aws, "AuthFunction", CONTAINERS)

    # WHEN each sends a wrong code at the same moment
    answers = race(lambda container: answer_of(container, event("auth-sms-login.json", body={
        "phone": traveller["phone"], "sms_code": wrong})), auth)

    # THEN no more codes were compared than the limit allows, and the rest were turned away locked
    assert compared.calls <= otp.MAX_ATTEMPTS
    statuses = sorted(status for status, _ in answers)
    assert statuses == [400] * (otp.MAX_ATTEMPTS - 1) + [429] * (CONTAINERS - otp.MAX_ATTEMPTS + 1)
    # and the phone is locked even for the right code
    assert answer_of(auth[0], event("auth-sms-login.json", body={"phone": traveller["phone"], "sms_code": right}))[
        0] == 429


def test_wrong_names_from_many_containers_compare_at_most_the_limit(aws, lambdas, event, clock, traveller,
                                                                   monkeypatch):
    # GIVEN twenty inbound containers and a document recorded by immigration
    from healthcode.inbound import travellers as inbound

    compared = Counting(inbound.names_match)
    monkeypatch.setattr(inbound, "names_match", compared)
    apply_containers = containers(aws, "InboundFunction", CONTAINERS)

    # WHEN each tries a wrong name for the document at the same moment
    answers = race(lambda container: answer_of(container, event("inbound-apply.json", body={
        "name": "DOE JANE", "country": "US", "doc_type": "PASSPORT", "doc_number": traveller["doc_number"],
        "phone": f"+86135{random.randrange(10**8):08d}"})), apply_containers)

    # THEN no more names were compared than the limit, and the document's check is locked
    assert compared.calls <= inbound.NAME_MISSES
    statuses = sorted(status for status, _ in answers)
    assert statuses == [400] * (inbound.NAME_MISSES - 1) + [429] * (CONTAINERS - inbound.NAME_MISSES + 1)
    status, _ = answer_of(apply_containers[0], event("inbound-apply.json", body={
        "name": "SMITH JOHN PAUL", "country": "US", "doc_type": "PASSPORT", "doc_number": traveller["doc_number"],
        "phone": traveller["phone"]}))
    assert status == 429
