"""Identity documents: validation, normalisation and what may be derived from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from . import clock
from .errors import InvalidIdNumber


class IdType(str, Enum):
    ID_CARD = "ID_CARD"  # 内地居民身份证
    HK_MACAU_PERMIT = "HK_MACAU_PERMIT"  # 港澳居民来往内地通行证
    PASSPORT = "PASSPORT"
    TAIWAN_PERMIT = "TAIWAN_PERMIT"  # 台湾居民来往大陆通行证


_HK_MACAU = re.compile(r"^[HM]\d{8}$")
_TAIWAN = re.compile(r"^\d{8}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_ISSUE_COUNT = re.compile(r"^\d{2}$")
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
            raise InvalidIdNumber(
                "ID number has an impossible birth date or region", "身份证号码的出生日期或地区码有误", field="id_number"
            ) from exc
        except stdnum_errors.ValidationError as exc:
            raise InvalidIdNumber(
                "ID number is not a valid resident ID card number", "身份证号码校验不通过", field="id_number"
            ) from exc
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
        return IdDocument(id_type, cleaned, count)
    return IdDocument(id_type, cleaned)


def age_on(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
