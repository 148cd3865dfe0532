"""venues.checks.resolve applies exactly the checks of codes.person_from_code to a person read in a batch."""

from __future__ import annotations

import pytest


def _person(kind="RESIDENT", version=1):
    from healthcode.models import Person

    return Person(person_id="01JPERSON0000000000000000A", kind=kind, id_type="ID_CARD", id_hash="h", id_enc="e",
                  id_masked="m", name_enc="n", name_masked="张*三", code_version=version, created_at="2026-01-01")


@pytest.mark.parametrize("kind, version, code_type, code_version", [
    ("RESIDENT", 1, "R", 1), ("RESIDENT", 1, "P", 1), ("RESIDENT", 2, "R", 1), ("RESIDENT", 1, "I", 1),
    ("INBOUND", 1, "I", 1), ("INBOUND", 1, "R", 1), ("INBOUND", 3, "P", 3), ("DEPENDANT", 1, "R", 1),
])
def test_resolve_agrees_with_person_from_code(monkeypatch, keyring, kind, version, code_type, code_version):
    from healthcode.codes import display as codes
    from healthcode.codes.tokens import PERSON_CODES, CodeType
    from healthcode.core.errors import InvalidCode
    from healthcode.places.venues.checks import resolve

    person = _person(kind, version)
    monkeypatch.setattr(codes, "get_keyring", lambda: keyring)
    monkeypatch.setattr(codes, "verify", keyring.verify)  # this keyring only: no re-read of the secret on a kid
    monkeypatch.setattr(codes.Person, "get", classmethod(lambda cls, *a, **k: person))
    qr = keyring.sign(CodeType(code_type), person.person_id, code_version, 0)
    claims = keyring.verify(qr, PERSON_CODES)
    try:
        codes.person_from_code(qr, PERSON_CODES)
        expected = "ok"
    except InvalidCode as error:
        expected = error.message
    try:
        resolve(claims, person)
        actual = "ok"
    except InvalidCode as error:
        actual = error.message
    assert actual == expected


def test_resolve_refuses_a_code_of_an_unknown_person(keyring):
    from healthcode.codes.tokens import PERSON_CODES, CodeType
    from healthcode.core.errors import InvalidCode
    from healthcode.places.venues.checks import resolve

    claims = keyring.verify(keyring.sign(CodeType.RESIDENT, "nobody", 1, 0), PERSON_CODES)
    with pytest.raises(InvalidCode):
        resolve(claims, None)
