"""Config read once from the environment: the Globals variables are required and a missing one is named."""

from __future__ import annotations

import pytest
from healthcode.core.config import Config, ConfigError, variable_names

COMPLETE = {name: "x" for name in variable_names(required_only=True).values()} | {"SYSTEM_ADMIN_IDS": ""}


def test_a_complete_environment_gives_a_config() -> None:
    # GIVEN every required variable WHEN config is read THEN the optional ones take their stated defaults
    config = Config.from_environ(COMPLETE | {"AWS_REGION": "cn-north-1", "SYSTEM_ADMIN_IDS": "a1, b2"})
    assert (config.region, config.system_admin_ids, config.endpoint_url, config.macau_provider) == (
        "cn-north-1", frozenset({"A1", "B2"}), None, "local")


@pytest.mark.parametrize("missing", sorted(variable_names(required_only=True).values()))
def test_a_missing_variable_fails_naming_itself(missing: str) -> None:
    # GIVEN the environment without one required variable WHEN config is read THEN the error names it
    with pytest.raises(ConfigError, match=missing):
        Config.from_environ({k: v for k, v in COMPLETE.items() if k != missing})


def test_the_region_may_come_from_aws_default_region() -> None:
    env = {k: v for k, v in COMPLETE.items() if k != "AWS_REGION"} | {"AWS_DEFAULT_REGION": "us-east-1"}
    assert Config.from_environ(env).region == "us-east-1"


def test_a_number_that_is_not_one_is_named() -> None:
    with pytest.raises(ConfigError, match="SESSION_TTL_SECONDS"):
        Config.from_environ(COMPLETE | {"SESSION_TTL_SECONDS": "two hours"})


def test_an_empty_endpoint_means_aws_itself() -> None:
    assert Config.from_environ(COMPLETE | {"AWS_ENDPOINT_URL": ""}).endpoint_url is None
