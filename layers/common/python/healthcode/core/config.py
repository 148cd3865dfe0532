"""Runtime configuration: every environment variable the layer reads, read and checked once per container.

The variables SAM's Globals give every function (tables, bucket, secret, keys, providers) are required: a missing
one fails the cold start with ConfigError naming it, never a silent default that points at the wrong table. The few
a single function sets (page addresses, Macau / itinerary providers) and the tuning knobs have a stated default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from functools import lru_cache


class ConfigError(RuntimeError):
    """The environment lacks (or garbles) variables the layer needs; the message names each of them."""


def _split(value: str) -> frozenset[str]:
    return frozenset(part.strip().upper() for part in value.split(",") if part.strip())


def _env(name: str) -> str:
    return name.upper()


#: fields read from another variable than their upper-cased name, first present wins
ALIASES: dict[str, tuple[str, ...]] = {
    "region": ("AWS_REGION", "AWS_DEFAULT_REGION"),
    "endpoint_url": ("AWS_ENDPOINT_URL",),
}


@dataclass(frozen=True)
class Config:
    # required: set by the template's Globals for every function
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
    identity_provider: str
    identity_provider_url: str  # may be empty (the dev provider needs none); it must still be set
    sms_provider: str
    system_admin_ids: frozenset[str]  # may be empty; it must still be set
    origin_verify_secret: str  # CloudFront's X-Origin-Verify (healthcode.core.viewer); empty locally: trust nothing
    region: str  # AWS_REGION, which Lambda sets
    # optional: set by the one function that uses them, or tuning
    endpoint_url: str | None = None  # moto locally
    inbound_page_url: str = ""  # the inbound H5 page texted to travellers; empty: this API's host + /inbound.html
    code_page_url: str = ""  # the resident code page printed on the 葵花码 poster; empty: this API's host + /
    macau_provider: str = "local"  # MacauFunction: "http" calls MACAU_PROVIDER_URL, "local" signs itself
    macau_provider_url: str = ""
    itinerary_provider: str = "feeds"  # ItineraryFunction: "http" calls ITINERARY_PROVIDER_URL
    itinerary_provider_url: str = ""
    rate_limits: str = ""  # overrides of healthcode.core.ratelimit's limits (local load tests)
    cjk_font: str | None = None  # a CJK font file; else the fonts layer
    session_ttl_seconds: int = 2 * 3600
    display_log_days: int = 3
    max_body_bytes: int = field(default=1_048_576)

    @classmethod
    def from_environ(cls, env: Mapping[str, str]) -> Config:
        values: dict[str, object] = {}
        missing: list[str] = []
        garbled: list[str] = []
        for spec in fields(cls):
            names = ALIASES.get(spec.name, (_env(spec.name),))
            raw = next((env[name] for name in names if name in env), None)
            if raw is None:
                if spec.default is MISSING and spec.default_factory is MISSING:
                    missing.append(names[0])
                continue
            if spec.name == "endpoint_url" and not raw:
                continue
            if spec.type == "frozenset[str]":
                values[spec.name] = _split(raw)
            elif spec.type == "int":
                if not raw.strip().isdigit():
                    garbled.append(names[0])
                    continue
                values[spec.name] = int(raw)
            else:
                values[spec.name] = raw
        if missing or garbled:
            problems = ([f"missing: {', '.join(missing)}"] if missing else []) + (
                [f"not a whole number: {', '.join(garbled)}"] if garbled else [])
            raise ConfigError("environment variables " + "; ".join(problems))
        return cls(**values)  # type: ignore[arg-type]


def variable_names(required_only: bool = False) -> dict[str, str]:
    """field -> the environment variable it is read from (its first alias), for the template's check."""
    return {spec.name: ALIASES.get(spec.name, (_env(spec.name),))[0] for spec in fields(Config)
            if not required_only or (spec.default is MISSING and spec.default_factory is MISSING)}


@lru_cache(maxsize=1)
def get_config() -> Config:
    return Config.from_environ(os.environ)
