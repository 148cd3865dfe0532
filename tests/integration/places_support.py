"""What the integration tests of venues, organizations and grids share: the routes every kind of place has below
`/v1/<kind>` (its admin's view, weekly edits, the admin transfer), racing creations, the markers and identities."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from venues_support import new_person, race


class PlaceRoutes:
    """The routes of one kind of place (`venues`, `orgs`, `grids`), called through that kind's `api` helper."""

    def __init__(self, api: Callable[..., tuple[int, Any]], kind: str) -> None:
        self.api, self.kind = api, kind

    def call(self, lambdas: dict[str, Any], method: str, template: str, person: str, body: Any = None,
             query: dict[str, str] | None = None, roles: list[str] | None = None, **params: str) -> tuple[int, Any]:
        """`/v1/<kind><template>` as API Gateway calls it: the template is the resource, and the path is the template
        with `params` filled in (they are also the path parameters)."""
        resource = f"/v1/{self.kind}{template}"
        return self.api(lambdas, method, resource.format(**params), resource, person, body, params or None, query,
                        roles=roles)

    def create(self, lambdas: dict[str, Any], admin: str, body: Any, roles: list[str] | None = None
               ) -> tuple[int, Any]:
        return self.call(lambdas, "POST", "", admin, body, roles=roles)

    def mine(self, lambdas: dict[str, Any], person: str) -> tuple[int, Any]:
        return self.call(lambdas, "GET", "/mine", person)

    def patch(self, lambdas: dict[str, Any], person: str, place_id: str, body: Any) -> tuple[int, Any]:
        return self.call(lambdas, "PATCH", "/{id}", person, body, id=place_id)

    # ---------------------------------------------------------------- the admin transfer (更换管理员)

    def offer(self, lambdas: dict[str, Any], admin: str, place_id: str, name: str, id_number: str, **extra: Any
              ) -> tuple[int, Any]:
        return self.call(lambdas, "POST", "/{id}/admin-transfer", admin, {"name": name, "id_number": id_number} | extra,
                         id=place_id)

    def pending(self, lambdas: dict[str, Any], person: str, place_id: str) -> tuple[int, Any]:
        return self.call(lambdas, "GET", "/{id}/admin-transfer", person, id=place_id)

    def withdraw(self, lambdas: dict[str, Any], person: str, place_id: str) -> tuple[int, Any]:
        return self.call(lambdas, "DELETE", "/{id}/admin-transfer", person, id=place_id)

    def offered(self, lambdas: dict[str, Any], person: str, token: str) -> tuple[int, Any]:
        return self.call(lambdas, "GET", "/admin-transfer/{token}", person, token=token)

    def accept(self, lambdas: dict[str, Any], person: str, token: str, roles: list[str] | None = None
               ) -> tuple[int, Any]:
        return self.call(lambdas, "POST", "/admin-transfer/{token}/accept", person, roles=roles, token=token)

    def hand_over(self, lambdas: dict[str, Any], admin: str, place_id: str, successor: str) -> list[tuple[int, Any]]:
        """Every admin-transfer route in turn: the role offered to the successor, the offer read and withdrawn, offered
        again, then seen and accepted by the successor; the answers (202, 200, 204, 202, 200, 200 when all is well)."""
        name, number = identity_of(successor)
        answers = [self.offer(lambdas, admin, place_id, name, number), self.pending(lambdas, admin, place_id),
                   self.withdraw(lambdas, admin, place_id), self.offer(lambdas, admin, place_id, name, number)]
        token = answers[-1][1]["token"]
        return answers + [self.offered(lambdas, successor, token), self.accept(lambdas, successor, token)]


def racing_creations(lambdas: dict[str, Any], routes: PlaceRoutes, admin: str, bodies: list[Any]) -> dict[str, Any]:
    """One admin creates a place once per body, all at once: exactly one is created (201), every other answer is 409.
    The one created."""
    answers = race(lambda body: routes.create(lambdas, admin, body), bodies)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * (len(bodies) - 1), answers
    return next(body for status, body in answers if status == 201)


def refused_creation(lambdas: dict[str, Any], routes: PlaceRoutes, marker: str, body: Any) -> dict[str, Any]:
    """A new person's creation of a place with `body` is refused (400) and leaves no admin marker
    (`admin#<marker>#<person>`): the error."""
    admin = new_person(lambdas)
    status, answer = routes.create(lambdas, admin, body)
    assert status == 400, answer
    assert not auth_item_exists(f"admin#{marker}#{admin}")
    return answer["error"]


def racing_acceptances(lambdas: dict[str, Any], routes: PlaceRoutes, transfers: Any, admin: str, place_id: str,
                       successors: list[str]) -> str:
    """Every successor holds a valid offer of the place (written as offers were stored before a new offer voided the
    previous one) and they all accept at once: exactly one becomes the admin (200), every other answer is 409, and
    the place and its admin marker name the one. The one. `transfers` is the kind's AdminTransfers."""
    import secrets

    from healthcode.core import clock
    from healthcode.models import AuthItem, Place
    from healthcode.places.admin import TRANSFER_TTL

    tokens = {person: secrets.token_urlsafe(24) for person in successors}
    for person, token in tokens.items():
        AuthItem(key=transfers.transfer_key(token), value=place_id, expires_at=clock.now() + TRANSFER_TTL,
                 data={"from": admin, "to": person, "offered_at": clock.iso(clock.now())}).save()
    answers = dict(zip(successors, race(lambda person: routes.accept(lambdas, person, tokens[person]), successors),
                       strict=True))
    winners = [p for p, (status, _) in answers.items() if status == 200]
    assert len(winners) == 1, answers
    assert all(status == 409 for p, (status, _) in answers.items() if p not in winners)
    assert Place.get(place_id).admin_id == winners[0]
    assert AuthItem.get(f"place-admin#{place_id}").value == winners[0]
    return winners[0]


def auth_item_exists(key: str) -> bool:
    """Whether the auth table holds the marker (one admin per place, join codes, offers, throttles)."""
    from healthcode.models import AuthItem

    try:
        AuthItem.get(key, consistent_read=True)
    except AuthItem.DoesNotExist:
        return False
    return True


def identity_of(person_id: str) -> tuple[str, str]:
    """(name, ID number) of a person, as an admin names them when offering the role."""
    from healthcode.core.pii import decrypt
    from healthcode.models import Person

    stored = Person.get(person_id)
    return decrypt(stored.name_enc), decrypt(stored.id_enc)


def id_number_of(person_id: str) -> str:
    return identity_of(person_id)[1]
