"""Helpers for the venues integration tests: people with chosen birth dates, HTTP-like calls, the checks stream."""

from __future__ import annotations

import contextlib
import itertools
import random
import threading
from collections.abc import Callable, Iterator
from typing import Any

from streams_support import deliver_all, table_records

from infra.local.demo import id_number
from tests.integration.conftest import api_request, call, sample_event

_serial = itertools.count(random.randint(100, 700))


def new_person(lambdas: dict[str, Any], name: str = "林小雨", birth_year: int = 1990, female: bool = False) -> str:
    """A new resident (as a first login creates them): a Guangzhou (Yuexiu) ID card born in that year, of that sex."""
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create

    while True:
        seq = (2 * next(_serial) + (0 if female else 1)) % 1000
        birth = f"{birth_year}0{random.randint(1, 9)}{random.randint(10, 28)}"
        document = parse_document("ID_CARD", id_number(f"{'440104' if birth_year >= 1983 else '440100'}{birth}{seq:03d}"))
        person, created = find_or_create(NewPerson(document, name, "+8613912345678"))
        if created:
            return person.person_id


def api(lambdas: dict[str, Any], method: str, path: str, resource: str, person_id: str, body: Any = None,
        params: dict[str, str] | None = None, query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None, roles: list[str] | None = None) -> tuple[int, Any]:
    function = lambdas["VenueChecksFunction"] if resource in ("/v1/venues/{id}/checks", "/v1/quick-checkin") \
        else lambdas["VenuesFunction"]
    return api_request(function, "venues-mine.json", method, path, resource, person_id, body, params, query, headers,
                       roles)


VENUE = {"region_code": "440106001", "address": "天河路208号", "type": "SHOPPING_MALL", "name": "天河城",
         "phone": "+8613800138000"}


def new_traveller(lambdas: dict[str, Any], name: str = "JOHN SMITH") -> str:
    """A new inbound traveller (passport), as immigration's entry record creates them."""
    from healthcode.identity.idnumbers import parse_document
    from healthcode.identity.people import NewPerson, find_or_create

    while True:
        number = f"E{random.randint(10_000_000, 99_999_999)}"
        person, created = find_or_create(NewPerson(parse_document("PASSPORT", number), name, kind="INBOUND",
                                                   country="GB"))
        if created:
            return person.person_id


def create_venue(lambdas: dict[str, Any], admin: str, **changes: Any) -> dict[str, Any]:
    status, body = api(lambdas, "POST", "/v1/venues", "/v1/venues", admin, VENUE | changes)
    assert status == 201, body
    return body


def join(lambdas: dict[str, Any], person: str, join_code: str) -> tuple[int, Any]:
    return api(lambdas, "POST", "/v1/venues/join", "/v1/venues/join", person, {"join_code": join_code})


def inspector_of(lambdas: dict[str, Any], venue: dict[str, Any], name: str = "林小雨") -> str:
    """A new person bound to the venue as its inspector (joined with its join code)."""
    person = new_person(lambdas, name=name)
    status, body = join(lambdas, person, venue["join_code"])
    assert status == 201, body
    return person


def code_of(lambdas: dict[str, Any], person_id: str) -> str:
    status, body = call(lambdas["CodesFunction"], sample_event("codes-my-code.json", person_id=person_id))
    assert status == 200, body
    return body["qr"]


def check(lambdas: dict[str, Any], place_id: str, inspector: str, qr: str, temperature: str = "NORMAL",
          key: str | None = "auto", query: dict[str, str] | None = None) -> tuple[int, Any]:
    headers = {} if key is None else {"Idempotency-Key": f"k-{random.getrandbits(64):x}" if key == "auto" else key}
    return api(lambdas, "POST", f"/v1/venues/{place_id}/checks", "/v1/venues/{id}/checks", inspector,
               {"qr": qr, "temperature": temperature}, {"id": place_id}, query, headers)


def stats(lambdas: dict[str, Any], place_id: str, person: str, day: str | None = None) -> tuple[int, Any]:
    return api(lambdas, "GET", f"/v1/venues/{place_id}/stats", "/v1/venues/{id}/stats", person,
               params={"id": place_id}, query={"date": day} if day else None)


# ---------------------------------------------------------------- the checks table's stream, as moto keeps it


def stream_records(place_id: str | None = None) -> list[dict[str, Any]]:
    """The checks table's stream records (moto's shard), shaped as Lambda delivers them; optionally one venue's."""
    return table_records("checks_table", lambda record: not place_id or
                         record["dynamodb"]["Keys"]["place_date"]["S"].startswith(f"{place_id}#"))


def deliver(lambdas: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any]:
    return lambdas["StatsStreamFunction"].invoke({"Records": records})


def drain(lambdas: dict[str, Any], place_id: str, batch_size: int = 100) -> None:
    deliver_all(lambdas["StatsStreamFunction"], stream_records(place_id), batch_size)


def race(attempt: Callable[[Any], Any], arguments: list[Any]) -> list[Any]:
    """`attempt(argument)` for every argument, each in its own thread, all released at once; the answers, in the
    order of the arguments. What the race tests of venues and organizations share."""
    answers: list[Any] = [None] * len(arguments)
    start = threading.Barrier(len(arguments))

    def run(index: int, argument: Any) -> None:
        start.wait()
        answers[index] = attempt(argument)

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(arguments)]
    with serialized_dynamodb():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return answers


@contextlib.contextmanager
def serialized_dynamodb() -> Iterator[None]:
    """moto's DynamoDB operations are made atomic for the whole session (infra.local.embedded); kept as a no-op
    context so the race tests say where they rely on it."""
    yield
