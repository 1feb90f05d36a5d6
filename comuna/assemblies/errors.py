"""The one exception the assembly services raise: a refusal with a message for the person."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class AssemblyError(ValidationError):
    """A refused change, saying what and where (a message, or ``{field: [messages]}`` so a
    form can show each under its field). Nothing was changed."""
