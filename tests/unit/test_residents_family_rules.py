"""Family member rules that need no AWS: the relation list and its labels, and what is refused before any write."""

from __future__ import annotations

import pytest
from healthcode.core.errors import InvalidIdNumber, ValidationFailed
from healthcode.residents import family


def test_every_relation_has_a_chinese_label():
    assert set(family.RELATION_LABELS) == set(family.Relationship)
    assert family.RELATION_LABELS[family.Relationship.CHILD] == "子女"
    assert family.RELATION_LABELS[family.Relationship.PARENT] == "父母"


def test_verification_is_face_or_id_match_only():
    assert {m.value for m in family.VerificationMethod} == {"FACE", "ID_MATCH"}


def new_member(**changes):
    values = {"relation": family.Relationship.CHILD, "name": "陈小明", "id_type": "ID_CARD",
              "id_number": "440305201503071232", "issue_count": None, "method": family.VerificationMethod.FACE,
              "proof": "dev-pass"}
    values.update(changes)
    return family.NewMember(**values)


@pytest.mark.parametrize(("changes", "error", "field"), [
    ({"id_number": "440305201503071233"}, InvalidIdNumber, "id_number"),
    ({"id_type": "HK_MACAU_PERMIT", "id_number": "H1234"}, InvalidIdNumber, "id_number"),
    ({"id_type": "HK_MACAU_PERMIT", "id_number": "H12345678"}, InvalidIdNumber, "issue_count"),
])
def test_a_bad_document_is_refused_before_anything_is_read_or_written(changes, error, field):
    with pytest.raises(error) as caught:
        family.add_member("guardian", new_member(**changes))
    assert caught.value.field == field


@pytest.mark.parametrize(("id_type", "number", "issue_count"), [
    ("ID_CARD", "440100196001011233", None),  # an adult
    ("ID_CARD", "440100200801011230", None),  # 18 already
    ("HK_MACAU_PERMIT", "H12345678", "01"),  # no birth date on the permit number: treated as an adult
])
def test_id_match_is_refused_for_anyone_not_known_to_be_a_minor(id_type, number, issue_count):
    # GIVEN an ID-consistency check (name and number agree), which anyone who knows them could pass
    member = new_member(id_type=id_type, id_number=number, issue_count=issue_count,
                        method=family.VerificationMethod.ID_MATCH)

    # WHEN an adult is added that way THEN it is refused before any read, naming the method
    with pytest.raises(ValidationFailed) as caught:
        family.add_member("guardian", member)
    assert caught.value.field == "verification.method"


@pytest.mark.parametrize("name", ["", "   ", "陈<script>", "陈1明"])
def test_a_bad_name_is_refused_before_anything_is_read_or_written(name):
    with pytest.raises(ValidationFailed) as caught:
        family.add_member("guardian", new_member(name=name))
    assert caught.value.field == "name"
