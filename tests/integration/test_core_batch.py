"""The data-access seam's batch I/O and stats-table reads (healthcode.core.batch, healthcode.core.streams): deletes
by key across tables, projected reads of large items, paged reads of a stats partition, one read of items and
buckets together; what DynamoDB leaves unprocessed is sent again, and a 503 answers when it stays so."""

from __future__ import annotations

from typing import Any

import pytest
from ulid import ULID


class Flaky:
    """The real client, but the first `misses` batch calls come back with everything unprocessed."""

    def __init__(self, real: Any, misses: int) -> None:
        self.real, self.misses, self.calls = real, misses, 0

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        self.calls += 1
        if self.calls <= self.misses:
            return {"UnprocessedItems": RequestItems}
        return self.real.batch_write_item(RequestItems=RequestItems)

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        self.calls += 1
        if self.calls <= self.misses:
            return {"Responses": {}, "UnprocessedKeys": RequestItems}
        return self.real.batch_get_item(RequestItems=RequestItems)


@pytest.fixture
def flaky(aws, monkeypatch):
    from healthcode.core import aws as core_aws
    from healthcode.core import batch

    monkeypatch.setattr(batch, "BACKOFF_SECONDS", 0.0)

    def install(misses: int) -> Flaky:
        fake = Flaky(core_aws.client("dynamodb"), misses)
        monkeypatch.setattr(batch, "client", lambda service: fake)
        return fake

    return install


def _relations(n: int) -> list[Any]:
    from healthcode.models import Relation

    owner = str(ULID())
    items = [Relation.make(owner, "TEST", f"target-{i:02}", "2026-01-01T00:00:00+08:00") for i in range(n)]
    for item in items:
        item.save()
    return items


def _roster(status: str, workers: int = 0) -> Any:
    from healthcode.places.grids import roster

    place_id = str(ULID())
    roster.new(place_id, "2026-01-01T00:00:00+08:00", status, "admin").save()
    for i in range(workers):
        roster.item(place_id).update(actions=roster.bind(f"worker-{i}", "张*"))
    return place_id


def test_delete_many_deletes_by_key_across_tables(aws):
    # GIVEN relations and a roster WHEN they are deleted from keys-only items THEN they are gone, the others kept
    from healthcode.core.batch import delete_many
    from healthcode.models import Relation
    from healthcode.places.grids import roster

    items = _relations(3)
    place_id = _roster("ACTIVE")
    keys_only = list(Relation.query(items[0].owner, attributes_to_get=["owner", "sk"], limit=2))
    delete_many(*keys_only, roster.item(place_id))
    assert [r.sk for r in Relation.query(items[0].owner)] == [items[2].sk]
    assert roster.GridRoster.count(roster.scope(place_id)) == 0


def test_unprocessed_deletes_are_sent_again(flaky):
    from healthcode.core.batch import delete_many
    from healthcode.models import Relation

    items = _relations(2)
    fake = flaky(misses=2)
    delete_many(*items)
    assert fake.calls == 3 and list(Relation.query(items[0].owner)) == []


def test_deletes_left_unprocessed_answer_503_and_delete_nothing_more(flaky):
    from healthcode.core.batch import ATTEMPTS, delete_many
    from healthcode.core.errors import ServiceUnavailable
    from healthcode.models import Relation

    items = _relations(2)
    fake = flaky(misses=ATTEMPTS)
    with pytest.raises(ServiceUnavailable):
        delete_many(*items)
    assert fake.calls == ATTEMPTS and len(list(Relation.query(items[0].owner))) == 2


def test_get_projected_reads_only_the_asked_attributes(aws):
    # GIVEN rosters with bound workers WHEN their status is read THEN only keys and status come back
    from healthcode.core.batch import get_projected
    from healthcode.places.grids import roster

    active, dissolving = _roster("ACTIVE", workers=3), _roster("DISSOLVING")
    found = get_projected(roster.GridRoster, [(roster.scope(p), roster.BUCKET) for p in (active, dissolving)],
                          ["status"])
    assert {(item.scope, item.status) for item in found} == {(roster.scope(active), "ACTIVE"),
                                                            (roster.scope(dissolving), "DISSOLVING")}
    assert all(item.admin is None and item.created_at is None for item in found)


def test_get_projected_sends_unprocessed_keys_again_then_answers_503(flaky):
    from healthcode.core.batch import ATTEMPTS, get_projected
    from healthcode.core.errors import ServiceUnavailable
    from healthcode.places.grids import roster

    place_id = _roster("ACTIVE")
    key = [(roster.scope(place_id), roster.BUCKET)]
    fake = flaky(misses=1)
    assert [item.status for item in get_projected(roster.GridRoster, key, ["status"])] == ["ACTIVE"]
    assert fake.calls == 2
    flaky(misses=ATTEMPTS)
    with pytest.raises(ServiceUnavailable):
        get_projected(roster.GridRoster, key, ["status"])


def test_query_page_reads_a_partition_page_by_page(aws):
    # GIVEN a grid's roster and five key-person entries WHEN read two at a time THEN every item once, in order
    from healthcode.core.streams import query_buckets, query_page
    from healthcode.places.grids import roster

    place_id = _roster("ACTIVE")
    for i in range(5):
        roster.key_person(place_id, f"p{i}").update(actions=[roster.KeyPersonEntry.active.set("1")])
    seen, start, pages = [], None, 0
    while True:
        page, start = query_page(roster.scope(place_id), roster.KEY_PERSON, 2, start)
        seen += [b.bucket for b in page]
        pages += 1
        if not start:
            break
    assert seen == [f"{roster.KEY_PERSON}p{i}" for i in range(5)] and pages == 3
    assert [b.bucket for b in query_buckets(roster.scope(place_id), roster.BUCKET)][0] == roster.BUCKET


def test_read_many_with_reads_items_and_buckets_in_one_call(aws):
    from botocore.client import BaseClient
    from healthcode.core.streams import read_many_with
    from healthcode.models import Relation
    from healthcode.places.grids import roster

    items = _relations(2)
    place_id = _roster("ACTIVE")
    calls: list[str] = []
    real = BaseClient._make_api_call

    def counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
        calls.append(operation)
        return real(self, operation, params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseClient, "_make_api_call", counting)
        found, buckets = read_many_with(Relation, [(r.owner, r.sk) for r in items] + [("nobody", "x")],
                                        [(roster.scope(place_id), roster.BUCKET), (roster.scope(place_id), "none")])
    assert calls == ["BatchGetItem"]
    assert sorted(r.sk for r in found) == sorted(r.sk for r in items)
    assert list(buckets) == [(roster.scope(place_id), roster.BUCKET)]
    assert buckets[(roster.scope(place_id), roster.BUCKET)].strings["status"] == "ACTIVE"
