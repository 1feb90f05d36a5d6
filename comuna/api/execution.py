"""Issue 14 (being built): API of execution."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cycle"])
