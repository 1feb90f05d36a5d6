"""Texts a service writes itself (an agenda item, a motion, a reason in the ledger) are the
body's, not their reader's: they are stored in the site's language, whatever language the
request that caused them was in."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def site_language(message) -> str:
    """``message`` (a lazy text, or anything ``str`` takes) said in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)
