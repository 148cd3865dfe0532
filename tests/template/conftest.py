"""template.yaml as written and as SAM transforms it, read once per module by the template checks."""

from __future__ import annotations

import pytest

from infra.cfn import TEMPLATE, load_template, sam_transform

REGION = "us-east-1"


@pytest.fixture(scope="module")
def source() -> dict:
    return load_template(TEMPLATE)


@pytest.fixture(scope="module")
def transformed(source: dict) -> dict:
    return sam_transform(source, region=REGION)
