"""Issue 14 (being built): API of comptroller."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cycle"])
