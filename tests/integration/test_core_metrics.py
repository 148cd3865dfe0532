"""Business metrics: an API function's success publishes its count in CloudWatch's embedded metric format (EMF),
flushed by the handler's @metrics.log_metrics (a handler whose routes count nothing would publish nothing)."""

from __future__ import annotations

import json

import pytest


def published(output: str) -> set[str]:
    """The metric names of the EMF lines a handler printed."""
    names: set[str] = set()
    for line in output.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            for directive in json.loads(line)["_aws"]["CloudWatchMetrics"]:
                names.update(metric["Name"] for metric in directive["Metrics"])
    return names


@pytest.mark.parametrize(("function", "sample", "body", "metric"), [
    ("CodesFunction", "codes-my-code.json", None, "CodeDisplayed"),
    ("DeclarationsFunction", "declarations-declare.json", None, "DeclarationSubmitted"),
    ("RecordsFunction", "records-list.json", None, "RecordsRead"),
    ("PrintedCodesFunction", "printed-codes-reissue.json", None, "PrintedCodeReissued"),
    ("OrgsFunction", "orgs-create.json", None, "OrganizationCreated"),
    ("VenuesFunction", "venues-create.json", None, "VenueCreated"),
])
def test_a_success_publishes_its_count(lambdas, event, invoke, resident, capsys, function, sample, body, metric):
    # GIVEN a resident WHEN the function serves its sample request for them
    capsys.readouterr()
    changes = {"body": body} if body is not None else {}
    status, answer = invoke(lambdas[function], event(sample, person_id=resident["person_id"], **changes))

    # THEN it succeeded and the handler printed the metric as EMF
    assert status in (200, 201, 202), answer
    assert metric in published(capsys.readouterr().out)
