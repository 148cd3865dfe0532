"""Session tokens: short-lived HS256 JWTs issued at login and checked by the authorizer."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from healthcode.core.config import get_config
from healthcode.core.errors import Unauthorized
from healthcode.core.secrets import get_secret

ALGORITHM = "HS256"
ISSUER = "yuekang-code"


@dataclass(frozen=True)
class Session:
    person_id: str
    roles: tuple[str, ...]
    expires_at: int


def issue(person_id: str, roles: list[str] | tuple[str, ...], now: int | None = None) -> tuple[str, int]:
    now = int(now if now is not None else time.time())
    exp = now + get_config().session_ttl_seconds
    token = jwt.encode(
        {"sub": person_id, "roles": list(roles), "iat": now, "exp": exp, "iss": ISSUER},
        get_secret().session_key,
        algorithm=ALGORITHM,
    )
    return token, exp


def verify(token: str) -> Session:
    """Decode with the algorithm pinned: `alg: none`, other algorithms, tampering and expiry all fail."""
    try:
        claims = jwt.decode(
            token,
            get_secret().session_key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["sub", "exp", "iat", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized("Session is missing, expired or invalid", "登录已失效，请重新登录") from exc
    roles = claims.get("roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Unauthorized("Session is invalid", "登录已失效，请重新登录")
    return Session(person_id=str(claims["sub"]), roles=tuple(roles), expires_at=int(claims["exp"]))
