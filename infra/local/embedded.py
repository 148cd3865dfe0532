"""In-process embedded AWS (moto's mock) with every resource of template.yaml: for tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
from moto import mock_aws

from infra.local.lambdas import LoadedFunction, load_function
from infra.local.provision import provision
from infra.template import Resolver, functions, load_template

REGION = "us-east-1"


@contextlib.contextmanager
def embedded_aws(system_admin_ids: str = "") -> Iterator[dict[str, Any]]:
    """moto's in-process mock, provisioned from template.yaml, with the environment pointing at it.

    The table names are the ones the root conftest sets ("yk-<LogicalId>"); the KMS key id and the secret
    ARN are only known once created, so they are set here and the cached config is dropped.
    """
    with mock_aws():
        template = load_template()
        session = boto3.session.Session(region_name=REGION)
        physical = provision(template, session)
        resolver = Resolver(template, physical, {"SystemAdminIds": system_admin_ids, "IdentityProvider": "dev",
                                                 "SmsProvider": "dev", "LogLevel": "WARNING"}, REGION)
        specs = functions(template)
        env = {k: str(resolver.resolve(v)) for k, v in next(iter(specs.values())).environment.items()}
        for key, value in env.items():
            os.environ[key] = value
        from healthcode.config import get_config

        get_config.cache_clear()
        yield {"template": template, "session": session, "physical": physical, "resolver": resolver, "specs": specs}


def load_all(aws: dict[str, Any]) -> dict[str, LoadedFunction]:
    return {name: load_function(spec, aws["resolver"]) for name, spec in aws["specs"].items()}


@contextlib.contextmanager
def count_aws_calls() -> Iterator[Counter]:
    """Counts every AWS API call made through botocore (boto3 clients and PynamoDB alike), by service.operation."""
    from botocore.client import BaseClient

    calls: Counter = Counter()
    original = BaseClient._make_api_call

    def counting(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        calls[f"{self.meta.service_model.service_name}.{operation_name}"] += 1
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = counting  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]
