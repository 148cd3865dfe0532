"""Identity documents: validation, normalisation and what may be derived from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric

from healthcode.core import clock
from healthcode.core.errors import InvalidIdNumber, IssueCountMismatch


class IdType(str, Enum):
    ID_CARD = "ID_CARD"  # 内地居民身份证
    HK_MACAU_PERMIT = "HK_MACAU_PERMIT"  # 港澳居民来往内地通行证
    PASSPORT = "PASSPORT"
    TAIWAN_PERMIT = "TAIWAN_PERMIT"  # 台湾居民来往大陆通行证


_HK_MACAU = re.compile(r"^[HM]\d{8}$")
_TAIWAN = re.compile(r"^\d{8}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_ISSUE_COUNT = re.compile(r"^\d{1,2}$")
_NEEDS_ISSUE_COUNT = {IdType.HK_MACAU_PERMIT, IdType.TAIWAN_PERMIT}


@dataclass(frozen=True)
class IdDocument:
    """A validated, normalised document; `key` is what lookups hash."""

    id_type: IdType
    number: str
    issue_count: str | None = None

    @property
    def key(self) -> str:
        # The issue count changes with each renewal; the person stays the same.
        return f"{self.id_type.value}:{self.number}"

    @property
    def birth_date(self) -> date | None:
        if self.id_type is IdType.ID_CARD:
            return ric.get_birth_date(self.number)
        return None

    @property
    def gender(self) -> str:
        """`male`, `female` or `unknown`: the 17th digit of a resident ID card is odd for men."""
        if self.id_type is IdType.ID_CARD:
            return "male" if int(self.number[16]) % 2 else "female"
        return "unknown"


def parse_document(id_type: IdType | str, number: str, issue_count: str | None = None) -> IdDocument:
    """Validate and normalise a document number, raising INVALID_ID_NUMBER when it is wrong."""
    id_type = IdType(id_type)
    cleaned = re.sub(r"\s+", "", number or "").upper()
    if id_type is IdType.ID_CARD:
        try:
            cleaned = ric.validate(cleaned)
        except stdnum_errors.InvalidComponent as exc:
            # Length, digits and check digit passed; stdnum refused the date or the county. Its county rule
            # (the code must exist in the birth year) is not ours, see `_county_issued_by`.
            try:
                birth = ric.get_birth_date(cleaned)
            except stdnum_errors.InvalidComponent:
                raise _impossible_date_or_region() from exc
            if not _county_issued_by(cleaned[:6], birth.year):
                raise _impossible_date_or_region() from exc
        except stdnum_errors.ValidationError as exc:
            raise InvalidIdNumber(
                "ID number is not a valid resident ID card number", "身份证号码校验不通过", field="id_number"
            ) from exc
        except KeyError as exc:  # stdnum 2.2 knows the province but not the county: it trips over the missing name
            raise _impossible_date_or_region() from exc
        if ric.get_birth_date(cleaned) > clock.now().date():
            raise InvalidIdNumber("ID number has a birth date in the future", "身份证号码的出生日期有误", field="id_number")
        return IdDocument(id_type, cleaned)
    patterns = {IdType.HK_MACAU_PERMIT: _HK_MACAU, IdType.TAIWAN_PERMIT: _TAIWAN, IdType.PASSPORT: _PASSPORT}
    if not patterns[id_type].match(cleaned):
        raise InvalidIdNumber(f"Malformed {id_type.value} number", "证件号码格式有误", field="id_number")
    if id_type in _NEEDS_ISSUE_COUNT:
        count = (issue_count or "").strip()
        if not _ISSUE_COUNT.match(count):
            raise InvalidIdNumber("issue_count must be the 2-digit issue count", "请填写2位签发次数", field="issue_count")
        return IdDocument(id_type, cleaned, count.zfill(2))  # "2" as typed is the permit's "02"
    return IdDocument(id_type, cleaned)


def issue_count_to_record(recorded: str | None, presented: str | None, *, renewal_allowed: bool) -> str | None:
    """Compare a permit's issue count with the one on record; answer the count to record (None: keep the record).

    A permit is the same person's whatever its count (IdDocument.key), but a count other than the record's is
    another card: a lower one is an old card, refused. A higher one is a renewed card, accepted and recorded where
    the caller proved the card (`renewal_allowed`: the identity provider checked it, or immigration recorded it);
    where only a name was checked (the inbound page), the count must be the record's. No count on record (a feed
    sent the number alone): the presented one is recorded.
    """
    if presented is None or presented == recorded:
        return None
    if recorded is None or (renewal_allowed and int(presented) > int(recorded)):
        return presented
    raise IssueCountMismatch(field="issue_count")


def _impossible_date_or_region() -> InvalidIdNumber:
    return InvalidIdNumber(
        "ID number has an impossible birth date or region", "身份证号码的出生日期或地区码有误", field="id_number"
    )


def _county_issued_by(code: str, birth_year: int) -> bool:
    """Whether a card with this county code can belong to someone born in `birth_year`.

    The code names the county where the card was first issued, which may be decades after the birth: Tianhe
    (440106) dates from 1985, and a Tianhe resident born in 1950 holds 4401061950... So any code the GB/T 2260
    table (python-stdnum's `cn/loc`, with each name's years) has ever held is accepted, except one abolished
    before the holder was born, which no card of theirs can carry.
    """
    names = [props["county"] for _, props in numdb.get("cn/loc").info(code) if "county" in props]
    if not names:
        return False
    for name in ",".join(names).split(","):
        if not name.startswith("["):
            return True  # an undated name: in the table throughout
        period = name[1:].split("]", 1)[0]
        end = period.split("-", 1)[1]
        if not end or birth_year <= int(end):
            return True
    return False


def age_on(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
