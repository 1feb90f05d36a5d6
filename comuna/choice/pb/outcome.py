"""What a rule returns: the selected projects and the reasons, step by step."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


@dataclass
class Step:
    """One event of a rule's run, in the order it happened.

    ``action`` is "selected" or "skipped" (or a rule-specific word such as "eliminated",
    "budget-raised"); ``reason`` is a plain sentence; ``data`` holds the figures behind it
    (votes, price per voter rho, who paid what, remaining budget), JSON-serialisable.
    """

    action: str
    project: str | None
    reason: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    rule: str
    selected: list[str]  # project ids, in the order the rule selected them
    cost: Fraction
    steps: list[Step] = field(default_factory=list)

    def explain(self, project_id: str) -> str:
        """Why ``project_id`` was or was not selected, in words."""
        said = [s.reason for s in self.steps if s.project == project_id]
        if project_id in self.selected:
            head = f"Project {project_id} was selected by {self.rule}."
        else:
            head = f"Project {project_id} was not selected by {self.rule}."
        return " ".join([head, *said]) if said else head
