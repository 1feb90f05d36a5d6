"""``{% ledger_witness body %}`` (pages) and ``{% ledger_witness_text body origin %}`` (e-mails):
the body's chain head, where people keep it.

One snippet for every place a head is witnessed: the voter's receipt, the invitation e-mail,
and the assemblies' notices and sealed minutes to come. Whoever keeps the hash can later prove
the body's record was not rewritten since (``comuna ledger verify --witness``). One query.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from comuna.ledger import head

register = template.Library()


def witnessed_head(body, origin: str = "") -> dict:
    """The head of ``body``'s chain (None before its first entry) and the address of its
    signed head; ``origin`` (``https://host``) makes the address absolute, for e-mails."""
    return {
        "body": body,
        "head": head(body.ledger_chain),
        "url": origin.rstrip("/") + reverse("ledger-head", args=[body.slug]),
    }


@register.inclusion_tag("territory/_witness.html")
def ledger_witness(body) -> dict:
    return witnessed_head(body)


@register.inclusion_tag("territory/_witness.txt")
def ledger_witness_text(body, origin: str) -> dict:
    return witnessed_head(body, origin)
