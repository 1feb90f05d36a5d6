"""The public endpoints: what the web pages publish to anyone, logged in or not."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["public"])
