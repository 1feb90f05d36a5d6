"""Who acts: every change names its acting user, or an explicit system actor.

Services take ``by``: a logged-in user, or one of the :class:`SystemActor` constants for what no
person does (loading the demo, a data migration, a command run by the host's operator). The
ledger records ``user:<pk>`` or ``system:<name>``; nothing is ever recorded with no actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SystemActor:
    name: str

    @property
    def label(self) -> str:
        return f"system:{self.name}"


DEMO = SystemActor("demo")
MIGRATION = SystemActor("migration")
OPERATOR = SystemActor("operator")  # the host's operator, through the `comuna` command


class MissingActor(ValueError):
    """A change was attempted with no acting user and no system actor."""


def actor_label(by: Any) -> str:
    """The ledger's name for ``by``; refuses a change with nobody acting."""
    if isinstance(by, SystemActor):
        return by.label
    if by is None or not getattr(by, "is_authenticated", False) or not getattr(by, "pk", None):
        raise MissingActor(
            f"a change needs an acting user (or a SystemActor such as actors.DEMO); got {by!r}"
        )
    return f"user:{by.pk}"


def acting_user(by: Any) -> Any:
    """The user to store in a ``created_by``-style column: None for a system actor."""
    actor_label(by)
    return None if isinstance(by, SystemActor) else by
