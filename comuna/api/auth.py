"""Who is calling: a personal access token (``Authorization: Bearer cmn_...``) or the
browser's Django session.

``AUTH`` is what the personal endpoints pass to ninja: the token first, then the session. A
request that sends a token is judged by its token alone: an unknown, revoked or expired one is
refused (401) even with a session cookie, and a read-only token may not use an unsafe method
(403). A session must send Django's CSRF token with an unsafe method, as a page's form does;
without it the answer is a JSON 403, like every error of the API.

Public endpoints take no ``auth``; :func:`comuna.api.access.user_of` still reads a token sent
to them (:func:`bearer_user`), so a member's token shows them what it shows the member.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from comuna.api import tokens

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_UNREAD = object()


def bearer_secret(request) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header; None without one. Any other
    kind of Authorization is refused (401): it would otherwise be silently ignored."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise AuthenticationError()
    return secret.strip()


def request_token(request):
    """The usable token the request sends (None without one), read once per request;
    AuthenticationError for a token that is unknown, revoked or expired."""
    token = getattr(request, "_comuna_token", _UNREAD)
    if token is _UNREAD:
        secret = bearer_secret(request)
        token = None if secret is None else tokens.find(secret)
        if secret is not None and token is None:
            raise AuthenticationError()
        request._comuna_token = token
    return token


def bearer_user(request):
    """The user of the token the request sends, None without one (see request_token)."""
    token = request_token(request)
    if token is None:
        return None
    if request.method not in SAFE_METHODS and not token.may_write:
        raise PermissionDenied(
            _("This token may only read: make a read-and-write token to change anything.")
        )
    return token.user


class TokenAuth(HttpBearer):
    """A personal access token in ``Authorization: Bearer ...``."""

    def __call__(self, request):
        # ninja's HttpBearer ignores a header of another scheme; we refuse it (bearer_secret)
        return bearer_user(request)

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return bearer_user(request)


class BrowserSession(SessionAuth):
    """The Django session of a logged-in browser, with Django's CSRF check for unsafe
    methods, refused as JSON. Not used when the request sends a token."""

    def __call__(self, request):
        if request.headers.get("Authorization") is not None:
            return None  # TokenAuth already judged this request
        if not request.user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise PermissionDenied(
                _(
                    "The CSRF check failed: with a session, send the csrftoken cookie's value "
                    "in an X-CSRFToken header, or use a personal access token."
                )
            )
        return request.user

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        return request.user if request.user.is_authenticated else None


AUTH = [TokenAuth(), BrowserSession()]
