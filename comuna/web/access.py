"""The decorators every page goes through, each declaring who the page is for.

A body page names its action (and, for a page about one object of the body, the object's
model): the decorator finds the body and object and checks the action on the object in its
phase. Public and personal pages say so. The declaration is kept on the view as
``view.permission`` so the permission-matrix test can find every page and what guards it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from comuna import rows
from comuna.territory.models import Body
from comuna.territory.permissions import allowed_roles, can, roles, subject_of

PUBLIC = "public"  # anyone may read the page, logged in or not
PERSONAL = "personal"  # a page about the logged-in user, needing no role


@dataclass(frozen=True)
class Permission:
    action: str
    model: type[Model]  # Body, or the model of the object the page is about


def body_view(
    action: str, model: type[Model] | None = None, *, refused: Callable | None = None
) -> Callable:
    """Pass the body named by ``slug`` to the view when the user may take ``action`` in it.

    With ``model``, the page is about the object of that model named by ``pk`` in the body:
    the action is checked on that object (in its phase) and the view gets ``(body, obj)``.
    ``refused(request, body, obj)`` may answer a member refused the action with a page of its
    own (status 403, e.g. "this poll closed meanwhile"); when it returns None, or the user is
    not a member, the usual 403 follows.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            target: Model
            if model is None:
                body = target = get_object_or_404(Body, slug=slug)
            else:
                # the object and its body in one plain query; a wrong body or object is the
                # same 404
                found = _with_body(model, kwargs.pop("pk"), slug)
                if found is None:
                    raise Http404
                target, body = found
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, action, target):
                if refused is not None and roles(request.user, body):
                    response = refused(request, body, target)
                    if response is not None:
                        return response
                raise PermissionDenied(refusal(request.user, action, target, body))
            if model is None:
                return view(request, body, *args, **kwargs)
            return view(request, body, target, *args, **kwargs)

        wrapper.permission = Permission(action, model or Body)
        return wrapper

    return decorator


def _with_body(model: type[Model], pk: int, slug: str) -> tuple[Model, Body] | None:
    """The object ``pk`` of ``model`` and its body, when the body's slug is ``slug``. A model
    with no ``body`` of its own belongs to the body of its parent: its first required foreign
    key to a model that has one (a cycle's need or project: the cycle's body)."""
    fields = model._meta.concrete_fields
    if any(f.name == "body" for f in fields):
        found = rows.with_body(model, pk, slug, Body)
        return None if found is None else (found, found.body)
    if not 0 <= pk <= rows.MAX_ID:
        return None
    parent = next(
        f
        for f in fields
        if f.many_to_one
        and not f.null
        and any(g.name == "body" for g in f.related_model._meta.concrete_fields)
    )
    found = (
        model._default_manager.select_related(f"{parent.name}__body")
        .filter(pk=pk, **{f"{parent.name}__body__slug": slug})
        .first()
    )
    return None if found is None else (found, getattr(found, parent.name).body)


def refusal(user, action: str, target: Model, body: Body) -> str:
    """Why ``user`` may not take ``action`` on ``target``, in a sentence for them (naming
    nothing of the body a stranger could not already see)."""
    held = roles(user, body)
    if not held:
        return _("Only members of this body may do this.")
    subject = subject_of(type(target))
    if subject is not None and any(held & allowed_roles(action, p) for p in subject.phases):
        label = subject.phase_label(target) if subject.phase_label else subject.phase(target)
        return _("This cannot be done at this stage (%(phase)s).") % {"phase": label}
    return _("None of your roles in this body allows this.")


def public(view: Callable) -> Callable:
    """Mark a page anyone may read, such as the ledger or a closed poll's results."""
    view.permission = PUBLIC
    return view


def personal(view: Callable) -> Callable:
    """A page about the logged-in user themself: it needs a login and no role."""
    wrapped = login_required(view)
    wrapped.permission = PERSONAL
    return wrapped
