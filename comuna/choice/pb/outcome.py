"""What a rule returns: the selected projects and the reasons, step by step."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from comuna.choice.messages import Msg, Words
from comuna.choice.sentences import render


@dataclass
class Step:
    """One event of a rule's run, in the order it happened.

    ``action`` is "selected" or "skipped" (or a rule-specific word such as "dropped",
    "budget", "budget-raised"); ``msg`` says why, as data (``comuna.choice.messages``), with
    ``msg.params["project"]`` the project it is about; ``data`` holds the figures behind it
    (votes, price per voter rho, who paid what, remaining budget), JSON-serialisable.
    """

    action: str
    project: str | None
    msg: Msg
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """The message in English."""
        return render(self.msg)


@dataclass
class Outcome:
    rule: str
    selected: list[str]  # project ids, in the order the rule selected them
    cost: Fraction
    steps: list[Step] = field(default_factory=list)

    def says(self, project_id: str) -> list[Msg]:
        """Why ``project_id`` was or was not selected: a head message, then its steps'."""
        won = project_id in self.selected
        head = Msg(
            "pb.head.selected" if won else "pb.head.not_selected",
            {"project": project_id, "rule": self.rule},
        )
        return [head, *(s.msg for s in self.steps if s.project == project_id)]

    def explain(self, project_id: str, words: Words | None = None) -> str:
        """Why ``project_id`` was or was not selected, in words (English by default)."""
        return " ".join(render(m, words) for m in self.says(project_id))
