"""The venues function writes the venue's roster in the stats table (create, join, leave, unbind transactions):
moto has no IAM, so only the template can say it may."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.template import load_template, resources_of  # noqa: E402
from tests.template.iam import granted  # noqa: E402


def test_the_venues_function_may_read_and_write_the_stats_table():
    # GIVEN the venues function's policies
    policies = resources_of(load_template(), "AWS::Serverless::Function")["VenuesFunction"]["Properties"]["Policies"]
    # THEN they let it write the stats table (TransactWriteItems needs PutItem / UpdateItem there)
    assert {("dynamodb:PutItem", "StatsTable"), ("dynamodb:UpdateItem", "StatsTable")} <= granted(policies)
