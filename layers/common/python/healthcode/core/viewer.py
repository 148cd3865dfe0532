"""The caller's address for per-address limits, trusted only as far as it can be.

Deployed, the API sits behind CloudFront (template.yaml, SiteDistribution): API Gateway's
`requestContext.identity.sourceIp` is then the CloudFront edge node's address, shared by every phone that
edge serves. CloudFront sends the viewer's own address to the origin in `CloudFront-Viewer-Address`
(`<ip>:<port>`, IPv6 unbracketed: `2001:db8::1:443`; forwarded by the /v1/* behaviour's origin request policy),
but anyone who calls the API stage directly can write that header too. So it is believed only when the
request also carries `X-Origin-Verify` with the secret CloudFront adds as a custom origin header
(parameter OriginVerifySecret, environment ORIGIN_VERIFY_SECRET; CloudFront overwrites a viewer's header of
that name). Otherwise, and whenever the header is missing, repeated or malformed, the connection's address
(sourceIp) counts, as before.

IPv6 addresses count by their /64: one phone (one SLAAC prefix) can take any address in it at will.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping
from typing import Any

from healthcode.core.config import get_config

ENV = "ORIGIN_VERIFY_SECRET"
VIEWER_ADDRESS = "cloudfront-viewer-address"
ORIGIN_VERIFY = "x-origin-verify"
IPV6_PREFIX = 64

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_viewer_address(value: str | None) -> Address | None:
    """The address in a `CloudFront-Viewer-Address` value (`1.2.3.4:5678`, `2001:db8::1:5678`, also
    `[2001:db8::1]:5678`), or None when it is not an address followed by a port."""
    text = (value or "").strip()
    if text.startswith("["):
        host, sep, port = text[1:].partition("]:")
    else:
        host, sep, port = text.rpartition(":")  # the port is always last; an IPv6 address keeps its colons
    if not sep or not (port.isascii() and port.isdigit() and len(port) <= 5 and int(port) <= 65535):
        return None
    if "%" in host:  # a zone index means nothing outside the viewer's own link
        return None
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def rate_key(address: Address) -> str:
    """What a per-address limit counts: the IPv4 address, or the IPv6 /64 (an IPv4-mapped IPv6 address as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


def _values(name: str, headers: Mapping[str, Any] | None, multi_value_headers: Mapping[str, Any] | None) -> list[str]:
    """Every value the request carries for header `name` (any case)."""
    found: list[str] = []
    for key, values in (multi_value_headers or {}).items():
        if key.lower() == name:
            found.extend(str(v) for v in (values or []))
    if not found:
        found = [str(v) for key, v in (headers or {}).items() if key.lower() == name and v is not None]
    return found


def _connection(source_ip: str | None) -> str:
    text = (source_ip or "").strip()
    try:
        return rate_key(ipaddress.ip_address(text))
    except ValueError:
        return text or "unknown"


def through_cloudfront(headers: Mapping[str, Any] | None, multi_value_headers: Mapping[str, Any] | None = None,
                       secret: str | None = None) -> bool:
    """True when the request carries exactly one `X-Origin-Verify`, equal to the configured secret (none: never)."""
    secret = get_config().origin_verify_secret if secret is None else secret
    if not secret:
        return False
    found = _values(ORIGIN_VERIFY, headers, multi_value_headers)
    return len(found) == 1 and hmac.compare_digest(found[0].strip().encode(), secret.encode())


def client_address(headers: Mapping[str, Any] | None, source_ip: str | None,
                   multi_value_headers: Mapping[str, Any] | None = None, secret: str | None = None) -> str:
    """The address a per-address limit counts: CloudFront's viewer address when the request proves it came
    through CloudFront and the header holds exactly one well-formed address, else the connection's."""
    if through_cloudfront(headers, multi_value_headers, secret):
        found = _values(VIEWER_ADDRESS, headers, multi_value_headers)
        viewer = parse_viewer_address(found[0]) if len(found) == 1 else None
        if viewer is not None:
            return rate_key(viewer)
    return _connection(source_ip)
