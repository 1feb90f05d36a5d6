"""Who may read a body's needs, projects and budgets: anyone when the statute's
``cycle_public`` says so (the default), the body's members otherwise."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _

from comuna.territory import statutes
from comuna.territory.models import Body
from comuna.territory.permissions import roles


def may_read(user, body: Body) -> bool:
    if statutes.current(body).cycle_public:
        return True
    return bool(user.is_authenticated and roles(user, body))


def refused(request, body: Body) -> HttpResponse | None:
    """For a public page of the cycle: None when the reader may read it; a redirect to log in
    for an anonymous reader of a body whose statute keeps its cycle to its members; a 403 with
    the reason (PermissionDenied) for a logged-in stranger. A view starts with
    ``if (response := visibility.refused(request, body)) is not None: return response``."""
    if may_read(request.user, body):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(
        _("This body's statute keeps its needs, projects and budgets to its members.")
    )
