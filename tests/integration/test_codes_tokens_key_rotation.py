"""Key rotation on warm containers: a code signed with a kid the container has not seen re-reads the keys.

`python -m infra.keys rotate` puts a new signing key in the application secret; containers started before it
hold the old keyring. A code from a container started after it (new kid) must verify on the old ones too, after
one re-read of the secret; a flood of codes with made-up kids re-reads at most once per interval; a kid that is
not in the secret even after the re-read stays INVALID_CODE.
"""

from __future__ import annotations

import json
import uuid

import pytest

from infra.keys import main as keys_cli


class Monotonic:
    """The refresh interval's clock, under the test's control."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic(monkeypatch):
    from healthcode.codes import tokens

    clock = Monotonic()
    monkeypatch.setattr(tokens, "_monotonic", clock)
    return clock


@pytest.fixture
def secret_id(aws):
    """The application secret's id; its value is put back afterwards, so other tests keep their keys."""
    from healthcode.codes import tokens
    from healthcode.core import secrets
    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    secret = get_config().app_secret_id
    original = client("secretsmanager").get_secret_value(SecretId=secret)["SecretString"]
    yield secret
    client("secretsmanager").put_secret_value(SecretId=secret, SecretString=original)
    secrets.reset_cache()
    tokens.reset_cache()


@pytest.fixture
def warm(secret_id, monotonic, lambdas):
    """A warm container: keys read from the secret long ago (one interval past)."""
    from healthcode.codes import tokens
    from healthcode.core import secrets

    secrets.reset_cache()
    tokens.reset_cache()
    tokens.get_keyring()
    monotonic.now += tokens.KEY_REFRESH_SECONDS + 1
    return tokens


@pytest.fixture
def inspector():
    from healthcode.core import clock
    from healthcode.models import Relation

    person_id = str(uuid.uuid4())
    Relation.make(person_id, "VENUE", f"place-{uuid.uuid4().hex[:8]}", clock.iso(clock.now())).save()
    return person_id


@pytest.fixture
def scan(lambdas, event, invoke, inspector):
    def send(qr):
        return invoke(lambdas["ScanFunction"], event("scan-code.json", person_id=inspector, body={"qr": qr}))

    return send


def current_secret(secret_id: str) -> dict:
    from healthcode.core.aws import client

    return json.loads(client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])


def signed_by_a_new_container(secret_id: str, person_id: str) -> str:
    """What the codes function of a container started after the rotation draws: the new kid's signature."""
    from types import SimpleNamespace

    from healthcode.codes.tokens import CodeType, Keyring
    from healthcode.core import clock

    secret = current_secret(secret_id)
    keyring = Keyring.from_secret(SimpleNamespace(active_kid=secret["active_kid"],
                                                  signing_keys=tuple(secret["signing_keys"])))
    return keyring.sign(CodeType.RESIDENT, person_id, 1, int(clock.now().timestamp()))


def forged(person_id: str, kid: str) -> str:
    """A well-formed code signed by a key nobody holds, under `kid`."""
    from types import SimpleNamespace

    from healthcode.codes.tokens import CodeType, Keyring, new_signing_key
    from healthcode.core import clock

    key = new_signing_key(kid)
    return Keyring.from_secret(SimpleNamespace(active_kid=kid, signing_keys=(key,))).sign(
        CodeType.RESIDENT, person_id, 1, int(clock.now().timestamp()))


def secret_reads(calls) -> int:
    return calls["secretsmanager.GetSecretValue"]


def test_a_warm_container_verifies_a_code_signed_after_a_rotation(warm, secret_id, scan, resident):
    from infra.local.embedded import count_aws_calls

    # GIVEN a warm scan container that read the keys before the rotation
    old_kid = warm.get_keyring().active_kid
    # WHEN the operator rotates the signing key and a new container signs a code with the new kid
    keys_cli(["rotate", "--secret-id", secret_id])
    qr = signed_by_a_new_container(secret_id, resident["person_id"])
    assert qr.split(".")[1] != old_kid
    # THEN the warm container re-reads the keys once and the code verifies
    with count_aws_calls() as calls:
        status, body = scan(qr)
    assert status == 200, body
    assert body["color"] == "GREEN" and secret_reads(calls) == 1
    # AND the next code with that kid is verified without reading the secret again
    again = signed_by_a_new_container(secret_id, resident["person_id"])
    with count_aws_calls() as calls:
        status, _ = scan(again)
    assert status == 200 and secret_reads(calls) == 0


def test_a_flood_of_unknown_kids_rereads_the_keys_at_most_once_per_interval(warm, monotonic, scan, resident):
    from infra.local.embedded import count_aws_calls

    # GIVEN a warm container
    # WHEN fifty codes with fifty made-up kids arrive within one interval
    with count_aws_calls() as calls:
        answers = [scan(forged(resident["person_id"], f"kflood{n:02d}")) for n in range(50)]
    # THEN every one is INVALID_CODE and the secret was read once
    assert {(status, body["error"]["code"]) for status, body in answers} == {(400, "INVALID_CODE")}
    assert secret_reads(calls) == 1
    # AND once the interval has passed, the next unknown kid may re-read it once more
    monotonic.now += warm.KEY_REFRESH_SECONDS - 1
    with count_aws_calls() as calls:
        scan(forged(resident["person_id"], "kflood-late"))
    assert secret_reads(calls) == 0
    monotonic.now += 2
    with count_aws_calls() as calls:
        scan(forged(resident["person_id"], "kflood-later"))
    assert secret_reads(calls) == 1


def test_a_forged_code_under_the_new_kid_is_still_invalid(warm, secret_id, scan, resident):
    # GIVEN a rotation the warm container has not seen
    keys_cli(["rotate", "--secret-id", secret_id])
    new_kid = current_secret(secret_id)["active_kid"]
    # WHEN a code claims the new kid but is signed by another key
    status, body = scan(forged(resident["person_id"], new_kid))
    # THEN the re-read keys do not verify it
    assert status == 400 and body["error"]["code"] == "INVALID_CODE" and body["error"]["field"] == "qr"


def test_a_kid_that_is_in_no_secret_is_invalid_after_the_reread(warm, scan, resident):
    from infra.local.embedded import count_aws_calls

    # GIVEN a warm container WHEN a code arrives with a kid the secret does not hold either
    with count_aws_calls() as calls:
        status, body = scan(forged(resident["person_id"], "k20991231deadbeef"))
    # THEN it is INVALID_CODE (unknown key), after one re-read
    assert status == 400 and body["error"]["code"] == "INVALID_CODE"
    assert "unknown key" in body["error"]["message"] and secret_reads(calls) == 1


def test_a_garbage_kid_does_not_read_the_secret(warm, scan, resident):
    from infra.local.embedded import count_aws_calls

    # GIVEN a warm container WHEN the kid is not even a kid (too long, odd characters)
    with count_aws_calls() as calls:
        answers = [scan(forged(resident["person_id"], kid)) for kid in ("k" * 65, "k<script>")]
    # THEN the codes are invalid without a read of the secret
    assert {status for status, _ in answers} == {400} and secret_reads(calls) == 0


def test_after_the_max_age_a_warm_container_signs_with_the_new_key_and_publishes_it(warm, monotonic, secret_id,
                                                                                     lambdas, event, invoke,
                                                                                     resident):
    from infra.local.embedded import count_aws_calls

    # GIVEN a warm container (its keys read one refresh interval ago) and a rotation it has not seen
    keys_cli(["rotate", "--secret-id", secret_id])
    new_kid = current_secret(secret_id)["active_kid"]
    shown = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"]))[1]
    published = json.loads(lambdas["MetaFunction"].invoke(event("meta-keys.json"))["body"])
    assert shown["qr"].split(".")[1] != new_kid and new_kid not in {k["kid"] for k in published["keys"]}
    # WHEN the keys in hand grow older than the maximum age
    monotonic.now += warm.KEY_MAX_AGE_SECONDS
    with count_aws_calls() as calls:
        shown = invoke(lambdas["CodesFunction"], event("codes-my-code.json", person_id=resident["person_id"]))[1]
    published = json.loads(lambdas["MetaFunction"].invoke(event("meta-keys.json"))["body"])
    # THEN the next code is signed with the new key (one read of the secret), and GET /v1/keys lists it
    assert shown["qr"].split(".")[1] == new_kid and secret_reads(calls) == 1
    assert new_kid in {k["kid"] for k in published["keys"]}


def test_a_secret_that_cannot_be_read_leaves_a_warm_container_its_keys(warm, monotonic, resident, scan,
                                                                        monkeypatch):
    from healthcode.codes.tokens import CodeType
    from healthcode.core import clock, secrets

    # GIVEN a warm container whose keys are old, and Secrets Manager failing
    monotonic.now += warm.KEY_MAX_AGE_SECONDS

    def unavailable():
        raise RuntimeError("Secrets Manager throttled")

    monkeypatch.setattr(secrets, "get_secret", unavailable)
    monkeypatch.setattr(warm, "get_secret", unavailable)
    # WHEN a code signed with the keys in hand is scanned THEN it still verifies
    qr = warm._keyring.sign(CodeType.RESIDENT, resident["person_id"], 1, int(clock.now().timestamp()))
    status, body = scan(qr)
    assert status == 200, body
