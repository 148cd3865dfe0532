"""Masking: how names, phones and document numbers are shown to anyone but the person (张*三, 138****5678)."""

from __future__ import annotations

import pytest
from healthcode.core.pii import mask_id, mask_name, mask_phone


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        pytest.param("张三丰", "张*丰", id="three characters"),
        pytest.param("欧阳娜娜", "欧**娜", id="compound surname"),
        pytest.param("  张三丰 ", "张*丰", id="surrounding spaces"),
        pytest.param("阿依古丽·买买提", "阿******提", id="transliterated with middle dot"),
    ],
)
def test_chinese_name_keeps_first_and_last_character(name: str, masked: str) -> None:
    # GIVEN a Chinese name of three or more characters WHEN it is masked THEN only its ends show
    assert mask_name(name) == masked


def test_two_character_chinese_name_keeps_only_the_surname() -> None:
    # GIVEN a two-character name WHEN it is masked THEN the given name is hidden (张*, not 张三)
    assert mask_name("张三") == "张*"


def test_one_character_name_is_fully_hidden() -> None:
    # GIVEN a one-character name WHEN it is masked THEN nothing of it shows
    assert mask_name("张") == "*"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("John Smith", "J*** S****"), ("Chan Tai Man", "C*** T** M**"), ("Li", "L*"), ("  Anna   Lee ", "A*** L**")],
)
def test_latin_name_keeps_the_initial_of_each_word(name: str, masked: str) -> None:
    # GIVEN a name in Latin letters (a passport holder) WHEN it is masked THEN each word keeps its initial
    assert mask_name(name) == masked


@pytest.mark.parametrize("name", ["", "   ", None])
def test_missing_name_masks_to_empty(name: str | None) -> None:
    # GIVEN no name WHEN it is masked THEN the result is empty, not an error
    assert mask_name(name) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "phone", ["13812345678", "+8613812345678", "8613812345678", "+86 138-1234-5678", "138 1234 5678"]
)
def test_mobile_number_shows_first_three_and_last_four_digits(phone: str) -> None:
    # GIVEN a mainland mobile number, with or without +86 and separators
    # WHEN it is masked THEN the national number shows as 138****5678
    assert mask_phone(phone) == "138****5678"


def test_landline_number_keeps_three_and_four_digits() -> None:
    # GIVEN a longer venue landline (area code and number)
    # WHEN it is masked THEN the middle is hidden whatever its length
    assert mask_phone("020-8765-4321") == "020****4321"


@pytest.mark.parametrize(("phone", "masked"), [("", ""), (None, ""), ("12345", "*****"), ("1234567", "*******")])
def test_short_or_missing_phone_is_fully_hidden(phone: str | None, masked: str) -> None:
    # GIVEN a phone too short to mask partly WHEN it is masked THEN no digit shows
    assert mask_phone(phone) == masked  # type: ignore[arg-type]


def test_id_card_number_shows_region_prefix_and_last_four() -> None:
    # GIVEN an 18-character resident ID card number
    # WHEN it is masked THEN the birth date and sequence are hidden
    assert mask_id("44010619900101123X") == "4401**********123X"


def test_permit_number_shows_first_and_last_four() -> None:
    # GIVEN a 9-character HK/Macau permit number
    # WHEN it is masked THEN one leading and four trailing characters show
    assert mask_id("H12345678") == "H****5678"


@pytest.mark.parametrize(("number", "masked"), [("", ""), (None, ""), ("123456", "******")])
def test_short_or_missing_document_number_is_fully_hidden(number: str | None, masked: str) -> None:
    # GIVEN a number too short to mask partly WHEN it is masked THEN no character shows
    assert mask_id(number) == masked  # type: ignore[arg-type]


@pytest.mark.parametrize("number", ["44010619900101123X", "H12345678", "E12345678", "1234567"])
def test_masked_document_number_keeps_its_length(number: str) -> None:
    # GIVEN any document number WHEN it is masked THEN the mask has the same length, so the shape is recognisable
    assert len(mask_id(number)) == len(number)
