"""Rotating the code-signing key (infra.keys.rotated) never revokes a printed card signed by an older key."""

from __future__ import annotations

from types import SimpleNamespace

from healthcode.codes.tokens import PERSON_CODES, CodeType, Keyring

from infra.keys import initial_secret, rotated


def keyring(secret: dict) -> Keyring:
    return Keyring.from_secret(SimpleNamespace(active_kid=secret["active_kid"],
                                               signing_keys=tuple(secret["signing_keys"])))


def test_a_card_signed_before_many_rotations_still_verifies():
    # GIVEN a printed card signed with the first key
    secret = initial_secret()
    card = keyring(secret).sign(CodeType.PHYSICAL, "01JPERSON", 1, 1_700_000_000)
    # WHEN the key is rotated five times
    for _ in range(5):
        secret = rotated(secret)
    # THEN the card still verifies
    assert keyring(secret).verify(card, PERSON_CODES).subject == "01JPERSON"


def test_only_the_active_key_keeps_its_private_part():
    secret = initial_secret()
    for _ in range(3):
        secret = rotated(secret)
    private = [k["kid"] for k in secret["signing_keys"] if k.get("d")]
    assert private == [secret["active_kid"]] and len(secret["signing_keys"]) == 4


def test_new_codes_are_signed_with_the_new_key():
    secret = rotated(initial_secret())
    qr = keyring(secret).sign(CodeType.RESIDENT, "01JPERSON", 1, 1_700_000_000)
    assert qr.split(".")[1] == secret["active_kid"]
