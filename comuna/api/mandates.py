"""[part: api of issue 12's mandates]: seats, elections, recalls, spokespersons; see
/work/prompts."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["mandates"])
