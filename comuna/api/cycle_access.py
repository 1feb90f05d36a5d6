"""Who may read a body's cycle through the API: anyone when the statute's ``cycle_public`` says
so, the body's members otherwise (401 for a visitor, 403 with the reason for a stranger); a
body that does not exist is not found (404). Shared by the cycles, needs, projects and budgets
endpoints."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path
from ninja.errors import AuthenticationError

from comuna.api.access import user_of
from comuna.cycles import visibility
from comuna.territory.models import Body

SLUG = r"^[-a-zA-Z0-9_]+$"


def slug_path():
    return Path(
        ..., pattern=SLUG, max_length=80, description="The body's short name, as in its address."
    )


def readable_body(request, slug: str) -> Body:
    body = get_object_or_404(Body, slug=slug)
    user = user_of(request)
    if not visibility.may_read(user, body):
        if not user.is_authenticated:
            raise AuthenticationError()
        raise PermissionDenied(
            _("This body's statute keeps its needs, projects and budgets to its members.")
        )
    return body
