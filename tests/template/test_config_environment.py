"""Every function's environment in template.yaml (Globals + its own) satisfies the layer's config model."""

from __future__ import annotations

import pytest
from healthcode.core.config import Config, variable_names

from infra.template import functions, load_template

TEMPLATE = load_template()
FUNCTIONS = functions(TEMPLATE)
#: Lambda itself sets these in every function's environment
LAMBDA_SETS = {"AWS_REGION": "cn-north-1"}
#: the variables one function's code reads beyond the Globals, and the function that must set them
OWN_VARIABLES = {
    "MacauFunction": {"MACAU_PROVIDER", "MACAU_PROVIDER_URL"},
    "ItineraryFunction": {"ITINERARY_PROVIDER", "ITINERARY_PROVIDER_URL"},
    "VenuesFunction": {"CODE_PAGE_URL"},
    "InboundFunction": {"INBOUND_PAGE_URL"},
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_the_function_environment_makes_a_config(name: str) -> None:
    # GIVEN the function's environment as deployed (every value present) WHEN config is read THEN it is complete
    environment = {key: "x" for key in FUNCTIONS[name].environment} | LAMBDA_SETS
    Config.from_environ(environment)


@pytest.mark.parametrize("name", sorted(OWN_VARIABLES))
def test_the_function_sets_what_its_code_reads(name: str) -> None:
    assert OWN_VARIABLES[name] <= set(FUNCTIONS[name].environment)


def test_every_variable_the_template_sets_is_one_config_reads() -> None:
    # GIVEN every variable any function is given WHEN compared with the model THEN none is set for nothing
    read = set(variable_names().values())
    given = {key for spec in FUNCTIONS.values() for key in spec.environment if not key.startswith("POWERTOOLS_")}
    assert given - read == set()
