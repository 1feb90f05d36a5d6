"""The refusal and not-found pages, in the site's layout and the reader's language, each with
a way back: home, the body's page when the address names a body, and logging in when anonymous.

The server-error page is Django's own handler with ``500.html``: it renders with no request,
so it needs nothing but the layout. Under ``/api/`` every one of them answers JSON instead
(``comuna.api.errors.problem``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from comuna.api.errors import is_api, problem
from comuna.territory.models import Body
from comuna.units import megabytes

_BODY_ADDRESS = re.compile(r"^/b/(?P<slug>[-\w]+)/")


def _body_named_by(request) -> Body | None:
    """The body whose pages the address is under, if it exists (its page is public)."""
    match = _BODY_ADDRESS.match(request.path_info)
    if match is None:
        return None
    return Body.objects.filter(slug=match["slug"]).only("slug", "name").first()


def permission_denied(request, exception):
    if is_api(request):
        return problem(403, str(exception) or _("You may not do this."))
    context = {"exception": str(exception), "body": _body_named_by(request)}
    return render(request, "403.html", context, status=403)


def page_not_found(request, exception):
    if is_api(request):
        return problem(404, _("Not found."))
    return render(request, "404.html", {"body": _body_named_by(request)}, status=404)


def bad_request(request, exception):
    """Django's 400 page (a bad Host header, a malformed request), or JSON under /api/."""
    if is_api(request):
        return problem(400, _("The request is not valid."))
    return defaults.bad_request(request, exception)


def server_error(request):
    """Django's 500 page, or JSON under /api/ (no traceback either way)."""
    if is_api(request):
        return problem(500, _("Something went wrong on our side; it has been logged."))
    return defaults.server_error(request)


# what a form may add to its largest file (the other fields, the multipart framing)
FORM_ALLOWANCE = 64 * 1024


class RequestSizeLimit:
    """Refuses a request whose body is larger than ``UPLOAD_MAX_BYTES`` (and a form's other
    fields) before anything reads it, with a page in the reader's language (413).

    Django limits the fields of a form (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not its files,
    which it would stream to a temporary file first, however large."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_BYTES + FORM_ALLOWANCE:
            if is_api(request):
                largest = megabytes(settings.UPLOAD_MAX_BYTES)
                return problem(
                    413, _("The request is larger than %(largest)s.") % {"largest": largest}
                )
            context = {
                "body": _body_named_by(request),
                "size": megabytes(length),
                "largest": megabytes(settings.UPLOAD_MAX_BYTES),
            }
            return render(request, "413.html", context, status=413)
        return self.get_response(request)
