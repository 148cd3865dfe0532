"""What every PynamoDB model shares: table names from config, region and the endpoint (moto locally)."""

from __future__ import annotations

from typing import Any

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


def drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
