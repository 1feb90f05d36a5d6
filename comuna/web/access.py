"""The one decorator every body page goes through: find the body, check the action."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from comuna.territory.models import Body
from comuna.territory.permissions import Action, can, roles


def body_view(action: Action):
    """Pass the body named by ``slug`` to the view when the user may take ``action`` in it."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            body = get_object_or_404(Body, slug=slug)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, action, body):
                raise PermissionDenied
            request.body_roles = roles(request.user, body)
            return view(request, body, *args, **kwargs)

        return wrapper

    return decorator
