"""Pages of issue 13's communal cycle (cycle_projects). Thin views over comuna.cycles."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
