"""Who is on the other end: the one client-IP function.

Forwarding headers (`X-Forwarded-For` and friends) are written by whoever sends the
request, so they are believed only when the TCP peer (`REMOTE_ADDR`) is one of
settings.TRUSTED_PROXIES (addresses or networks; default none). Then
`X-Forwarded-For` is read from the right: each hop appended by a trusted proxy is
skipped, and the first address not in TRUSTED_PROXIES is the client. Anything to the
left of it was written by the client and is ignored.

Used by every per-IP throttle (`ClientIPThrottleMixin`), the request log, the audit
log, and login lockouts (django-axes' AXES_CLIENT_IP_CALLABLE).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

_ATTR = "_mrict_client_ip"

# Headers a client could use to lie about where it is or how it connected. Removed from
# requests whose peer is not a trusted proxy (ForwardedHeadersMiddleware), so nothing
# downstream (SECURE_PROXY_SSL_HEADER, libraries) can be fooled by them.
FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PROTOCOL",
    "HTTP_X_FORWARDED_SSL",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def trusted_networks() -> tuple:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _parse(value: str | None):
    """An address from a header or REMOTE_ADDR, or None. Tolerates `[v6]:port` and
    `v4:port` as some proxies write them."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # IPv4 with a port; bare IPv6 has several colons
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # IPv4 inside IPv6 (dual-stack sockets) counts as the IPv4 address.
    return address.ipv4_mapped or address if address.version == 6 else address


def is_trusted_proxy(address) -> bool:
    return address is not None and any(address in net for net in trusted_networks())


def peer_is_trusted_proxy(request) -> bool:
    return is_trusted_proxy(_parse(request.META.get("REMOTE_ADDR")))


def client_ip(request) -> str | None:
    """The client's address as text, or None when even the peer is unknown. Memoised
    on the request (DRF's Request forwards attribute reads to the HttpRequest)."""
    cached = getattr(request, _ATTR, False)
    if cached is not False:
        return cached
    address = _client_address(request.META)
    result = str(address) if address is not None else None
    setattr(request, _ATTR, result)
    return result


def _client_address(meta):
    peer = _parse(meta.get("REMOTE_ADDR"))
    if not is_trusted_proxy(peer):
        return peer
    hops = [hop for header in [meta.get("HTTP_X_FORWARDED_FOR", "")] for hop in header.split(",")]
    nearest = peer
    for raw in reversed(hops):
        if not raw.strip():
            continue
        hop = _parse(raw)
        if hop is None:
            # Garbage where a trusted proxy would have written an address: the chain
            # is broken here, so the last address we can vouch for is the answer.
            return nearest
        if not is_trusted_proxy(hop):
            return hop
        nearest = hop
    return nearest


def client_ip_key(request) -> str:
    """The client address as a rate-limit key: IPv6 clients are grouped by their
    network prefix (settings.THROTTLE_IPV6_PREFIX, default /64), since one host
    usually holds a whole /64 and could otherwise take a new address per request."""
    address = _parse(client_ip(request))
    if address is None:
        return "unknown"
    if address.version == 6:
        prefix = settings.THROTTLE_IPV6_PREFIX
        return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
    return str(address)


class ClientIPThrottleMixin:
    """For DRF throttles: key "per IP" scopes on client_ip_key instead of DRF's own
    get_ident (which believes X-Forwarded-For unless NUM_PROXIES is set)."""

    def get_ident(self, request):
        return client_ip_key(request)
