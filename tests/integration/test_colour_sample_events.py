"""The colour engine's sample events (events/, for `sam local invoke -e`) are ones the handlers accept."""

from __future__ import annotations

import json

import pytest

from infra.template import ROOT


def sample(name):
    return json.loads((ROOT / "events" / name).read_text())


@pytest.mark.parametrize("function,name", [("StatusStreamFunction", "status-stream-batch.json"),
                                           ("CodeImagesFunction", "code-images-person.json")])
def test_stream_samples_are_processed_without_failures(lambdas, function, name):
    assert lambdas[function].invoke(sample(name)) == {"batchItemFailures": []}


def test_the_review_schedule_sample_runs_the_review(lambdas):
    answer = lambdas["StatusReviewFunction"].invoke(sample("status-review-schedule.json"))
    assert set(answer) == {"due", "changed", "failed"} and answer["failed"] == 0


def test_the_import_schedule_sample_runs_the_import(lambdas):
    answer = lambdas["FeedImportFunction"].invoke(sample("feed-import-schedule.json"))
    assert "files" in answer and answer["left_over"] == 0
