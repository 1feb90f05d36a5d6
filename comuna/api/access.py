"""Who may call an endpoint, declared on it and checked through ``can()``, as the pages do.

Each endpoint function carries ``.permission`` (``PUBLIC``, ``PERSONAL`` or a
``Permission(action, model)``) set by :func:`declare`, so the API's permission-matrix test
finds every operation and what guards it. :func:`find` resolves a body (and an object of it)
from the address and checks the action: 404 for a wrong body or object, 401 for a visitor
who is not logged in, 403 with the reason for a member without the right.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja.errors import AuthenticationError

from comuna.api.auth import bearer_user
from comuna.territory.models import Body
from comuna.territory.permissions import can
from comuna.web.access import PERSONAL, PUBLIC, Permission, object_in_body, refusal

__all__ = ["PERSONAL", "PUBLIC", "Permission", "declare", "find", "user_of"]


def declare(permission) -> Callable:
    """Mark an endpoint function with who it is for (put it under the router's decorator)."""

    def mark(function):
        function.permission = permission
        return function

    return mark


def user_of(request):
    """The caller: the user of a personal access token or of the session (maybe anonymous)."""
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "is_authenticated", False):
        return auth
    # a public endpoint takes no auth: a token sent to it still says who calls (and a bad
    # token is refused, 401, rather than silently read as a visitor)
    return bearer_user(request) or request.user


def find(
    request,
    slug: str,
    action: str | None = None,
    model: type[Model] | None = None,
    pk: int | None = None,
):
    """The body named ``slug`` (and, with ``model``, its object ``pk``), once the caller may
    take ``action`` on it; ``(body, obj)`` with a model, else the body."""
    if model is None:
        body = target = get_object_or_404(Body, slug=slug)
    else:
        found = object_in_body(model, pk, slug)
        if found is None:
            raise Http404
        target, body = found
    if action is not None:
        user = user_of(request)
        if not can(user, action, target):
            if not user.is_authenticated:
                raise AuthenticationError()
            raise PermissionDenied(refusal(user, action, target, body))
    return body if model is None else (body, target)
