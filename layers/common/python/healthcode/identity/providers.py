"""Identity providers (face, WeChat-pay password, CTID real-person / real-name checks) behind one interface.

The HTTP adapter's contract with the real service:

    POST {IDENTITY_PROVIDER_URL}/v1/verify
    {"method": "FACE"|"WECHAT_PAY"|"ID_MATCH", "id_type": ..., "id_number": ..., "issue_count": ...|null,
     "name": ..., "proof": <opaque token from the client SDK>}
    200 {"verified": true, "phone": "+8613812345678"|null}   -> verified (phone bound to the WeChat account)
    200 {"verified": false, "reason": "..."}                   -> rejected (401 to our caller)
    5xx / timeout                                              -> 503 UPSTREAM_UNAVAILABLE
"""

from __future__ import annotations

import json
import urllib.error
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from healthcode.core import upstream
from healthcode.core.config import get_config
from healthcode.core.errors import IdentityRejected, ServiceUnavailable
from healthcode.identity.idnumbers import IdDocument

DEV_PROOF = "dev-pass"


@dataclass(frozen=True)
class Verification:
    phone: str | None = None


class IdentityProvider(Protocol):
    def verify(self, method: str, document: IdDocument, name: str, proof: str, phone: str | None) -> Verification:
        """Return what the provider vouches for, or raise IdentityRejected."""
        ...


class DevIdentityProvider:
    """Local stack and tests: any well-formed identity passes with the proof `dev-pass`."""

    def verify(self, method: str, document: IdDocument, name: str, proof: str, phone: str | None) -> Verification:
        if proof != DEV_PROOF:
            raise IdentityRejected()
        return Verification(phone=phone)


class HttpIdentityProvider:
    def __init__(self, base_url: str, timeout: float = 3.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def verify(self, method: str, document: IdDocument, name: str, proof: str, phone: str | None) -> Verification:
        body = json.dumps({
            "method": method, "id_type": document.id_type.value, "id_number": document.number,
            "issue_count": document.issue_count, "name": name, "proof": proof,
        }).encode()
        try:
            answer = upstream.post_json(f"{self.base_url}/v1/verify", body, self.timeout)
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                raise ServiceUnavailable() from exc
            raise IdentityRejected() from exc
        if not isinstance(answer, dict) or answer.get("verified") is not True:
            raise IdentityRejected()
        reported = answer.get("phone")
        return Verification(phone=reported if isinstance(reported, str) and reported else None)


@lru_cache(maxsize=1)
def get_identity_provider() -> IdentityProvider:
    cfg = get_config()
    if cfg.identity_provider == "dev":
        return DevIdentityProvider()
    return HttpIdentityProvider(cfg.identity_provider_url)
