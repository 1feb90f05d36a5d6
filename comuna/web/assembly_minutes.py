"""Assembly pages: the minutes part. Thin views over comuna.assemblies.minutes; their URLs are in
``urlpatterns`` (included by comuna/web/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []


def panel(request, body, assembly) -> dict:
    """What web/assemblies/_minutes.html needs on the assembly's page (the detail view of
    assembly_convening merges every part's panel into its context)."""
    return {}
