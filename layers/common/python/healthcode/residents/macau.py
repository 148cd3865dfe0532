"""Converting a green 粤康码 into a Macau health code (申领澳门健康码, 2.(三).6) and showing it as its own page.

Residents crossing into Macau at a Zhuhai port declare, confirm, and get a type M code. Rules:
- only a green code converts; a red one is refused (409 RED_CODE_NOT_CONVERTIBLE with its reasons);
- a declaration that reports fever or symptoms, contact with a case, a stay in a risk area or abroad within
  14 days is refused too (409 DECLARED_RISK): that traveller needs Macau's own quarantine rules, not a pass;
- the Macau code is valid for 24 hours from issue (when we sign it; the Macau service sets its own): a
  declaration speaks for the day it is made, and a fixed 24 hours spares an evening applicant a code that
  dies at midnight;
- it carries the date of the latest negative nucleic-acid test (or none), which the Macau side checks;
- it stops being valid early when the 粤康码 turns red or is re-issued (code version), so the page never
  shows a pass its holder no longer has.

Storage: one current Macau code per person in the auth table (`macau-code#<person_id>`, TTL a week after
expiry so an expired code can still be shown as expired); reading it is one GetItem plus the person.

Who issues the code is a `MacauCodeService`, chosen by MACAU_PROVIDER (like the identity, SMS and itinerary
providers, DESIGN "Identity providers"):
- `local` (the default; local stack, tests, and a deployment without the Macau link): we sign a type M code
  (`YKM1`, same keys as every code) valid for VALIDITY;
- `http` (production): the Macau health code service. Only a green code with a clean declaration is sent.
  Contract:

      POST {MACAU_PROVIDER_URL}/v1/macau-codes
      {"reference": "<our person id>", "name": "<full name>", "document": {"type": "ID_CARD", "number": "..."},
       "guangdong_code": "GREEN", "latest_negative_test": "YYYY-MM-DD" | null, "applied_at": "<ISO +08:00>",
       "declaration": {"entry_port", "temperature_c", "symptoms", "contact_with_case", "visited_risk_area",
                       "returned_from_abroad"}}
      200/201 {"qr": "<the Macau code's QR text>", "valid_until": "<ISO with offset, in the future>"}  -> issued
      409 {"reason": "<text>"}            -> refused by Macau: 409 MACAU_REFUSED with that reason
      any other status, a timeout, or an answer not of that shape -> 503 UPSTREAM_UNAVAILABLE

  The name and document leave decrypted only here, to the Macau service, which checks them at the border.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from functools import lru_cache
from typing import Any, Protocol

from healthcode.codes.tokens import CodeType, get_keyring
from healthcode.colour.reasons import describe
from healthcode.colour.status import as_of
from healthcode.core import audit, clock, pii, upstream
from healthcode.core.config import get_config
from healthcode.core.errors import (
    DeclaredRisk,
    InboundNoMacauCode,
    MacauRefused,
    NotFound,
    RedCodeNotConvertible,
    ServiceUnavailable,
)
from healthcode.identity.people import get as get_person
from healthcode.models import AuthItem, HealthEvent, Person, catalogue
from healthcode.residents.declarations import is_fever, symptoms, temperature

VALIDITY = timedelta(hours=24)
KEEP_AFTER_EXPIRY = timedelta(days=7)
LONGEST_VALIDITY = timedelta(days=7)  # a Macau answer valid for longer is not believed
MAX_QR_LENGTH = 2048
MAX_REASON_LENGTH = 200


# Zhuhai ports into Macau (healthcode.models.catalogue holds their names).
Port = Enum("Port", {code: code for code in catalogue.MACAU_PORTS}, type=str, module=__name__)
PORT_LABELS = {Port(code): label for code, label in catalogue.MACAU_PORTS.items()}

DECLARED_RISKS = {
    "FEVER_OR_SYMPTOMS": "申报有发热或其他不适症状",
    "CONTACT_WITH_CASE": "申报14天内接触过确诊、疑似病例或无症状感染者",
    "VISITED_RISK_AREA": "申报14天内到过中高风险地区",
    "RETURNED_FROM_ABROAD": "申报14天内有境外旅居史",
}


@dataclass(frozen=True)
class MacauDeclaration:
    entry_port: Port
    contact_with_case: bool
    visited_risk_area: bool
    returned_from_abroad: bool
    temperature_c: float | None = None
    symptoms: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MacauIssued:
    qr: str
    valid_until: datetime


class MacauCodeService(Protocol):
    def issue(self, person: Person, declaration: dict[str, Any], latest_test: dict[str, Any] | None,
              moment: datetime) -> MacauIssued:
        """A Macau code for a green person with a clean declaration; MacauRefused or ServiceUnavailable."""
        ...


class LocalMacauCodeService:
    """A type M code we sign ourselves, valid for VALIDITY."""

    def issue(self, person: Person, declaration: dict[str, Any], latest_test: dict[str, Any] | None,
              moment: datetime) -> MacauIssued:
        qr = get_keyring().sign(CodeType.MACAU, person.person_id, int(person.code_version), int(moment.timestamp()))
        return MacauIssued(qr=qr, valid_until=moment + VALIDITY)


class HttpMacauCodeService:
    """The Macau health code service (contract in the module docstring)."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def issue(self, person: Person, declaration: dict[str, Any], latest_test: dict[str, Any] | None,
              moment: datetime) -> MacauIssued:
        body = json.dumps({
            "reference": person.person_id,
            "name": pii.decrypt(person.name_enc),
            "document": {"type": person.id_type, "number": pii.decrypt(person.id_enc)},
            "guangdong_code": as_of(person.color, person.reasons, moment).color,
            "latest_negative_test": latest_test["date"] if latest_test else None,
            "applied_at": clock.iso(moment),
            "declaration": declaration,
        }, ensure_ascii=False).encode()
        try:
            answer = upstream.post_json(f"{self.base_url}/v1/macau-codes", body, self.timeout)
        except urllib.error.HTTPError as exc:
            if exc.code == 409:
                raise MacauRefused(details={"reason": _reason(exc)}) from None
            raise ServiceUnavailable() from exc
        return _issued(answer, moment)


def _reason(exc: urllib.error.HTTPError) -> str | None:
    try:
        reason = json.loads(exc.read()).get("reason")
    except (ValueError, AttributeError, OSError, http.client.HTTPException):
        return None
    return reason.strip()[:MAX_REASON_LENGTH] if isinstance(reason, str) and reason.strip() else None


def _issued(answer: Any, moment: datetime) -> MacauIssued:
    """The service's answer, believed only if it is a QR text and a future validity of at most a week."""
    qr = answer.get("qr") if isinstance(answer, dict) else None
    until = answer.get("valid_until") if isinstance(answer, dict) else None
    if not isinstance(qr, str) or not 0 < len(qr) <= MAX_QR_LENGTH or not isinstance(until, str):
        raise ServiceUnavailable()
    try:
        valid_until = datetime.fromisoformat(until)
    except ValueError:
        raise ServiceUnavailable() from None
    if valid_until.tzinfo is None or not moment < valid_until <= moment + LONGEST_VALIDITY:
        raise ServiceUnavailable()
    return MacauIssued(qr=qr, valid_until=valid_until.astimezone(clock.SHANGHAI))


@lru_cache(maxsize=1)
def get_macau_code_service() -> MacauCodeService:
    cfg = get_config()
    if cfg.macau_provider == "http":
        return HttpMacauCodeService(cfg.macau_provider_url)
    return LocalMacauCodeService()


def key(person_id: str) -> str:
    return f"macau-code#{person_id}"


def declared_risks(declaration: MacauDeclaration) -> list[str]:
    """The risk codes a declaration reports (validated first, naming the declaration's field)."""
    reading = temperature(declaration.temperature_c, "declaration.temperature_c")
    chosen = symptoms(declaration.symptoms, "declaration.symptoms")
    risks = []
    if chosen or is_fever(reading, chosen):
        risks.append("FEVER_OR_SYMPTOMS")
    if declaration.contact_with_case:
        risks.append("CONTACT_WITH_CASE")
    if declaration.visited_risk_area:
        risks.append("VISITED_RISK_AREA")
    if declaration.returned_from_abroad:
        risks.append("RETURNED_FROM_ABROAD")
    return risks


def latest_negative_test(person_id: str) -> dict[str, Any] | None:
    """The newest negative nucleic-acid result among the person's facts (one Query, newest first)."""
    facts = HealthEvent.query(person_id, scan_index_forward=False,
                              filter_condition=(HealthEvent.kind == "NUCLEIC_ACID") & (HealthEvent.result == "NEGATIVE"))
    for fact in facts:
        return {"date": clock.local_date(clock.parse(fact.occurred_at)).isoformat(), "at": fact.occurred_at,
                "institution": (fact.details or {}).get("institution")}
    return None


def issue(subject_id: str, actor_id: str, declaration: MacauDeclaration) -> dict[str, Any]:
    """Check the declaration and the code's colour, then sign and store a Macau code for 24 hours."""
    risks = declared_risks(declaration)
    person = get_person(subject_id)
    if person.kind == "INBOUND":
        raise InboundNoMacauCode()
    shown = as_of(person.color, person.reasons, clock.now())  # a period that ran out since the last review is over
    if shown.color != "GREEN":
        raise RedCodeNotConvertible(details={"reasons": describe(shown.reasons)})
    if risks:
        raise DeclaredRisk(details={"reasons": [{"code": r, "label": DECLARED_RISKS[r]} for r in risks]},
                           field="declaration")
    moment = clock.now()
    declared = {
        "entry_port": declaration.entry_port.value,
        "temperature_c": declaration.temperature_c,
        "symptoms": list(declaration.symptoms),
        "contact_with_case": declaration.contact_with_case,
        "visited_risk_area": declaration.visited_risk_area,
        "returned_from_abroad": declaration.returned_from_abroad,
    }
    latest_test = latest_negative_test(subject_id)
    issued = get_macau_code_service().issue(person, declared, latest_test, moment)
    data = {
        "issued_at": clock.iso(moment),
        "valid_until": clock.iso(issued.valid_until),
        "code_version": int(person.code_version),
        "issued_by": actor_id,
        "latest_negative_test": latest_test,
        "declaration": declared | {"confirmed": True},
    }
    AuthItem(key=key(subject_id), value=issued.qr, data=data, expires_at=issued.valid_until + KEEP_AFTER_EXPIRY).save()
    audit.member_read(subject_id, actor_id, "MACAU_CODE_ISSUED")
    return view(person, issued.qr, data)


def current(subject_id: str, actor_id: str) -> dict[str, Any]:
    """The stored Macau code as its own page: VALID (with the QR), EXPIRED or REVOKED (without)."""
    try:
        item = AuthItem.get(key(subject_id), consistent_read=True)
    except AuthItem.DoesNotExist:
        raise NotFound("No Macau health code has been issued", "尚未申领澳门健康码") from None
    person = get_person(subject_id)
    audit.member_read(subject_id, actor_id, "MACAU_CODE_READ")
    return view(person, item.value or "", dict(item.data or {}))


def status_of(person: Person, data: dict[str, Any]) -> str:
    green = as_of(person.color, person.reasons, clock.now()).color == "GREEN"  # ran-out periods are over
    if not green or int(person.code_version) != int(data.get("code_version", -1)):
        return "REVOKED"
    if clock.now() >= clock.parse(data["valid_until"]):
        return "EXPIRED"
    return "VALID"


def view(person: Person, qr: str, data: dict[str, Any]) -> dict[str, Any]:
    status = status_of(person, data)
    declared = data.get("declaration") or {}
    port = declared.get("entry_port")
    return {
        "person_id": person.person_id,
        "name_masked": person.name_masked,
        "status": status,
        "color": "GREEN" if status == "VALID" else None,
        "qr": qr if status == "VALID" else None,
        "issued_at": data.get("issued_at"),
        "valid_until": data.get("valid_until"),
        "latest_negative_test": data.get("latest_negative_test"),
        "entry_port": port,
        "entry_port_label": PORT_LABELS.get(Port(port)) if port in Port.__members__ else None,
        "reasons": describe(as_of(person.color, person.reasons, clock.now()).reasons) if status == "REVOKED" else [],
    }

