"""API of issue 13's communal cycle (cycle_projects)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cycle"])
