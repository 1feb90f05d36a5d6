"""What an election rule returns: the winners in order, and the count round by round."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from comuna.choice.messages import Msg, Words, exact
from comuna.choice.sentences import render

Votes = int | Fraction


def _jsonable(v: Any) -> Any:
    if isinstance(v, Fraction):
        return int(v) if v.denominator == 1 else str(v)
    if isinstance(v, Msg):
        return v.to_dict()
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
    ``exhausted`` is the running total of votes that left the count. ``says`` is what
    happened, as messages (``comuna.choice.messages``).
    """

    number: int
    tallies: dict[str, Votes]
    elected: list[str] = field(default_factory=list)
    eliminated: list[str] = field(default_factory=list)
    transferred_from: str | None = None
    transfers: dict[str, Votes] = field(default_factory=dict)
    exhausted: Votes = 0
    says: list[Msg] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """What happened, in English."""
        return " ".join(render(m) for m in self.says)

    def tally_msg(self) -> Msg:
        """The round's tallies as a message (``election.round``)."""
        return Msg(
            "election.round",
            {
                "round": self.number,
                "tallies": {c: exact(v) for c, v in self.tallies.items()},
                "exhausted": exact(self.exhausted),
            },
        )


def transfer_msg(source: str, moved: Mapping[str, Votes], exhausted: Votes) -> Msg:
    """Where the ballots of ``source`` went: ``moved`` per candidate, ``exhausted`` nowhere."""
    return Msg(
        "election.transferred",
        {
            "candidate": source,
            "to": [[c, exact(v)] for c, v in moved.items()],
            "exhausted": exact(exhausted),
        },
    )


@dataclass
class ElectionResult:
    """Winners in the order they were elected (or ranked), with the whole count behind them.

    ``tie_breaks`` lists, as messages, every place where a tie had to be broken and how.
    ``tables`` holds rule-specific matrices (Schulze: ``pairwise`` and ``strongest_paths``,
    indexed like ``candidates``). ``counts_votes`` is False when the rounds' tallies are not
    votes (Schulze's hold the number of rivals each candidate beats).
    """

    rule: str
    candidates: list[str]
    seats: int
    winners: list[str]
    rounds: list[Round] = field(default_factory=list)
    quota: Votes | None = None
    tie_breaks: list[Msg] = field(default_factory=list)
    tables: dict[str, list[list[int]]] = field(default_factory=dict)
    counts_votes: bool = True

    def messages(self) -> list[Msg]:
        """The whole count as messages: the quota, each round's tallies and events, the ties."""
        out: list[Msg] = []
        if self.quota is not None:
            out.append(Msg("election.quota", {"quota": exact(self.quota), "seats": self.seats}))
        for r in self.rounds:
            if self.counts_votes and r.tallies:
                out.append(r.tally_msg())
            out.extend(r.says)
        out.extend(self.tie_breaks)
        return out

    def summary(self, words: Words | None = None) -> str:
        """The whole count in words, one line per message (English by default)."""
        head = Msg(
            "election.summary", {"rule": self.rule, "seats": self.seats, "winners": self.winners}
        )
        return "\n".join(render(m, words) for m in [head, *self.messages()])

    def says(self, candidate: str) -> list[Msg]:
        """Why ``candidate`` was or was not elected: a head message, then the messages about
        it, or, when there are none, its votes in the final round."""
        if candidate not in self.candidates:
            raise KeyError(f"unknown candidate {candidate!r}")
        if candidate in self.winners:
            place = self.winners.index(candidate) + 1
            head = Msg(
                "election.head.elected", {"candidate": candidate, "rule": self.rule, "place": place}
            )
        else:
            head = Msg("election.head.not_elected", {"candidate": candidate, "rule": self.rule})
        said = [m for r in self.rounds for m in r.says if candidate in m.subjects()]
        said += [t for t in self.tie_breaks if candidate in t.subjects()]
        if not said and self.rounds and self.counts_votes:
            votes = self.rounds[-1].tallies.get(candidate)
            if votes is not None:
                said.append(Msg("election.final", {"candidate": candidate, "votes": exact(votes)}))
        return [head, *said]

    def explain(self, candidate: str, words: Words | None = None) -> str:
        """Why ``candidate`` was or was not elected, in words (English by default)."""
        return " ".join(render(m, words) for m in self.says(candidate))

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
