"""[part: elections of issue 12's mandates] — pages; see /work/prompts."""

from __future__ import annotations

urlpatterns: list = []
