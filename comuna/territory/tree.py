"""The whole federation as a tree, read in one query: what a visitor sees first."""

from __future__ import annotations

from dataclasses import dataclass, field

from comuna.territory.models import Body


@dataclass
class Node:
    body: Body
    children: list[Node] = field(default_factory=list)


def federation() -> list[Node]:
    """Every body under its parent, roots first, siblings by name."""
    nodes = {b.pk: Node(b) for b in Body.objects.only("name", "slug", "kind", "parent_id")}
    roots = []
    for node in nodes.values():  # the queryset's order (by name) is kept among siblings
        parent = nodes.get(node.body.parent_id) if node.body.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots
