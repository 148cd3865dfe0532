"""The application secret's contents: create them (`init`) and rotate the code-signing key (`rotate`).

    python -m infra.keys init   --secret-id <AppSecret ARN>   # after the first `sam deploy`
    python -m infra.keys init   --secret-id <AppSecret ARN> --if-needed   # the same, a no-op once initialised
    python -m infra.keys rotate --secret-id <AppSecret ARN>   # new kid signs; old public keys still verify

The template creates the secret empty (no value, so no template edit can ever regenerate it); `init` writes
its first value, and refuses to overwrite one that already has signing keys.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers" / "common" / "python"))

from healthcode.codes.tokens import new_signing_key  # noqa: E402


def new_kid() -> str:
    return datetime.now(UTC).strftime("k%Y%m%d") + secrets.token_hex(4)  # 32 random bits: two rotations of one day practically never collide


def initial_secret(session_key: str | None = None) -> dict:
    kid = new_kid()
    return {
        "session_key": session_key or secrets.token_urlsafe(48),
        "lookup_key": secrets.token_urlsafe(48),
        "signing_keys": [new_signing_key(kid)],
        "active_kid": kid,
    }


def rotated(secret: dict) -> dict:
    """A new active key; every older key keeps its public part, so codes it signed still verify.

    No old key is dropped: a printed card (实体粤康码) is carried for years and is re-drawn only when its holder's
    colour or code version changes, so it may still carry the first key's signature after many rotations.
    """
    kid = new_kid()
    old = [{"kid": k["kid"], "x": k["x"]} for k in secret.get("signing_keys", [])]
    return secret | {"signing_keys": old + [new_signing_key(kid)], "active_kid": kid}


def current_value(client: Any, secret_id: str) -> dict:
    """The secret's value; {} while it has none (as the template creates it: no AWSCURRENT version yet)."""
    try:
        answer = client.get_secret_value(SecretId=secret_id)
    except client.exceptions.ResourceNotFoundException:
        client.describe_secret(SecretId=secret_id)  # a secret that does not exist at all still fails here
        return {}
    return json.loads(answer.get("SecretString") or "{}")


def main(argv: list[str] | None = None) -> None:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["init", "rotate"])
    parser.add_argument("--secret-id", required=True)
    parser.add_argument("--if-needed", action="store_true",
                        help="init: do nothing (exit 0) when the secret already holds signing keys")
    args = parser.parse_args(argv)
    client = boto3.client("secretsmanager")
    current = current_value(client, args.secret_id)
    if args.action == "init":
        if current.get("signing_keys"):
            if args.if_needed:
                print(f"already initialised, active kid: {current.get('active_kid')}")
                return
            raise SystemExit("secret already initialised; use rotate")
        value = initial_secret(current.get("session_key"))
    else:
        value = rotated(current)
    client.put_secret_value(SecretId=args.secret_id, SecretString=json.dumps(value))
    print(f"active kid: {value['active_kid']}")


if __name__ == "__main__":
    main()
