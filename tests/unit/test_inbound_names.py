"""The real-name check's name rules (FAQ (二) 2) and the other pure checks of the inbound apply form."""

from __future__ import annotations

import pytest
from healthcode.core.errors import ApiError, InvalidIdNumber, ValidationFailed
from healthcode.identity.idnumbers import IdType
from healthcode.identity.people import international_phone
from healthcode.inbound.travellers import country_of, document_of, name_words, names_match
from hypothesis import given
from hypothesis import strategies as st

# --- tolerated ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("on_document", "typed"), [
    ("SMITH JOHN PAUL", "SMITH JOHN PAUL"),                # exactly as on the passport
    ("SMITH JOHN PAUL", "smith john paul"),                # (2) case does not matter
    ("SMITH JOHN PAUL", "Smith John Paul"),
    ("SMITH JOHN PAUL", "  SMITH JOHN PAUL  "),            # (4) spaces around are trimmed
    ("SMITH JOHN PAUL", "SMITH    JOHN  PAUL"),            # inner spaces collapse
    ("SMITH JOHN PAUL", "SMITH\tJOHN\u00a0PAUL"),           # ... whatever the keyboard typed as a space
    ("SMITH JOHN PAUL", "SMITH\u3000JOHN PAUL"),           # a full-width space from a Chinese keyboard
    ("SMITH JOHN PAUL", "SMITH-JOHN-PAUL"),                # (5) a hyphen equals a space
    ("SMITH JOHN PAUL", "SMITH - JOHN PAUL"),
    ("SMITH JOHN PAUL", "JOHN PAUL SMITH"),                # (3) given names first, surname last
    ("SMITH JOHN PAUL", "john-paul smith"),
    ("SMITH JOHN PAUL", "PAUL SMITH JOHN"),                # the surname block may be "SMITH JOHN": unknown boundary
    ("DE LA CRUZ MARIA", "MARIA DE LA CRUZ"),              # a surname of several words moves as one block
    ("DE LA CRUZ MARIA", "maria de-la-cruz"),
    ("DUPONT JEAN-PIERRE", "Jean-Pierre Dupont"),
    ("DUPONT JEAN-PIERRE", "JEAN PIERRE DUPONT"),
    ("DUPONT JEAN PIERRE", "dupont jean-pierre"),          # the hyphen may be on either side
    ("MÜLLER ANNA", "müller anna"),
    ("MÜLLER ANNA", "Anna Mu\u0308ller"),                  # the same letter, typed as u + combining diaeresis
    ("林美华", "林美华"),
    ("林美华", " 林美华 "),
    ("O'BRIEN SEAN", "sean o'brien"),
])
def test_tolerated_spellings_match(on_document: str, typed: str) -> None:
    # GIVEN the name as on the document WHEN the traveller types it in a way the FAQ allows THEN it matches
    assert names_match(typed, on_document)


# --- refused: nothing looser ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("on_document", "typed"), [
    ("SMITH JOHN PAUL", "JOHN SMITH PAUL"),                # words shuffled, not the two blocks swapped
    ("SMITH JOHN PAUL", "SMITH PAUL JOHN"),                # given names reordered
    ("SMITH JOHN PAUL", "SMITH JOHN"),                     # a word missing
    ("SMITH JOHN PAUL", "JOHN SMITH"),
    ("SMITH JOHN PAUL", "SMITH JOHN PAUL JR"),             # a word too many
    ("SMITH JOHN PAUL", "SMITH JOHN PAUL SMITH"),
    ("SMITH JOHN PAUL", "SMITHJOHNPAUL"),                  # spaces removed
    ("SMITH JOHN PAUL", "SMITH JOHNPAUL"),
    ("SMITH JOHN PAUL", "SMITH J PAUL"),                   # initials
    ("SMITH JOHN PAUL", "SMITH J. PAUL"),
    ("SMITH JOHN PAUL", "SMITH, JOHN PAUL"),               # other punctuation is not a space
    ("SMITH JOHN PAUL", "SMITH_JOHN_PAUL"),
    ("SMITH JOHN PAUL", "SMITH\u2014JOHN PAUL"),           # an em dash is not the hyphen
    ("SMITH JOHN PAUL", "SMYTH JOHN PAUL"),                # another spelling
    ("SMITH JOHN PAUL", ""),
    ("SMITH JOHN PAUL", "   "),
    ("SMITH JOHN PAUL", "-"),
    ("MÜLLER ANNA", "MULLER ANNA"),                        # accent dropped
    ("MÜLLER ANNA", "MUELLER ANNA"),                       # transliterated
    ("MULLER ANNA", "MÜLLER ANNA"),                        # accent added
    ("林美华", "林 美华"),                                  # a space inside a Chinese name is another name
    ("林美华", "美华林"),
    ("林美华", "林美華"),                                  # traditional for simplified characters
    ("", ""),
])
def test_other_spellings_are_refused(on_document: str, typed: str) -> None:
    # GIVEN the name as on the document WHEN the traveller types anything the FAQ does not allow THEN no match
    assert not names_match(typed, on_document)


def test_name_words_normalise_case_spaces_and_hyphens() -> None:
    # GIVEN a name typed with mixed case, hyphens and odd spacing WHEN it is reduced to its words
    # THEN the words are case-folded and split at every space and hyphen
    assert name_words("  Jean-Pierre   DUPONT ") == ("jean", "pierre", "dupont")


words = st.lists(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8), min_size=1, max_size=5)


@given(words, st.integers(min_value=0, max_value=10), st.sampled_from([" ", "  ", "-", " - "]))
def test_any_block_swap_in_any_case_with_any_separator_matches(parts: list[str], cut: int, separator: str) -> None:
    # GIVEN a name of several words WHEN typed with its two blocks swapped, in lower case, with other separators
    cut %= len(parts)
    typed = separator.join(word.lower() for word in parts[cut:] + parts[:cut])
    # THEN it matches the document, and the rule is symmetric
    assert names_match(f"  {typed} ", " ".join(parts))
    assert names_match(" ".join(parts), typed)


@given(words)
def test_dropping_any_word_never_matches(parts: list[str]) -> None:
    # GIVEN a name WHEN any one word is left out THEN it never matches
    for index in range(len(parts)):
        assert not names_match(" ".join(parts[:index] + parts[index + 1:]), " ".join(parts))


# --- the other fields ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("doc_type", "number", "issue", "field"), [
    ("PASSPORT", "AB", None, "doc_number"),
    ("PASSPORT", "K1234567!", None, "doc_number"),
    ("TAIWAN_PERMIT", "1234567", "01", "doc_number"),
    ("TAIWAN_PERMIT", "01234567", None, "issue_count"),
    ("TAIWAN_PERMIT", "01234567", "123", "issue_count"),  # "1" is read as "01"
    ("HK_MACAU_PERMIT", "H1234567", "01", "doc_number"),
    ("HK_MACAU_PERMIT", "H12345678", "ab", "issue_count"),
])
def test_malformed_documents_name_the_field(doc_type: str, number: str, issue: str | None, field: str) -> None:
    # GIVEN a malformed document WHEN it is checked THEN INVALID_ID_NUMBER names this API's field
    with pytest.raises(InvalidIdNumber) as caught:
        document_of(doc_type, number, issue)
    assert caught.value.field == field


@pytest.mark.parametrize(("doc_type", "field"), [("ID_CARD", "doc_type"), ("DRIVING_LICENCE", "doc_type")])
def test_only_travel_documents_are_accepted(doc_type: str, field: str) -> None:
    # GIVEN a document type the inbound version does not take WHEN checked THEN 400 on doc_type
    with pytest.raises(ApiError) as caught:
        document_of(doc_type, "440106199001011235", None)
    assert caught.value.field == field


@pytest.mark.parametrize("issue", ["01", " 02 "])
def test_a_passport_with_an_issue_count_is_refused(issue: str) -> None:
    # GIVEN a passport sent with an issue count (FAQ (二) 3: permits only) WHEN checked THEN 400 on issue_count
    with pytest.raises(ApiError) as caught:
        document_of("PASSPORT", "K12345678", issue)
    assert caught.value.status == 400 and caught.value.field == "issue_count"


@pytest.mark.parametrize("issue", [None, "", "  "])
def test_a_passport_without_an_issue_count_is_accepted(issue: str | None) -> None:
    assert document_of("PASSPORT", "K12345678", issue).issue_count is None


def test_documents_are_normalised() -> None:
    # GIVEN a passport number typed in lower case with spaces WHEN checked THEN it is the document's canonical form
    document = document_of("PASSPORT", " k1234 5678 ", None)
    assert (document.id_type, document.number) == (IdType.PASSPORT, "K12345678")


@pytest.mark.parametrize("country", ["us", "US", " tw ", "HK", "MO", "CN"])
def test_countries_are_iso_alpha2_codes(country: str) -> None:
    assert country_of(country) == country.strip().upper()


@pytest.mark.parametrize("country", ["", "XX", "USA", "美国", "1"])
def test_unknown_countries_are_refused(country: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        country_of(country)
    assert caught.value.field == "country"


@pytest.mark.parametrize(("typed", "e164"), [
    ("+86 139 1234 5678", "+8613912345678"),
    ("+8613912345678", "+8613912345678"),
    ("+1 (202) 456-1111", "+12024561111"),
    ("+852 6123 4567", "+85261234567"),
])
def test_phones_with_their_country_code_are_normalised(typed: str, e164: str) -> None:
    assert international_phone(typed) == e164


@pytest.mark.parametrize("phone", ["13912345678", "+86 123", "+999 1234567", "phone", "", "+"])
def test_phones_without_country_code_or_invalid_are_refused(phone: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        international_phone(phone)
    assert caught.value.field == "phone"
