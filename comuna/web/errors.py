"""The refusal and not-found pages, in the site's layout and the reader's language, each with
a way back: home, the body's page when the address names a body, and logging in when anonymous.

The server-error page is Django's own handler with ``500.html``: it renders with no request,
so it needs nothing but the layout.
"""

from __future__ import annotations

import re

from django.shortcuts import render

from comuna.territory.models import Body

_BODY_ADDRESS = re.compile(r"^/b/(?P<slug>[-\w]+)/")


def _body_named_by(request) -> Body | None:
    """The body whose pages the address is under, if it exists (its page is public)."""
    match = _BODY_ADDRESS.match(request.path_info)
    if match is None:
        return None
    return Body.objects.filter(slug=match["slug"]).only("slug", "name").first()


def permission_denied(request, exception):
    context = {"exception": str(exception), "body": _body_named_by(request)}
    return render(request, "403.html", context, status=403)


def page_not_found(request, exception):
    return render(request, "404.html", {"body": _body_named_by(request)}, status=404)
