"""Identity documents: resident ID cards (via stdnum), HK/Macau and Taiwan permits, passports, what they tell us."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from healthcode.core.errors import InvalidIdNumber, IssueCountMismatch
from healthcode.identity.idnumbers import IdDocument, IdType, age_on, issue_count_to_record, parse_document
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

# --- resident ID card -----------------------------------------------------------------------------------------


def test_valid_id_card_is_accepted_and_normalised(make_id_card: Callable[..., str]) -> None:
    # GIVEN a resident ID card number with a correct check digit
    number = make_id_card("19900101", "123")

    # WHEN it is parsed
    document = parse_document("ID_CARD", number)

    # THEN it is an ID card document keyed by its number, with no issue count
    assert document == IdDocument(IdType.ID_CARD, number)
    assert document.key == f"ID_CARD:{number}"


def test_id_card_with_lowercase_x_is_normalised_to_uppercase(make_id_card: Callable[..., str]) -> None:
    # GIVEN a number whose check digit is X, typed in lowercase with spaces
    number = make_id_card("19491231", "002", region="110105")
    assert number.endswith("X")
    typed = f" {number[:6]} {number[6:14]} {number[14:].lower()} "

    # WHEN it is parsed
    document = parse_document(IdType.ID_CARD, typed)

    # THEN the stored number is the canonical one, uppercase X and no spaces
    assert document.number == number


def _wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


BAD_ID_CARDS = [
    ("wrong check digit", lambda make: _wrong_check_digit(make("19900101", "123"))),
    ("Feb 30 with a correct check digit", lambda make: make("19900230", "123")),
    ("month 13 with a correct check digit", lambda make: make("19901301", "123")),
    ("unknown region with a correct check digit", lambda make: make("19900101", "123", region="000000")),
    ("birth date in the future", lambda make: make((date.today() + timedelta(days=400)).strftime("%Y%m%d"))),
    ("17 characters", lambda make: make("19900101", "123")[:-1]),
    ("19 characters", lambda make: make("19900101", "123") + "1"),
    ("15-digit first-generation number", lambda make: "440106900101123"),
    ("letter in the body", lambda make: "44010619900101A23X"),
    ("empty", lambda make: ""),
]


@pytest.mark.parametrize("build", [pytest.param(build, id=description) for description, build in BAD_ID_CARDS])
def test_bad_id_card_number_is_rejected(
    build: Callable[[Callable[..., str]], str], make_id_card: Callable[..., str]
) -> None:
    # GIVEN a resident ID card number that is wrong in one way
    number = build(make_id_card)

    # WHEN it is parsed THEN it fails as INVALID_ID_NUMBER on the id_number field
    with pytest.raises(InvalidIdNumber) as caught:
        parse_document("ID_CARD", number)
    assert caught.value.code == "INVALID_ID_NUMBER"
    assert caught.value.status == 400
    assert caught.value.field == "id_number"


def test_birth_date_today_is_accepted(make_id_card: Callable[..., str]) -> None:
    # GIVEN a number whose birth date is today (a newborn)
    number = make_id_card(date.today().strftime("%Y%m%d"))

    # WHEN it is parsed THEN it is not "in the future"
    assert parse_document("ID_CARD", number).birth_date == date.today()


@pytest.mark.parametrize(
    ("sequence", "gender"), [("123", "male"), ("121", "male"), ("124", "female"), ("120", "female")]
)
def test_id_card_gender_follows_the_parity_of_the_17th_digit(
    sequence: str, gender: str, make_id_card: Callable[..., str]
) -> None:
    # GIVEN an ID card whose sequence code ends in an odd (men) or even (women) digit
    document = parse_document("ID_CARD", make_id_card("19900101", sequence))

    # WHEN its gender is read THEN it follows the parity
    assert document.gender == gender


def test_id_card_birth_date_is_read_from_digits_7_to_14(make_id_card: Callable[..., str]) -> None:
    # GIVEN an ID card of someone born on 1985-07-23
    document = parse_document("ID_CARD", make_id_card("19850723"))

    # WHEN its birth date is read THEN it is that date
    assert document.birth_date == date(1985, 7, 23)


# --- HK/Macau and Taiwan permits ------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["H12345678", "M87654321", "h12345678"])
def test_hk_macau_permit_with_issue_count_is_accepted(number: str) -> None:
    # GIVEN an H (Hong Kong) or M (Macau) permit number and its 2-digit issue count
    # WHEN it is parsed
    document = parse_document("HK_MACAU_PERMIT", number, "03")

    # THEN the number is uppercased and the issue count kept, but not part of the lookup key
    assert document.number == number.upper()
    assert document.issue_count == "03"
    assert document.key == f"HK_MACAU_PERMIT:{number.upper()}"


@pytest.mark.parametrize(
    "number",
    ["", "12345678", "H1234567", "H123456789", "A12345678", "HH2345678", "H1234567X", "440106199001011235"],
)
def test_malformed_hk_macau_permit_number_is_rejected(number: str) -> None:
    # GIVEN a permit number that is not H/M followed by 8 digits
    # WHEN it is parsed THEN the id_number field is named
    with pytest.raises(InvalidIdNumber) as caught:
        parse_document("HK_MACAU_PERMIT", number, "03")
    assert caught.value.field == "id_number"


@pytest.mark.parametrize("id_type", ["HK_MACAU_PERMIT", "TAIWAN_PERMIT"])
@pytest.mark.parametrize("issue_count", [None, "", "  ", "003", "ab", "0x", "1 2", "-1"])
def test_permit_without_a_two_digit_issue_count_is_rejected(id_type: str, issue_count: str | None) -> None:
    # GIVEN a well-formed permit number but a missing or malformed issue count (FAQ: number plus 2-digit count)
    number = "H12345678" if id_type == "HK_MACAU_PERMIT" else "12345678"

    # WHEN it is parsed THEN the issue_count field is named
    with pytest.raises(InvalidIdNumber) as caught:
        parse_document(id_type, number, issue_count)
    assert caught.value.code == "INVALID_ID_NUMBER"
    assert caught.value.field == "issue_count"


def test_issue_count_surrounding_spaces_are_ignored() -> None:
    # GIVEN an issue count typed with spaces around it
    # WHEN the permit is parsed THEN the count is stored trimmed
    assert parse_document("HK_MACAU_PERMIT", "M12345678", " 01 ").issue_count == "01"


def test_taiwan_permit_with_issue_count_is_accepted() -> None:
    # GIVEN an 8-digit Taiwan permit number and its issue count
    # WHEN it is parsed THEN both are kept
    document = parse_document("TAIWAN_PERMIT", "12345678", "02")
    assert (document.id_type, document.number, document.issue_count) == (IdType.TAIWAN_PERMIT, "12345678", "02")


@pytest.mark.parametrize("number", ["1234567", "123456789", "T1234567", ""])
def test_malformed_taiwan_permit_number_is_rejected(number: str) -> None:
    # GIVEN a Taiwan permit number that is not 8 digits
    # WHEN it is parsed THEN the id_number field is named
    with pytest.raises(InvalidIdNumber) as caught:
        parse_document("TAIWAN_PERMIT", number, "02")
    assert caught.value.field == "id_number"


# --- passports ------------------------------------------------------------------------------------------------


def test_passport_is_accepted_uppercased_without_issue_count() -> None:
    # GIVEN a passport number typed in lowercase with a space
    # WHEN it is parsed
    document = parse_document("PASSPORT", "e1234 5678", "07")

    # THEN it is uppercased, spaces removed, and no issue count is kept
    assert document == IdDocument(IdType.PASSPORT, "E12345678")


@pytest.mark.parametrize("number", ["", "E123", "E" * 21, "E1234-5678", "E1234/5678", "护照12345"])
def test_malformed_passport_number_is_rejected(number: str) -> None:
    # GIVEN a passport number that is too short, too long or has characters passports do not have
    # WHEN it is parsed THEN the id_number field is named
    with pytest.raises(InvalidIdNumber) as caught:
        parse_document("PASSPORT", number)
    assert caught.value.field == "id_number"


@pytest.mark.parametrize(
    ("id_type", "number", "issue_count"),
    [("PASSPORT", "E12345678", None), ("HK_MACAU_PERMIT", "H12345678", "01"), ("TAIWAN_PERMIT", "12345678", "01")],
)
def test_travel_documents_give_no_birth_date_and_unknown_gender(
    id_type: str, number: str, issue_count: str | None
) -> None:
    # GIVEN a travel document, which carries no birth date or sex in its number
    document = parse_document(id_type, number, issue_count)

    # WHEN gender and birth date are read THEN nothing is made up
    assert (document.gender, document.birth_date) == ("unknown", None)


# --- age ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(1990, 6, 15), date(2024, 6, 14), 33),  # the day before the birthday
        (date(1990, 6, 15), date(2024, 6, 15), 34),  # on the birthday
        (date(1990, 6, 15), date(2024, 12, 31), 34),
        (date(2024, 3, 1), date(2024, 3, 1), 0),  # a newborn
        (date(2000, 2, 29), date(2023, 2, 28), 22),  # a leap-day birthday in a common year
        (date(2000, 2, 29), date(2023, 3, 1), 23),
    ],
)
def test_age_on_counts_whole_years(birth: date, today: date, age: int) -> None:
    # GIVEN a birth date and a day WHEN the age on that day is asked THEN it counts completed years
    assert age_on(birth, today) == age


def test_age_on_without_birth_date_is_unknown() -> None:
    # GIVEN a document with no birth date (a passport) WHEN the age is asked THEN it is unknown
    assert age_on(None, date(2024, 1, 1)) is None


# --- county codes: where the card was first issued, not where the holder was born ----------------------------

def id_card_number(birth: str, sequence: str, region: str = "440106") -> str:
    """What the make_id_card fixture builds, callable inside Hypothesis examples (no function-scoped fixture)."""
    body = f"{region}{birth}{sequence}"
    return body + ric.calc_check_digit(body + "0")


# Guangzhou and Shenzhen districts, each created long after many of its residents were born
# (天河 1985, 白云 1987, 番禺/花都 2000, 南沙 2005, 从化/增城 2014, 龙华/坪山 2016, 光明 2018 ...).
GUANGDONG_DISTRICTS_IN_USE = [
    "440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114", "440115", "440117", "440118",
    "440303", "440304", "440305", "440306", "440307", "440308", "440309", "440310", "440311",
]
# County-level cities merged into districts in 2014 (增城市, 从化市): cards issued there stay valid.
GUANGDONG_CODES_ABOLISHED_IN_2014 = ["440183", "440184", "440116"]


@pytest.mark.parametrize("region", GUANGDONG_DISTRICTS_IN_USE)
@given(birth=st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31)))
@settings(max_examples=40, deadline=None)
def test_any_birth_year_is_accepted_in_a_district_in_use(region: str, birth: date) -> None:
    # GIVEN a card issued in a Guangdong district in use today, to someone born in any year 1930-2020,
    # before or after the district's code existed
    number = id_card_number(birth.strftime("%Y%m%d"), "003", region=region)

    # WHEN it is parsed THEN it is accepted with its birth date
    assert parse_document("ID_CARD", number).birth_date == birth


@pytest.mark.parametrize("region", GUANGDONG_CODES_ABOLISHED_IN_2014)
@pytest.mark.parametrize("year", [1930, 1950, 1984, 1999, 2010, 2014])
def test_a_code_abolished_later_is_accepted_for_anyone_born_before_it_ended(region: str, year: int) -> None:
    # GIVEN a card from 增城市 / 从化市 / 萝岗区 (codes in use until 2014) of someone born by 2014
    number = id_card_number(f"{year}0612", "003", region=region)

    # WHEN it is parsed THEN it is accepted
    assert parse_document("ID_CARD", number).number == number


@pytest.mark.parametrize(("region", "year"), [("440183", 2015), ("440102", 2006), ("440120", 1990)])
def test_a_code_abolished_before_the_birth_is_refused(region: str, year: int) -> None:
    # GIVEN a card whose county code was abolished before its holder was born (no such card can be issued)
    number = id_card_number(f"{year}0101", "003", region=region)

    # WHEN it is parsed THEN it is refused, naming the field
    with pytest.raises(InvalidIdNumber) as caught:
        parse_document("ID_CARD", number)
    assert caught.value.field == "id_number"


@pytest.mark.parametrize("region", ["449999", "990106", "000000"])
def test_a_county_code_never_in_the_table_is_refused(region: str) -> None:
    # GIVEN a well-formed number with a correct check digit whose county code GB/T 2260 never held
    number = id_card_number("19500612", "003", region=region)

    # WHEN it is parsed THEN it is a clear 400 on id_number (not an internal error)
    with pytest.raises(InvalidIdNumber) as caught:
        parse_document("ID_CARD", number)
    assert (caught.value.status, caught.value.field) == (400, "id_number")


def test_the_elderly_tianhe_resident_of_the_issue_is_accepted() -> None:
    # GIVEN the Tianhe resident born in 1950 (Tianhe's code dates from 1985)
    # WHEN the number is parsed THEN it is accepted
    assert parse_document("ID_CARD", "440106195006120037").birth_date == date(1950, 6, 12)


@given(birth=st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31)))
@settings(max_examples=60, deadline=None)
def test_a_wrong_check_digit_is_still_refused_in_any_birth_year(birth: date) -> None:
    # GIVEN an elderly-or-not Tianhe resident's number with one wrong check digit
    number = _wrong_check_digit(id_card_number(birth.strftime("%Y%m%d"), "003"))

    # WHEN it is parsed THEN the check digit is still enforced
    with pytest.raises(InvalidIdNumber):
        parse_document("ID_CARD", number)


def test_the_demo_has_an_elderly_guangzhou_resident_who_can_log_in() -> None:
    # GIVEN the local stack's demo family
    from infra.local.demo import DEMO_FAMILY

    parent = next(member for member in DEMO_FAMILY if member["relation"] == "PARENT")

    # WHEN the parent's number is parsed THEN it is a Guangzhou card of someone born by 1960, and accepted
    document = parse_document("ID_CARD", parent["id_number"])
    assert document.number.startswith("4401") and document.birth_date.year <= 1960


# --- permit issue counts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("id_type", ["HK_MACAU_PERMIT", "TAIWAN_PERMIT"])
@pytest.mark.parametrize(("typed", "read"), [("2", "02"), (" 3 ", "03"), ("02", "02"), ("12", "12")])
def test_a_one_digit_issue_count_is_read_as_two_digits(id_type: str, typed: str, read: str) -> None:
    # GIVEN a permit whose issue count is typed without its leading zero
    number = "H12345678" if id_type == "HK_MACAU_PERMIT" else "12345678"

    # WHEN it is parsed THEN the count is the permit's two digits
    assert parse_document(id_type, number, typed).issue_count == read


@pytest.mark.parametrize("renewal_allowed", [True, False])
@pytest.mark.parametrize(("recorded", "presented"), [("02", "01"), ("10", "09")])
def test_an_older_card_than_the_record_is_refused(recorded: str, presented: str, renewal_allowed: bool) -> None:
    # GIVEN a record of issue count `recorded` WHEN a lower count is presented THEN it is refused on issue_count
    with pytest.raises(IssueCountMismatch) as caught:
        issue_count_to_record(recorded, presented, renewal_allowed=renewal_allowed)
    assert (caught.value.status, caught.value.code, caught.value.field) == (400, "ISSUE_COUNT_MISMATCH", "issue_count")


def test_a_newer_card_is_refused_where_only_a_name_was_checked() -> None:
    # GIVEN immigration's record of count 02 WHEN 03 is typed on the inbound page (a name check only) THEN refused
    with pytest.raises(IssueCountMismatch):
        issue_count_to_record("02", "03", renewal_allowed=False)


def test_a_renewed_card_is_recorded_where_the_card_was_proven() -> None:
    # GIVEN a record of count 02 WHEN a face login (the provider checked the card) presents 03 THEN 03 is recorded
    assert issue_count_to_record("02", "03", renewal_allowed=True) == "03"


@pytest.mark.parametrize(("recorded", "presented", "to_record"), [("02", "02", None), (None, "02", "02"),
                                                                   ("02", None, None)])
def test_the_same_count_or_no_record_is_accepted(recorded: str | None, presented: str | None,
                                                 to_record: str | None) -> None:
    # GIVEN the record's own count, or no count on record, or none presented (a feed) WHEN compared THEN accepted
    assert issue_count_to_record(recorded, presented, renewal_allowed=False) == to_record
