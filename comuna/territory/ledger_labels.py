"""A body's chain is labelled by the body's short name in what `comuna ledger` prints."""

from __future__ import annotations

from comuna.territory.models import Body


class BodyChains:
    def labels(self) -> dict[str, str]:
        bodies = Body.objects.order_by("slug").only("pk", "slug")
        return {body.ledger_chain: body.slug for body in bodies}

    def find(self, label: str) -> str | None:
        body = Body.objects.filter(slug=label).only("pk").first()
        return body.ledger_chain if body else None
