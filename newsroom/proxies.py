"""The client's address, believing X-Forwarded-For only as far as the settings say."""

from django.conf import settings


def client_ip(request):
    """The address the request came from, for login throttling (django-axes).

    With ``TRUSTED_PROXY_COUNT = 0`` that is ``REMOTE_ADDR``: X-Forwarded-For is ignored,
    since a client can send any value. With N trusted proxies, each appends the address it
    was connected from, so the N-th entry from the right is the one the outermost trusted
    proxy saw; anything left of it was written by the client. A request with fewer entries
    did not come through the proxies and is judged by ``REMOTE_ADDR``.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [address.strip() for address in header.split(",") if address.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
