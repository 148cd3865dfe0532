"""The code colour as a pure function of a person's facts and the time (DESIGN.md "The code colour").

`evaluate(facts, now) -> Status(color, reasons, next_review_at)`:
- red reasons, one per code, in the order of `REASON_ORDER`, each `{"code", "since"[, "until"]}`;
- `next_review_at`: the first moment after `now` at which time alone changes the answer (a quarantine or a
  contact period starting or ending), or None. Status is constant on [now, next_review_at).

Rules, facts ordered by (occurred_at, event_id) and deduplicated by event_id, so arrival order and replays
never matter:
- CONFIRMED: a confirmed fact with no release notice at or after it;
- POSITIVE_TEST: the latest nucleic-acid result is POSITIVE (a tie at the same instant counts as positive) and
  no release notice at or after it;
- SUSPECTED: a suspected fact with neither a SUSPECTED_CLEARED nor a release notice at or after it;
- CLOSE_CONTACT: from valid_from (else occurred_at) until valid_until (open-ended without one), unless released;
- OTHER_PROVINCE_RED_YELLOW: the latest other-province code is RED or YELLOW (the worst wins a tie); release
  notices do not clear another province's code;
- CENTRAL_QUARANTINE / HOME_QUARANTINE: now in [valid_from, valid_until), unless released;
- HEALTH_CERTIFICATE, ANTIBODY, ENTRY_REGISTRATION, INBOUND_ENTRY, ITINERARY: shown in records, never a colour.
Periods are half-open: at exactly valid_until the reason is gone.

`as_of(color, reasons, now)`: a stored status seen at a later moment (read paths: reasons that ran out are gone).

`latest_test(facts)`: the nucleic-acid result the code page shows beside the colour (FAQ 11: the latest test
from 20 April 2020 on; older results are in the records only), as `{result, institution, tested_at}` or None.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from healthcode.core import clock

RED = "RED"
GREEN = "GREEN"

REASON_ORDER = ("CONFIRMED", "POSITIVE_TEST", "SUSPECTED", "CLOSE_CONTACT", "OTHER_PROVINCE_RED_YELLOW",
                "CENTRAL_QUARANTINE", "HOME_QUARANTINE")
PERIOD_KINDS = ("CLOSE_CONTACT", "CENTRAL_QUARANTINE", "HOME_QUARANTINE")
PROVINCE_SEVERITY = {"GREEN": 0, "YELLOW": 1, "RED": 2}
TESTS_SHOWN_FROM = datetime(2020, 4, 20, tzinfo=clock.SHANGHAI)  # FAQ 11


@dataclass(frozen=True)
class Fact:
    """One health event as the rules see it; times are aware datetimes."""

    event_id: str
    kind: str
    occurred_at: datetime
    result: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    institution: str | None = None  # nucleic-acid and antibody tests: where the sample was tested

    @classmethod
    def of(cls, item: Any) -> Fact:
        """From a HealthEvent (or anything with the same attributes / keys), times given as ISO text."""
        get = item.get if isinstance(item, dict) else lambda name: getattr(item, name, None)

        def moment(value: Any) -> datetime | None:
            if value is None or isinstance(value, datetime):
                return value
            return clock.parse(value)

        details = get("details")
        institution = details.get("institution") if isinstance(details, dict) else None
        return cls(event_id=get("event_id"), kind=get("kind"), occurred_at=moment(get("occurred_at")),
                   result=get("result"), valid_from=moment(get("valid_from")), valid_until=moment(get("valid_until")),
                   institution=institution if isinstance(institution, str) else None)

    @property
    def start(self) -> datetime:
        return self.valid_from or self.occurred_at


class Status(NamedTuple):
    color: str
    reasons: list[dict[str, str]]
    next_review_at: datetime | None


def _order(fact: Fact) -> tuple[datetime, str]:
    return fact.occurred_at, fact.event_id


def _latest(facts: list[Fact], severity: dict[str, int]) -> Fact | None:
    """The newest fact; at the same instant the most severe result wins, so ties never depend on ids."""
    if not facts:
        return None
    return max(facts, key=lambda f: (f.occurred_at, severity.get(f.result or "", 0), f.event_id))


def evaluate(facts: Iterable[Fact], now: datetime) -> Status:
    unique: dict[str, Fact] = {}
    for fact in facts:
        known = unique.get(fact.event_id)
        if known is None or _order(fact) > _order(known):
            unique[fact.event_id] = fact
    by_kind: dict[str, list[Fact]] = {}
    for fact in sorted(unique.values(), key=_order):
        by_kind.setdefault(fact.kind, []).append(fact)

    last_release = max((f.occurred_at for f in by_kind.get("RELEASE_NOTICE", [])), default=None)
    last_cleared = max((f.occurred_at for f in by_kind.get("SUSPECTED_CLEARED", [])), default=None)

    def released(fact: Fact) -> bool:
        return last_release is not None and last_release >= fact.occurred_at

    found: dict[str, dict[str, datetime | None]] = {}
    boundaries: list[datetime] = []

    def add(code: str, since: datetime, until: datetime | None = None) -> None:
        known = found.get(code)
        if known is None:
            found[code] = {"since": since, "until": until}
            return
        known["since"] = min(known["since"], since)  # type: ignore[type-var]
        if known["until"] is not None:
            known["until"] = None if until is None else max(known["until"], until)

    confirmed = [f for f in by_kind.get("CONFIRMED", []) if not released(f)]
    if confirmed:
        add("CONFIRMED", confirmed[0].occurred_at)

    latest_test = _latest(by_kind.get("NUCLEIC_ACID", []), {"POSITIVE": 1})
    if latest_test is not None and latest_test.result == "POSITIVE" and not released(latest_test):
        add("POSITIVE_TEST", latest_test.occurred_at)

    suspected = [f for f in by_kind.get("SUSPECTED", [])
                 if not released(f) and not (last_cleared is not None and last_cleared >= f.occurred_at)]
    if suspected:
        add("SUSPECTED", suspected[0].occurred_at)

    for kind in PERIOD_KINDS:
        for fact in by_kind.get(kind, []):
            if released(fact):
                continue
            start, until = fact.start, fact.valid_until
            if until is not None and until <= start:
                continue
            if now < start:
                boundaries.append(start)
            elif running(until, now):
                add(kind, start, until)
                if until is not None:
                    boundaries.append(until)

    latest_province = _latest(by_kind.get("OTHER_PROVINCE_CODE", []), PROVINCE_SEVERITY)
    if latest_province is not None and latest_province.result in ("RED", "YELLOW"):
        add("OTHER_PROVINCE_RED_YELLOW", latest_province.occurred_at)

    reasons = []
    for code in REASON_ORDER:
        if code in found:
            reason = {"code": code, "since": clock.iso(found[code]["since"])}  # type: ignore[arg-type]
            if found[code]["until"] is not None:
                reason["until"] = clock.iso(found[code]["until"])  # type: ignore[arg-type]
            reasons.append(reason)
    future = [moment for moment in boundaries if moment > now]
    return Status(color_of(reasons), reasons, min(future) if future else None)


def running(until: datetime | None, now: datetime) -> bool:
    """A period ending at `until` (None: open-ended) still runs at `now`; half-open, so at `until` it is over."""
    return until is None or now < until


def color_of(reasons: list[dict[str, str]]) -> str:
    """Any reason makes the code red; none, green."""
    return RED if reasons else GREEN


class Current(NamedTuple):
    color: str
    reasons: list[dict[str, str]]
    since: str | None  # ISO: when the last reason ran out, if one did since the status was stored; else None


def as_of(color: str, reasons: list[dict[str, str]] | None, now: datetime) -> Current:
    """A stored status (`evaluate`'s colour and reasons, as the person item keeps them) as it stands at `now`.

    The scheduled review rewrites a status whose period has run out up to a minute late; meanwhile every read path
    (showing, scanning, checking a code) sees the reasons whose `until` has passed as gone, by the same rules as
    `evaluate`: periods are half-open (`running`) and the colour follows the reasons left (`color_of`). Reasons
    without `until` (a confirmed case, a positive test, ...) end only by a new fact, which the stream handles at
    once. Nothing is read or written: the stored status stays the review's to rewrite.
    """
    reasons = list(reasons or [])
    left = [reason for reason in reasons if running(clock.parse(reason["until"]) if reason.get("until") else None, now)]
    if len(left) == len(reasons):
        return Current(color, reasons, None)
    ended = max(clock.parse(reason["until"]) for reason in reasons if reason not in left)
    return Current(color_of(left), left, clock.iso(ended))


def latest_test(facts: Iterable[Fact]) -> dict[str, str | None] | None:
    """The latest nucleic-acid result from TESTS_SHOWN_FROM on (a positive wins a tie), for the code page."""
    shown = [f for f in facts if f.kind == "NUCLEIC_ACID" and f.occurred_at >= TESTS_SHOWN_FROM]
    latest = _latest(shown, {"POSITIVE": 1})
    if latest is None:
        return None
    return {"result": latest.result, "institution": latest.institution, "tested_at": clock.iso(latest.occurred_at)}
