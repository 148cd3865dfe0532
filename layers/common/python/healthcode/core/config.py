"""Runtime configuration, read from the environment once per container."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache


def _split(value: str) -> frozenset[str]:
    return frozenset(part.strip().upper() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Config:
    people_table: str
    health_events_table: str
    relations_table: str
    places_table: str
    declarations_table: str
    checks_table: str
    stats_table: str
    display_log_table: str
    auth_table: str
    idempotency_table: str
    audit_table: str
    code_bucket: str
    app_secret_id: str
    pii_key_id: str
    region: str
    endpoint_url: str | None
    identity_provider: str
    identity_provider_url: str
    sms_provider: str
    system_admin_ids: frozenset[str] = field(default_factory=frozenset)
    session_ttl_seconds: int = 2 * 3600
    display_log_days: int = 3
    max_body_bytes: int = 1_048_576
    inbound_page_url: str = ""  # the inbound H5 page texted to travellers; empty: this API's host + /inbound.html
    code_page_url: str = ""  # the resident code page printed on the 葵花码 poster; empty: this API's host + /


@lru_cache(maxsize=1)
def get_config() -> Config:
    env = os.environ
    return Config(
        people_table=env.get("PEOPLE_TABLE", "people"),
        health_events_table=env.get("HEALTH_EVENTS_TABLE", "health_events"),
        relations_table=env.get("RELATIONS_TABLE", "relations"),
        places_table=env.get("PLACES_TABLE", "places"),
        declarations_table=env.get("DECLARATIONS_TABLE", "declarations"),
        checks_table=env.get("CHECKS_TABLE", "checks"),
        stats_table=env.get("STATS_TABLE", "stats"),
        display_log_table=env.get("DISPLAY_LOG_TABLE", "display_log"),
        auth_table=env.get("AUTH_TABLE", "auth"),
        idempotency_table=env.get("IDEMPOTENCY_TABLE", "idempotency"),
        audit_table=env.get("AUDIT_TABLE", "audit"),
        code_bucket=env.get("CODE_BUCKET", "code-images"),
        app_secret_id=env.get("APP_SECRET_ID", "app-secret"),
        pii_key_id=env.get("PII_KEY_ID", "alias/pii"),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "cn-north-1",
        endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        identity_provider=env.get("IDENTITY_PROVIDER", "http"),
        identity_provider_url=env.get("IDENTITY_PROVIDER_URL", ""),
        sms_provider=env.get("SMS_PROVIDER", "sns"),
        system_admin_ids=_split(env.get("SYSTEM_ADMIN_IDS", "")),
        session_ttl_seconds=int(env.get("SESSION_TTL_SECONDS", str(2 * 3600))),
        inbound_page_url=env.get("INBOUND_PAGE_URL", ""),
        code_page_url=env.get("CODE_PAGE_URL", ""),
    )
