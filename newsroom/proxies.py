"""The client's address, believing X-Forwarded-For only as far as the settings say."""

import ipaddress

from django.conf import settings

# An IPv6 client is its /64: one allocation (a home, a server) holds 2**64 addresses,
# and a new one for every guess would escape any per-address limit.
IPV6_PREFIX = 64


def client_ip(request):
    """The address the request came from, for login throttling (django-axes).

    With ``TRUSTED_PROXY_COUNT = 0`` that is ``REMOTE_ADDR``: X-Forwarded-For is ignored,
    since a client can send any value. With N trusted proxies, each appends the address it
    was connected from, so the N-th entry from the right is the one the outermost trusted
    proxy saw; anything left of it was written by the client. A request with fewer entries
    did not come through the proxies and is judged by ``REMOTE_ADDR``, and so is one whose
    counted entry is no address. An IPv6 address counts as its /64 (``grouped``).
    """
    count = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR")
    if count > 0:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [address.strip() for address in header.split(",") if address.strip()]
        if len(forwarded) >= count and (ip := parse_address(forwarded[-count])):
            return grouped(ip)
    ip = parse_address(address)
    return grouped(ip) if ip else None


def parse_address(value):
    """The IP address in ``value``: an address, or one with a port (``203.0.113.9:4711``,
    ``[2001:db8::1]:443``, as some proxies write them); None for anything else, which
    no proxy wrote (a client's own header, come round the proxies)."""
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def grouped(ip):
    """An IPv6 address as the first address of its /64, as text."""
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
