"""Partner services over HTTP (the identity provider, the operators' itinerary service, the Macau health code
service): a JSON POST whose failures to answer are 503 UPSTREAM_UNAVAILABLE."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

from healthcode.core.errors import ServiceUnavailable


def post_json(url: str, body: bytes, timeout: float) -> Any:
    """The service's JSON answer to `body` (JSON, encoded). An answer with an error status is raised as
    urllib's HTTPError, for the caller to say what it means; anything else that is no JSON answer raises
    ServiceUnavailable."""
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError:
        raise
    # urllib wraps only connect/send failures in URLError; a hang-up or garbled reply while reading the answer
    # surfaces as a bare OSError or http.client.HTTPException.
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException, ValueError) as exc:
        raise ServiceUnavailable() from exc
