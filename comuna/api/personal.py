"""The endpoints for a logged-in user (a session, or a personal access token)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["personal"])
