"""The secrets of invitations: printed codes, signed e-mail tokens, their keyed hashes, the
e-mail that carries a link, and the ledger's shape check of invitation entries.

A printed code is 10 characters of Crockford's base 32 (no I, L, O, U; 50 random bits), written
in two groups of five (e.g. `7KQ2M-9TX4H`); an e-mail link carries a random secret signed with a timestamp. Only an HMAC of the
secret under the site's ``SECRET_KEY`` is stored, so a copy of the database alone does not let
anyone try codes offline; the changes themselves are made by ``comuna.territory.services``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from comuna.territory.models import Delivery, Invitation

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
_SALT = "comuna.territory.invitation"
# what people mistype for a letter of the alphabet
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(text: str) -> str:
    """The code as issued, from what a person typed (any case, spaces, dashes, lookalikes)."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_LOOKALIKES)
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == CODE_LENGTH else raw


def new_token() -> tuple[str, str]:
    """A secret for an e-mail link, and the link's token: the secret signed with the time."""
    secret = secrets.token_urlsafe(24)
    return secret, signing.dumps(secret, salt=_SALT)


def secret_hash(secret: str) -> str:
    return salted_hmac(_SALT, secret, algorithm="sha256").hexdigest()


def expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.INVITATION_DAYS)


def _live(secret: str) -> Invitation | None:
    invitation = (
        Invitation.objects.filter(secret_hash=secret_hash(secret))
        .select_related("resident__body")
        .first()
    )
    if invitation is None or invitation.is_expired():
        return None
    return invitation


def find_by_code(code: str) -> Invitation | None:
    """The live invitation of a printed code, or None (unknown, used, revoked or expired)."""
    normalised = normalise_code(code)
    if len(normalised) != CODE_LENGTH + 1:
        return None
    return _live(normalised)


def find_by_token(token: str) -> Invitation | None:
    """The live invitation of an e-mail link's token, or None (forged, old, used or revoked)."""
    try:
        secret = signing.loads(token, salt=_SALT, max_age=timedelta(days=settings.INVITATION_DAYS))
    except signing.BadSignature:
        return None
    return _live(secret) if isinstance(secret, str) else None


def send_email(invitation: Invitation, token: str, address: str, language: str, url: str) -> None:
    """Mail the link ``url`` + token to ``address``, written in ``language``, with the body's
    ledger head at sending time (the shared witness snippet)."""
    parts = urlsplit(url)
    context = {
        "body": invitation.resident.body,
        "resident": invitation.resident,
        "link": f"{url}{token}/",
        "expires_at": invitation.expires_at,
        "origin": f"{parts.scheme}://{parts.netloc}" if parts.netloc else "",
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("Your invitation to %(body)s on Comuna") % {"body": context["body"]}
        text = render_to_string("territory/invitation_email.txt", context)
    send_mail(subject, text, None, [address])


def check_invitation_entry(entry) -> str | None:
    """An invitation entry names a resident by id only, and how the invitation went out."""
    data = entry.data if isinstance(entry.data, dict) else {}
    if not isinstance(data.get("resident"), int):
        return _("it names no resident")
    if entry.kind == "census.invited" and data.get("delivery") not in Delivery.values:
        return _("it names no way the invitation was sent")
    return None
