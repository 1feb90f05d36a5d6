"""Issue 14 (being built): pages of cycle_execution."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
