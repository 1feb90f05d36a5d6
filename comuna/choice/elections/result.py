"""What an election rule returns: the winners in order, and the count round by round."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

Votes = int | Fraction


def fmt_votes(v: Votes) -> str:
    """Votes in words: whole numbers as they are, fractions exactly and with 4 decimals."""
    if isinstance(v, int) or v.denominator == 1:
        return str(int(v))
    return f"{v} (~{float(v):.4f})"


def _jsonable(v: Any) -> Any:
    if isinstance(v, Fraction):
        return int(v) if v.denominator == 1 else str(v)
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return v


@dataclass
class Round:
    """One count: the tallies at its start, who was elected or eliminated, and the transfers.

    ``tallies`` holds the votes of every candidate still in the count (continuing, or elected
    with a surplus not yet transferred). ``transfers`` maps each candidate that received
    votes (and ``"exhausted"`` for ballots with no further preference) to the votes moved.
    ``exhausted`` is the running total of votes that left the count.
    """

    number: int
    tallies: dict[str, Votes]
    elected: list[str] = field(default_factory=list)
    eliminated: list[str] = field(default_factory=list)
    transferred_from: str | None = None
    transfers: dict[str, Votes] = field(default_factory=dict)
    exhausted: Votes = 0
    reason: str = ""


@dataclass
class ElectionResult:
    """Winners in the order they were elected (or ranked), with the whole count behind them.

    ``tie_breaks`` lists, in words, every place where a tie had to be broken and how.
    ``tables`` holds rule-specific matrices (Schulze: ``pairwise`` and ``strongest_paths``,
    indexed like ``candidates``).
    """

    rule: str
    candidates: list[str]
    seats: int
    winners: list[str]
    rounds: list[Round] = field(default_factory=list)
    quota: Votes | None = None
    tie_breaks: list[str] = field(default_factory=list)
    tables: dict[str, list[list[int]]] = field(default_factory=dict)

    def summary(self) -> str:
        """The whole count in words, one line per round."""
        lines = [f"{self.rule}: {self.seats} seat(s), winners: {', '.join(self.winners) or '-'}"]
        if self.quota is not None:
            lines.append(f"Quota: {fmt_votes(self.quota)} votes.")
        for r in self.rounds:
            tallies = ", ".join(f"{c} {fmt_votes(v)}" for c, v in r.tallies.items())
            lines.append(f"Round {r.number}: {tallies}. {r.reason}".rstrip())
        lines.extend(f"Tie: {t}" for t in self.tie_breaks)
        return "\n".join(lines)

    def explain(self, candidate: str) -> str:
        """Why ``candidate`` was or was not elected, in words."""
        if candidate not in self.candidates:
            raise KeyError(f"unknown candidate {candidate!r}")
        if candidate in self.winners:
            head = f"{candidate} was elected by {self.rule} (place {self.winners.index(candidate) + 1})."
        else:
            head = f"{candidate} was not elected by {self.rule}."
        said = [
            f"Round {r.number}: {r.reason}"
            for r in self.rounds
            if candidate in r.elected
            or candidate in r.eliminated
            or r.transferred_from == candidate
        ]
        said += [t for t in self.tie_breaks if candidate in t]
        if not said and self.rounds:
            last = self.rounds[-1]
            votes = last.tallies.get(candidate)
            if votes is not None:
                said.append(f"In the final round it had {fmt_votes(votes)} votes. {last.reason}")
        return " ".join([head, *said])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable record (fractions as "p/q" strings) for publishing the count."""
        record: dict[str, Any] = _jsonable(
            {
                "rule": self.rule,
                "candidates": self.candidates,
                "seats": self.seats,
                "winners": self.winners,
                "quota": self.quota,
                "rounds": [r.__dict__ for r in self.rounds],
                "tie_breaks": self.tie_breaks,
                "tables": self.tables,
            }
        )
        return record
