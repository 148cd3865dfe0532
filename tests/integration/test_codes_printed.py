"""code_images (people stream -> PNG in S3), GET /v1/me/code/physical and POST /v1/me/code/reissue."""

from __future__ import annotations

import base64
import io
import itertools
import uuid

import pytest

_sequence = itertools.count(10**20)


def people_record(old, new, name="MODIFY"):
    """A people-stream record (NEW_AND_OLD_IMAGES) as Lambda delivers it."""
    dynamodb = {"Keys": {"person_id": {"S": (new or old).person_id}}, "SequenceNumber": str(next(_sequence)),
                "SizeBytes": 500, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    if new is not None:
        dynamodb["NewImage"] = new.serialize()
    if old is not None:
        dynamodb["OldImage"] = old.serialize()
    return {"eventID": uuid.uuid4().hex, "eventName": name, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/yk-PeopleTable/stream/2026-01-01T00:00:00",
            "dynamodb": dynamodb}


def current(person_id):
    from healthcode.models import Person

    return Person.get(person_id, consistent_read=True)


def with_changes(person, **changes):
    from healthcode.models import Person

    copy = Person.from_raw_data(person.serialize())
    for key, value in changes.items():
        setattr(copy, key, value)
    return copy


def stored_card(person_id, version):
    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    return client("s3").get_object(Bucket=get_config().code_bucket, Key=f"codes/{person_id}/v{version}.png")["Body"].read()


def card_exists(person_id, version):
    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    listed = client("s3").list_objects_v2(Bucket=get_config().code_bucket, Prefix=f"codes/{person_id}/v{version}.png")
    return listed.get("KeyCount", 0) > 0


def decode(png):
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1
    return found[0].text


@pytest.fixture
def render(lambdas):
    def deliver(*records):
        return lambdas["CodeImagesFunction"].invoke({"Records": list(records)})

    return deliver


@pytest.fixture
def rendered(render, resident):
    person = current(resident["person_id"])
    assert render(people_record(None, person, "INSERT")) == {"batchItemFailures": []}
    return person


def test_a_new_person_gets_a_printable_card_with_a_signed_p_code(rendered):
    from healthcode.codes.tokens import CodeType, get_keyring

    qr = decode(stored_card(rendered.person_id, 1))
    claims = get_keyring().verify(qr, {CodeType.PHYSICAL})
    assert claims.subject == rendered.person_id and claims.version == 1 and claims.type is CodeType.PHYSICAL


def test_a_colour_change_renders_the_card_again(render, rendered):
    from healthcode.core.aws import client
    from healthcode.core.config import get_config

    client("s3").delete_object(Bucket=get_config().code_bucket, Key=f"codes/{rendered.person_id}/v1.png")
    render(people_record(rendered, with_changes(rendered, color="RED")))
    assert card_exists(rendered.person_id, 1)


def test_other_changes_render_nothing(render, rendered):
    from infra.local.embedded import count_aws_calls

    with count_aws_calls() as calls:
        render(people_record(rendered, with_changes(rendered, phone_masked="139****0000")))
    assert calls["s3.PutObject"] == 0


def test_a_new_code_version_gets_its_card_and_the_old_one_goes(render, rendered):
    render(people_record(rendered, with_changes(rendered, code_version=2)))
    assert card_exists(rendered.person_id, 2) and not card_exists(rendered.person_id, 1)
    from healthcode.codes.tokens import CodeType, get_keyring

    assert get_keyring().verify(decode(stored_card(rendered.person_id, 2)), {CodeType.PHYSICAL}).version == 2


def test_a_removed_person_renders_nothing(render, rendered):
    from infra.local.embedded import count_aws_calls

    with count_aws_calls() as calls:
        render(people_record(rendered, None, "REMOVE"))
    assert calls["s3.PutObject"] == 0


def test_my_printable_code_is_a_png(lambdas, event, invoke, rendered):
    answer = lambdas["PrintedCodesFunction"].invoke(event("printed-codes-physical.json",
                                                          person_id=rendered.person_id))
    assert answer["statusCode"] == 200 and answer["isBase64Encoded"] is True
    assert answer["multiValueHeaders"]["Content-Type"] == ["image/png"]
    png = base64.b64decode(answer["body"])
    assert png.startswith(b"\x89PNG") and decode(png).startswith("YKM1.")


def test_the_printable_code_as_a_short_lived_url(lambdas, event, invoke, rendered):
    import requests

    status, body = invoke(lambdas["PrintedCodesFunction"], event("printed-codes-physical.json",
                                                                 person_id=rendered.person_id,
                                                                 query={"format": "url"}))
    assert status == 200 and body["expires_in"] == 300
    assert f"codes/{rendered.person_id}/v1.png" in body["url"] and "X-Amz-Expires=300" in body["url"]
    assert requests.get(body["url"], timeout=5).content.startswith(b"\x89PNG")


def test_reading_the_printable_code_never_renders_it(lambdas, event, invoke, rendered):
    from infra.local.embedded import count_aws_calls

    with count_aws_calls() as calls:
        invoke(lambdas["PrintedCodesFunction"], event("printed-codes-physical.json", person_id=rendered.person_id))
    assert calls["s3.PutObject"] == 0


def test_a_card_not_rendered_yet_is_not_ready_with_retry_after(lambdas, event, resident, monkeypatch):
    from healthcode.codes import printed as printed_codes

    monkeypatch.setattr(printed_codes, "CARD_WAIT_SECONDS", 0.3)
    answer = lambdas["PrintedCodesFunction"].invoke(event("printed-codes-physical.json",
                                                          person_id=resident["person_id"]))
    assert answer["statusCode"] == 404 and answer["multiValueHeaders"]["Retry-After"] == ["2"]
    assert '"CARD_NOT_READY"' in answer["body"]


def test_a_card_drawn_while_the_request_waits_is_returned(lambdas, event, resident, render):
    import threading

    person = current(resident["person_id"])
    timer = threading.Timer(0.5, lambda: render(people_record(None, person, "INSERT")))
    timer.start()
    answer = lambdas["PrintedCodesFunction"].invoke(event("printed-codes-physical.json",
                                                          person_id=resident["person_id"]))
    timer.join()
    assert answer["statusCode"] == 200 and answer["multiValueHeaders"]["Content-Type"] == ["image/png"]


def test_a_reissue_bumps_the_code_version(lambdas, event, invoke, rendered):
    status, body = invoke(lambdas["PrintedCodesFunction"], event("printed-codes-reissue.json",
                                                                 person_id=rendered.person_id))
    assert status == 200 and body == {"person_id": rendered.person_id, "code_version": 2, "card": "RENDERING"}
    assert int(current(rendered.person_id).code_version) == 2


def test_after_a_reissue_the_old_printed_code_is_revoked(lambdas, event, invoke, rendered):
    from healthcode.codes.display import person_from_code
    from healthcode.core.errors import InvalidCode

    old_qr = decode(stored_card(rendered.person_id, 1))
    invoke(lambdas["PrintedCodesFunction"], event("printed-codes-reissue.json", person_id=rendered.person_id))
    with pytest.raises(InvalidCode):
        person_from_code(old_qr)


def test_a_guardian_reads_a_members_card_and_it_is_audited(lambdas, event, invoke, rendered):
    from healthcode.core import clock
    from healthcode.models import AuditEntry, Relation

    guardian = str(uuid.uuid4())
    Relation.make(guardian, "MEMBER", rendered.person_id, clock.iso(clock.now()), relation="CHILD").save()
    answer = lambdas["PrintedCodesFunction"].invoke(event("printed-codes-physical.json", person_id=guardian,
                                                          query={"member": rendered.person_id}))
    assert answer["statusCode"] == 200
    reads = [e for e in AuditEntry.query(rendered.person_id) if e.action == "PRINTED_CODE_READ"]
    assert [(e.actor, e.purpose) for e in reads] == [(guardian, "guardian")]


@pytest.mark.parametrize("route", ["printed-codes-physical.json", "printed-codes-reissue.json"])
def test_someone_elses_code_is_not_found(lambdas, event, invoke, rendered, route):
    status, body = invoke(lambdas["PrintedCodesFunction"], event(route, person_id=str(uuid.uuid4()),
                                                                 query={"member": rendered.person_id}))
    assert status == 404 and body["error"]["field"] == "member"


def test_an_unknown_format_is_refused(lambdas, event, invoke, rendered):
    status, body = invoke(lambdas["PrintedCodesFunction"], event("printed-codes-physical.json",
                                                                 person_id=rendered.person_id,
                                                                 query={"format": "pdf"}))
    assert status == 400 and body["error"]["field"] == "format"
