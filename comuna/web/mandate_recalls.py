"""[part: recalls of issue 12's mandates] — pages; see /work/prompts."""

from __future__ import annotations

urlpatterns: list = []


def spokesperson_panel(request, body, mandate) -> dict:
    """What the recall part adds to a spokesperson's page (mandate_accounting merges it): any
    open recall with its deadlines."""
    return {}
