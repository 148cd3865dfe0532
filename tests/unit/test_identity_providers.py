"""Identity providers: the dev adapter, and the HTTP adapter against a local fake of the documented contract."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import pytest
from healthcode.core.errors import IdentityRejected, ServiceUnavailable
from healthcode.identity.idnumbers import IdDocument, IdType
from healthcode.identity.providers import DEV_PROOF, DevIdentityProvider, HttpIdentityProvider, Verification

if TYPE_CHECKING:  # the fixture's type only; conftest is not importable as a module at run time
    from conftest import FakeIdentityService

ID_CARD = IdDocument(IdType.ID_CARD, "440106199001011235")
HK_PERMIT = IdDocument(IdType.HK_MACAU_PERMIT, "H12345678", "03")


# --- dev ------------------------------------------------------------------------------------------------------


def test_dev_provider_accepts_the_dev_proof_and_vouches_for_the_claimed_phone() -> None:
    # GIVEN the local-stack provider WHEN the proof is `dev-pass`
    verification = DevIdentityProvider().verify("FACE", ID_CARD, "张三", DEV_PROOF, "+8613812345678")

    # THEN the identity passes, with the phone the caller gave
    assert verification == Verification(phone="+8613812345678")


@pytest.mark.parametrize("proof", ["", "dev-pas", "DEV-PASS", "dev-pass ", " dev-pass", "real-sdk-token"])
def test_dev_provider_rejects_any_other_proof(proof: str) -> None:
    # GIVEN the local-stack provider WHEN any proof but exactly `dev-pass` is offered THEN it is rejected
    with pytest.raises(IdentityRejected) as caught:
        DevIdentityProvider().verify("FACE", ID_CARD, "张三", proof, None)
    assert (caught.value.status, caught.value.code) == (401, "IDENTITY_NOT_VERIFIED")


# --- HTTP adapter ---------------------------------------------------------------------------------------------


def provider_for(fake: FakeIdentityService, timeout: float = 2.0) -> HttpIdentityProvider:
    return HttpIdentityProvider(fake.url + "/", timeout=timeout)


def test_verified_answer_gives_the_phone_bound_to_the_account(fake_identity_service: FakeIdentityService) -> None:
    # GIVEN the service vouches for the person and reports their WeChat-bound phone
    fake_identity_service.answer(200, {"verified": True, "phone": "+8613812345678"})

    # WHEN a WeChat-pay login is verified
    verification = provider_for(fake_identity_service).verify("WECHAT_PAY", ID_CARD, "张三", "sdk-token", None)

    # THEN the reported phone is what we get back
    assert verification == Verification(phone="+8613812345678")


def test_verified_answer_without_a_phone_gives_none(fake_identity_service: FakeIdentityService) -> None:
    # GIVEN the service vouches for the person but reports no phone (face login)
    fake_identity_service.answer(200, {"verified": True, "phone": None})

    # WHEN the identity is verified, even with a phone claimed by the client
    verification = provider_for(fake_identity_service).verify("FACE", ID_CARD, "张三", "sdk-token", "+8613900000000")

    # THEN no phone is vouched for: a client's claim is not the provider's word
    assert verification == Verification(phone=None)


@pytest.mark.parametrize(
    "answer",
    [{"verified": False, "reason": "face does not match"}, {"verified": "true"}, {"verified": 1}, {}, ["verified"]],
)
def test_anything_but_verified_true_is_a_rejection(fake_identity_service: FakeIdentityService, answer: object) -> None:
    # GIVEN the service answers 200 with anything other than `"verified": true`
    fake_identity_service.answer(200, answer)

    # WHEN the identity is verified THEN it is rejected (401 to our caller)
    with pytest.raises(IdentityRejected):
        provider_for(fake_identity_service).verify("FACE", ID_CARD, "张三", "sdk-token", None)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_error_is_upstream_unavailable(fake_identity_service: FakeIdentityService, status: int) -> None:
    # GIVEN the service fails with a 5xx
    fake_identity_service.answer(status, {"message": "internal error"})

    # WHEN the identity is verified THEN it is 503 UPSTREAM_UNAVAILABLE, not a rejection of the person
    with pytest.raises(ServiceUnavailable) as caught:
        provider_for(fake_identity_service).verify("FACE", ID_CARD, "张三", "sdk-token", None)
    assert (caught.value.status, caught.value.code) == (503, "UPSTREAM_UNAVAILABLE")


@pytest.mark.parametrize("body", [b"not json", b'{"verified": true', b"", b"<html>502 Bad Gateway</html>"])
def test_malformed_answer_is_upstream_unavailable(fake_identity_service: FakeIdentityService, body: bytes) -> None:
    # GIVEN the service answers 200 with a body that is not JSON
    fake_identity_service.answer(200, body)

    # WHEN the identity is verified THEN it is 503, not a crash
    with pytest.raises(ServiceUnavailable):
        provider_for(fake_identity_service).verify("FACE", ID_CARD, "张三", "sdk-token", None)


def test_refused_connection_is_upstream_unavailable() -> None:
    # GIVEN nothing listening on the configured port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    # WHEN the identity is verified THEN it is 503
    with pytest.raises(ServiceUnavailable):
        HttpIdentityProvider(f"http://127.0.0.1:{port}", timeout=2).verify("FACE", ID_CARD, "张三", "sdk-token", None)


def test_connection_dropped_without_an_answer_is_upstream_unavailable(
    fake_identity_service: FakeIdentityService,
) -> None:
    # GIVEN the service reads the request and hangs up without answering
    fake_identity_service.mode = "hang up"

    # WHEN the identity is verified THEN it is 503, not an unhandled error
    with pytest.raises(ServiceUnavailable):
        provider_for(fake_identity_service).verify("FACE", ID_CARD, "张三", "sdk-token", None)


def test_timeout_is_upstream_unavailable(fake_identity_service: FakeIdentityService) -> None:
    # GIVEN the service never answers
    fake_identity_service.mode = "stall"

    # WHEN the identity is verified with a short timeout THEN it is 503
    with pytest.raises(ServiceUnavailable):
        provider_for(fake_identity_service, timeout=0.2).verify("FACE", ID_CARD, "张三", "sdk-token", None)


def test_request_follows_the_documented_contract(fake_identity_service: FakeIdentityService) -> None:
    # GIVEN a service that vouches for everyone
    fake_identity_service.answer(200, {"verified": True, "phone": None})

    # WHEN an HK/Macau permit holder's face login is verified
    provider_for(fake_identity_service).verify("FACE", HK_PERMIT, "陈大文", "sdk-token-123", "+85291234567")

    # THEN the service got one JSON POST to /v1/verify with exactly the documented fields
    (request,) = fake_identity_service.requests
    assert (request["method"], request["path"], request["content_type"]) == ("POST", "/v1/verify", "application/json")
    assert request["json"] == {
        "method": "FACE",
        "id_type": "HK_MACAU_PERMIT",
        "id_number": "H12345678",
        "issue_count": "03",
        "name": "陈大文",
        "proof": "sdk-token-123",
    }


def test_request_for_an_id_card_sends_a_null_issue_count(fake_identity_service: FakeIdentityService) -> None:
    # GIVEN a service that vouches for everyone
    fake_identity_service.answer(200, {"verified": True, "phone": None})

    # WHEN a resident ID card holder is verified
    provider_for(fake_identity_service).verify("WECHAT_PAY", ID_CARD, "张三", "sdk-token", None)

    # THEN issue_count is sent as null, as the contract says
    (request,) = fake_identity_service.requests
    assert request["json"]["issue_count"] is None and request["json"]["id_type"] == "ID_CARD"
