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
    did not come through the proxies and is judged by ``REMOTE_ADDR``. An IPv6 address
    counts as its /64 (``grouped``).
    """
    count = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR")
    if count > 0:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [address.strip() for address in header.split(",") if address.strip()]
        if len(forwarded) >= count:
            address = forwarded[-count]
    return grouped(address)


def grouped(address):
    """An IPv6 address as the first address of its /64; any other value as it is."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
