"""healthcode.core.idempotency.Idempotent on the embedded idempotency table: replays, reuse, in-progress, failures."""

from __future__ import annotations

import uuid

import pytest


def counting(calls):
    def record(request):
        calls.append(request["n"])
        return {"n": request["n"], "run": len(calls)}

    return record


@pytest.fixture
def key():
    return str(uuid.uuid4())


class Context:
    """What an Idempotent needs of the Lambda context: the time left, for the in-progress record's expiry."""

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def registered(function, **settings):
    """An Idempotent with a Lambda context registered before its first use, as the handlers do."""
    from healthcode.core.idempotency import Idempotent

    use = Idempotent(function, **settings)
    use.register_lambda_context(Context())
    return use


def test_a_replay_answers_the_stored_first_answer_without_running_again(aws, key):
    calls = []
    use = registered(counting(calls), key_fields=("actor_id", "idempotency_key"), payload_fields=("n",))
    first = use({"actor_id": "a", "idempotency_key": key, "n": 1})
    again = use({"actor_id": "a", "idempotency_key": key, "n": 1})
    assert first == again == {"n": 1, "run": 1} and calls == [1]


def test_mark_replayed_adds_replayed_true_to_a_replay_only(aws, key):
    use = registered(counting([]), key_fields=("actor_id", "idempotency_key"), payload_fields=("n",),
                     mark_replayed=True)
    first = use({"actor_id": "a", "idempotency_key": key, "n": 1})
    again = use({"actor_id": "a", "idempotency_key": key, "n": 1})
    assert "replayed" not in first and again == first | {"replayed": True}


def test_every_key_field_is_part_of_the_scope(aws, key):
    calls = []
    use = registered(counting(calls), key_fields=("actor_id", "idempotency_key"), payload_fields=("n",))
    use({"actor_id": "a", "idempotency_key": key, "n": 1})
    use({"actor_id": "b", "idempotency_key": key, "n": 1})
    assert calls == [1, 1]


def test_another_payload_under_the_same_key_is_422_naming_the_header(aws, key):
    from healthcode.core.errors import IdempotencyKeyReused

    calls = []
    use = registered(counting(calls), key_fields=("actor_id", "idempotency_key"), payload_fields=("n",))
    use({"actor_id": "a", "idempotency_key": key, "n": 1})
    with pytest.raises(IdempotencyKeyReused) as raised:
        use({"actor_id": "a", "idempotency_key": key, "n": 2})
    assert raised.value.status == 422 and raised.value.field == "Idempotency-Key" and calls == [1]


def test_a_call_while_the_first_still_runs_is_409_with_retry_after(aws, key):
    from healthcode.core.errors import RequestInProgress

    seen = []

    def reenter(request):
        try:
            use(request)  # the same request again while this one holds the in-progress record
        except RequestInProgress as error:
            seen.append(error)
        return {"done": True}

    use = registered(reenter, key_fields=("idempotency_key",), payload_fields=("n",))
    assert use({"idempotency_key": key, "n": 1}) == {"done": True}
    assert len(seen) == 1 and seen[0].status == 409 and seen[0].headers == {"Retry-After": "1"}
    assert seen[0].field == "Idempotency-Key"


def test_a_failure_is_not_remembered_so_a_retry_runs_again(aws, key):
    from healthcode.core.errors import ValidationFailed
    calls = []

    def flaky(request):
        calls.append(1)
        if len(calls) == 1:
            raise ValidationFailed("no", "不", field="x")
        return {"ok": True}

    use = registered(flaky, key_fields=("idempotency_key",), payload_fields=("n",))
    with pytest.raises(ValidationFailed):
        use({"idempotency_key": key, "n": 1})
    assert use({"idempotency_key": key, "n": 1}) == {"ok": True} and len(calls) == 2


@pytest.mark.parametrize("missing", [None, ""])
def test_without_a_key_the_function_just_runs(aws, missing):
    calls = []
    use = registered(counting(calls), key_fields=("idempotency_key",), payload_fields=("n",))
    use({"idempotency_key": missing, "n": 1})
    use({"idempotency_key": missing, "n": 1})
    assert calls == [1, 1]
