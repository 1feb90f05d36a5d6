"""Assembly pages: the convening part. Thin views over comuna.assemblies.convening; their URLs are in
``urlpatterns`` (included by comuna/web/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
