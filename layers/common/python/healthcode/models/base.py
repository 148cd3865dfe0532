"""What every PynamoDB model shares: table names from config, region and the endpoint (moto locally); and what
every index states, its name and projection."""

from __future__ import annotations

from typing import Any

from pynamodb.indexes import Projection

from healthcode.core.config import get_config


def table_meta(table_attr: str) -> type:
    cfg = get_config()

    class Meta:
        table_name = getattr(cfg, table_attr)
        region = cfg.region
        host = cfg.endpoint_url
        max_retry_attempts = 3
        connect_timeout_seconds = 2
        read_timeout_seconds = 5

    return Meta


def index_meta(index_name: str, projection: Projection) -> type:
    """A global secondary index's Meta: a class of its own for each index, since PynamoDB records the index's key
    attributes on it."""
    return type("Meta", (), {"index_name": index_name, "projection": projection})


def drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
