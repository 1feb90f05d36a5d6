"""[part: results of issue 12's mandates] — pages; see /work/prompts."""

from __future__ import annotations

urlpatterns: list = []


def panel(request, body, election) -> dict:
    """What the results part adds to the election's page (mandate_elections merges it)."""
    return {}
