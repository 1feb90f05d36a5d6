"""Making, finding and revoking personal access tokens (the model is in ``models.py``).

A token reads ``cmn_`` followed by 43 URL-safe characters (256 random bits). Its owner sees it
once; Comuna keeps its SHA-256 and its first characters.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from django.utils import timezone

from comuna.api.models import PersonalToken, Scope

TOKEN_PREFIX = "cmn_"
SHOWN_PREFIX = len(TOKEN_PREFIX) + 6  # "cmn_" and six characters name a token in lists
MAX_TOKEN_CHARS = 200  # anything longer is no token of ours: refused before hashing
USE_RECORDED_EVERY = timedelta(minutes=1)  # "last used" is written at most this often


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user, *, name: str, scope: str, expires_on: date | None = None):
    """A new token of ``user``: ``(token, secret)``; the secret is never stored."""
    if scope not in Scope.values:
        raise ValueError(f"unknown token scope {scope!r}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        prefix=secret[:SHOWN_PREFIX],
        secret_hash=digest(secret),
        expires_on=expires_on,
    )
    return token, secret


def revoke(token: PersonalToken) -> None:
    """Refuse the token from now on (revoking it twice keeps the first time)."""
    PersonalToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def find(secret: str) -> PersonalToken | None:
    """The usable token with this secret (with its user), or None: unknown, revoked, expired,
    or its user can no longer log in. Notes when it was used, at most once a minute."""
    if not secret or len(secret) > MAX_TOKEN_CHARS or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        PersonalToken.objects.select_related("user")
        .filter(secret_hash=digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.expired or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_RECORDED_EVERY:
        PersonalToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
