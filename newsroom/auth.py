"""Login throttling beyond django-axes's pairs: a limit per account, from any address.

Axes locks a username at one address after ``AXES_FAILURE_LIMIT`` failures there, so a
stranger cannot lock an editor out from elsewhere. That alone leaves one account open
to guesses from as many addresses as an attacker has. ``AccountThrottleBackend`` also
refuses a login once the account has failed ``AXES_ACCOUNT_FAILURE_LIMIT`` times in the
cool-off period, counted over every address, except from an address the account has
logged in from before (axes's access log): the editor's own desk still gets in while a
storm from elsewhere is refused. (Addresses are grouped by IPv6 /64 in
``newsroom.proxies.client_ip``, so one allocation counts as one address.)
"""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import F, Sum, Value
from django.db.models.functions import Least
from django.utils import timezone


def account_failures(username, since):
    """Failed logins as ``username`` since ``since``, from every address, each address
    counted up to ``AXES_FAILURE_LIMIT``: past it, the address is locked and its
    requests are refused unheard, so they guess nothing (counted whole, one stranger at
    one address locked the editor out of every new address)."""
    limit = settings.AXES_FAILURE_LIMIT
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    capped = Least(F("failures_since_start"), Value(limit))
    return attempts.aggregate(n=Sum(capped))["n"] or 0


class AccountThrottleBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        credentials = {"username": username}
        name = get_client_username(request, credentials)
        if not name:
            return None
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        if account_failures(name, since) < settings.AXES_ACCOUNT_FAILURE_LIMIT:
            return None
        known = AccessLog.objects.filter(
            username=name, ip_address=get_client_ip_address(request)
        ).exists()
        if known:
            return None
        request.axes_locked_out = True
        request.account_locked_out = True
        raise AxesBackendPermissionDenied("too many failed logins for this account")
