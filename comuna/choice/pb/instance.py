"""The in-memory shape of a participatory-budgeting election.

Ballots are stored in compressed-row form (one row per voter, in file order) so that rules
can work on whole numpy arrays instead of looping over voters in Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy as np

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
POINT_TYPES = ("cumulative", "scoring")  # ballots that give each project points


class PBError(ValueError):
    """A problem in an election's data, located as precisely as we can (file, line, field)."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None, field: str = ""):
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Project:
    id: str
    cost: Fraction
    name: str = ""
    # every other PROJECTS column, raw text, kept for writing the file back
    fields: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(eq=False)
class PBInstance:
    """A PB election: META, projects and ballots.

    ``indices[indptr[v]:indptr[v+1]]`` are the project indices on voter ``v``'s ballot, in the
    order the ballot lists them (for ordinal ballots: best first); ``points`` holds the points
    of each entry (1 for approval and choose-1 ballots; the points given for cumulative and
    scoring ballots; for ordinal ballots, 1 as well, the order carrying the ranking).
    """

    meta: dict[str, str]
    projects: list[Project]
    vote_type: str
    voter_ids: list[str]
    indptr: np.ndarray  # int64, len n_voters + 1
    indices: np.ndarray  # int32
    points: np.ndarray  # int64
    project_columns: list[str] = field(default_factory=lambda: ["project_id", "cost"])
    vote_columns: list[str] = field(default_factory=lambda: ["voter_id", "vote"])
    # other VOTES columns per voter, raw text, kept for writing the file back
    voter_fields: list[dict[str, str]] | None = None

    @property
    def n_projects(self) -> int:
        return len(self.projects)

    @property
    def n_voters(self) -> int:
        return len(self.voter_ids)

    @cached_property
    def budget(self) -> Fraction:
        return Fraction(self.meta["budget"])

    @cached_property
    def project_index(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.projects)}

    @cached_property
    def scale(self) -> int:
        """Smallest integer that makes every cost and the budget whole."""
        scale = self.budget.denominator
        for p in self.projects:
            scale = math.lcm(scale, p.cost.denominator)
        return scale

    @cached_property
    def int_costs(self) -> np.ndarray:
        """Costs times ``scale``, as int64."""
        return np.array([int(p.cost * self.scale) for p in self.projects], dtype=np.int64)

    @cached_property
    def int_budget(self) -> int:
        """Budget times ``scale``."""
        return int(self.budget * self.scale)

    def ballot(self, voter: int) -> list[tuple[str, int]]:
        """(project id, points) pairs of one voter's ballot, in ballot order."""
        lo, hi = int(self.indptr[voter]), int(self.indptr[voter + 1])
        return [
            (self.projects[int(j)].id, int(p))
            for j, p in zip(self.indices[lo:hi], self.points[lo:hi], strict=True)
        ]

    def meta_int(self, key: str) -> int | None:
        """An integer META setting (written as ``3``, ``3.0`` or ``3,0``), or None when absent
        or empty."""
        raw = self.meta.get(key, "").strip()
        if not raw:
            return None
        return int(Fraction(raw.replace(",", ".")))


def supporters(inst: PBInstance) -> np.ndarray:
    """How many ballots list each project, whatever points or rank they give it (int64)."""
    return np.bincount(inst.indices, minlength=inst.n_projects).astype(np.int64)
