"""Requests no view here can answer sensibly, turned away before they reach one."""

from django.http import HttpResponseBadRequest


class RejectNulBytesMiddleware:
    """A NUL byte in a query or form parameter is a 400 Bad Request.

    No form on the site or in the admin accepts one, and PostgreSQL refuses it in any
    query, so a filter that passes a parameter to the database unchecked (the admin's
    own list filters, say) raised a DataError: a 500 instead of an answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest("NUL bytes are not allowed in parameters.")
        return self.get_response(request)


def _has_nul(params):
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())
