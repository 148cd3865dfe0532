"""The one error model: every failure answers `{"error": {"code", "message", "message_zh"}}` with its status."""

from __future__ import annotations

import pytest
from healthcode.core import errors


def test_body_has_code_and_both_messages_only() -> None:
    # GIVEN an error raised with no field or details
    error = errors.InvalidCode()

    # WHEN its body is built THEN it holds exactly the code and the English and Chinese messages
    assert error.body() == {
        "error": {"code": "INVALID_CODE", "message": "Invalid or revoked code", "message_zh": "无效或已作废的粤康码"}
    }


def test_body_names_the_field_when_one_is_given() -> None:
    # GIVEN an error about one field WHEN its body is built THEN the field is named
    assert errors.ValidationFailed(field="cursor").body()["error"]["field"] == "cursor"


def test_body_carries_details_when_given() -> None:
    # GIVEN an error with details (the next allowed edit date)
    error = errors.EditLimit(details={"next_allowed": "2024-06-10"})

    # WHEN its body is built THEN the details are in it
    assert error.body()["error"]["details"] == {"next_allowed": "2024-06-10"}


def test_messages_given_at_raise_time_replace_the_defaults() -> None:
    # GIVEN an error raised with its own messages
    error = errors.InvalidIdNumber("ID number check digit is wrong", "身份证号码校验不通过", field="id_number")

    # WHEN its body is built THEN those messages are shown, and str() is the English one for logs
    body = error.body()["error"]
    assert (body["message"], body["message_zh"], str(error)) == (
        "ID number check digit is wrong", "身份证号码校验不通过", "ID number check digit is wrong"
    )


def test_messages_given_at_raise_time_do_not_change_the_class_defaults() -> None:
    # GIVEN one error raised with its own message
    errors.NotFound("Venue not found", "场所不存在")

    # WHEN another of the same kind is raised without one THEN it has the default message
    assert errors.NotFound().message == "Not found"


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (errors.ApiError, 400, "BAD_REQUEST"),
        (errors.ValidationFailed, 400, "VALIDATION_ERROR"),
        (errors.InvalidIdNumber, 400, "INVALID_ID_NUMBER"),
        (errors.InvalidCode, 400, "INVALID_CODE"),
        (errors.PayloadTooLarge, 400, "BODY_TOO_LARGE"),
        (errors.Unauthorized, 401, "UNAUTHORIZED"),
        (errors.IdentityRejected, 401, "IDENTITY_NOT_VERIFIED"),
        (errors.Forbidden, 403, "FORBIDDEN"),
        (errors.NotFound, 404, "NOT_FOUND"),
        (errors.Conflict, 409, "CONFLICT"),
        (errors.EditLimit, 409, "EDIT_LIMIT"),
        (errors.ServiceUnavailable, 503, "UPSTREAM_UNAVAILABLE"),
    ],
)
def test_each_error_has_its_status_and_upper_snake_code(error: type[errors.ApiError], status: int, code: str) -> None:
    # GIVEN an error of one kind WHEN it is raised THEN it carries its HTTP status and code, and no extra headers
    raised = error()
    assert (raised.status, raised.code, raised.headers) == (status, code, {})


def test_too_many_requests_tells_when_to_retry() -> None:
    # GIVEN too many SMS sends, with the window reopening in 60 seconds
    error = errors.TooManyRequests(60)

    # WHEN the error is raised THEN it is a 429 with Retry-After in seconds
    assert (error.status, error.code, error.headers) == (429, "TOO_MANY_REQUESTS", {"Retry-After": "60"})


@pytest.mark.parametrize(("retry_after", "header"), [(0, "1"), (-5, "1"), (0.4, "1"), (2.9, "2")])
def test_retry_after_is_a_whole_number_of_at_least_one_second(retry_after: float, header: str) -> None:
    # GIVEN a window that has (almost) reopened WHEN the error is raised THEN Retry-After still asks for >= 1 s
    assert errors.TooManyRequests(retry_after).headers["Retry-After"] == header  # type: ignore[arg-type]


def _every_error_class() -> list[type[errors.ApiError]]:
    import importlib
    import pkgutil

    import healthcode

    for module in pkgutil.walk_packages(healthcode.__path__, "healthcode."):
        importlib.import_module(module.name)
    found, todo = [], [errors.ApiError]
    while todo:
        kind = todo.pop()
        found.append(kind)
        todo.extend(kind.__subclasses__())
    return found


def test_every_error_code_is_in_the_one_catalogue() -> None:
    # GIVEN every module of the layer imported WHEN the ApiError kinds are listed THEN core/errors.py defines them all
    elsewhere = sorted(f"{kind.__module__}.{kind.__name__}" for kind in _every_error_class()
                       if kind.__module__ != "healthcode.core.errors")
    assert elsewhere == []


def test_each_code_has_one_status() -> None:
    # GIVEN the catalogue WHEN codes are grouped THEN no code is answered with two statuses
    statuses: dict[str, set[int]] = {}
    for kind in _every_error_class():
        statuses.setdefault(kind.code, set()).add(kind.status)
    assert {code: found for code, found in statuses.items() if len(found) > 1} == {}
