"""API of issue 13's communal cycle (cycles)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cycle"])
