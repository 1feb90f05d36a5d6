"""Election profiles shaped for speed: integer-indexed numpy arrays plus counts.

A profile stores each *distinct* ballot once, with how many voters cast it, so memory is
linear in the number of ballots (and usually far smaller: real electorates repeat ballots).
Candidates are referred to by their index in ``candidates`` everywhere inside the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

# Float64 sums of integer counts are exact below 2**53; rules that use np.bincount with count
# weights rely on this bound, checked once here when the profile is built.
MAX_VOTERS = 2**53


def _candidate_list(candidates: Iterable[str]) -> tuple[str, ...]:
    names = tuple(str(c) for c in candidates)
    if not names:
        raise ValueError("an election needs at least one candidate")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"candidate {name!r} is listed twice")
        seen.add(name)
    return names


def _counts_array(counts: Sequence[int] | np.ndarray | None, n: int) -> np.ndarray:
    if counts is None:
        return np.ones(n, dtype=np.int64)
    arr = np.asarray(counts)
    if arr.shape != (n,):
        raise ValueError(f"counts has shape {arr.shape}, expected ({n},): one count per ballot")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        as_int = arr.astype(np.int64)
        if not np.array_equal(as_int, arr):
            raise ValueError("counts must be whole numbers")
        arr = as_int
    arr = arr.astype(np.int64, copy=False)
    if arr.size and arr.min() < 0:
        raise ValueError(f"ballot {int(np.argmin(arr))} has a negative count")
    return arr


def _merge_rows(
    rows: np.ndarray, counts: np.ndarray, lo: int, base: int
) -> tuple[np.ndarray, np.ndarray]:
    """Merge identical rows (summing their counts); rows come back sorted, counts int64.

    Every value lies in ``lo .. lo + base - 1``; when a whole row fits in one 63-bit integer
    key we sort keys (one fast pass) instead of rows (np.unique(axis=0) is much slower).
    """
    keep = counts > 0
    if not keep.all():
        rows, counts = rows[keep], counts[keep]
    if rows.shape[0] == 0:
        return rows, counts
    width = rows.shape[1]
    if base**width < 2**63:
        key = np.zeros(rows.shape[0], dtype=np.int64)
        for k in range(width):
            key *= base
            key += rows[:, k].astype(np.int64) - lo
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        first = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
        merged = rows[order[first]]
        merged_counts = np.add.reduceat(counts[order], first)
    else:
        merged, inverse = np.unique(rows, axis=0, return_inverse=True)
        merged_counts = np.zeros(merged.shape[0], dtype=np.int64)
        np.add.at(merged_counts, inverse.ravel(), counts)
    return merged, merged_counts.astype(np.int64, copy=False)


def _index_dtype(m: int) -> type:
    if m <= np.iinfo(np.int8).max:
        return np.int8
    if m <= np.iinfo(np.int16).max:
        return np.int16
    return np.int32


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr.flags.writeable = False
    return arr


class RankedProfile:
    """Ranked ballots: ``rankings[i]`` lists candidate indices best first, padded with -1.

    A truncated ballot ranks only some candidates (the rest are below all ranked ones, tied);
    a blank ballot ranks none and is kept so turnout stays visible, but no rule counts it.
    Identical ballots are merged: ``counts[i]`` voters cast ``rankings[i]``.
    """

    __slots__ = ("candidates", "rankings", "counts")

    def __init__(
        self,
        candidates: Iterable[str],
        rankings: np.ndarray | Sequence[Sequence[int]],
        counts: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        self.candidates = _candidate_list(candidates)
        m = len(self.candidates)
        arr = np.asarray(rankings)
        if arr.ndim == 1 and arr.size == 0:
            arr = np.zeros((0, 1), dtype=np.int64)
        if arr.ndim != 2:
            raise ValueError("rankings must be a 2-D array: one row per ballot")
        if arr.size and not np.issubdtype(arr.dtype, np.integer):
            raise ValueError("rankings must hold integer candidate indices (-1 for padding)")
        cnt = _counts_array(counts, arr.shape[0])
        if arr.shape[1] > m:
            if (arr[:, m:] != -1).any():
                raise ValueError(f"a ballot ranks more than the {m} candidates")
            arr = arr[:, :m]
        if arr.size:
            bad = (arr < -1) | (arr >= m)
            if bad.any():
                row = int(np.argmax(bad.any(axis=1)))
                raise ValueError(f"ballot {row} names candidate index outside 0..{m - 1}")
            gap = (arr[:, 1:] >= 0) & (arr[:, :-1] < 0)
            if gap.any():
                row = int(np.argmax(gap.any(axis=1)))
                raise ValueError(f"ballot {row} has a gap: -1 padding must come last")
            srt = np.sort(arr, axis=1)
            dup = (srt[:, 1:] == srt[:, :-1]) & (srt[:, 1:] >= 0)
            if dup.any():
                row = int(np.argmax(dup.any(axis=1)))
                raise ValueError(f"ballot {row} ranks the same candidate twice")
        if int(cnt.sum()) >= MAX_VOTERS:
            raise ValueError("more than 2**53 ballots")
        # Drop padding columns no ballot uses; keep at least one so shapes stay 2-D.
        used = int((arr >= 0).sum(axis=1).max()) if arr.size else 0
        arr = arr[:, : max(used, 1)].astype(_index_dtype(m))
        if arr.shape[1] == 0:
            arr = np.full((arr.shape[0], 1), -1, dtype=_index_dtype(m))
        merged, merged_counts = _merge_rows(arr, cnt, -1, m + 1)
        self.rankings = _frozen(np.ascontiguousarray(merged))
        self.counts = _frozen(merged_counts)

    @classmethod
    def from_ballots(
        cls,
        candidates: Iterable[str],
        ballots: Iterable[Sequence[str]],
        counts: Sequence[int] | None = None,
    ) -> RankedProfile:
        """Build from ballots written as lists of candidate names, best first."""
        names = _candidate_list(candidates)
        index = {c: i for i, c in enumerate(names)}
        rows: list[list[int]] = []
        for b, ballot in enumerate(ballots):
            row = []
            for name in ballot:
                if name not in index:
                    raise ValueError(f"ballot {b} names unknown candidate {name!r}")
                row.append(index[name])
            rows.append(row)
        width = max((len(r) for r in rows), default=1) or 1
        arr = np.full((len(rows), width), -1, dtype=np.int64)
        for b, row in enumerate(rows):
            arr[b, : len(row)] = row
        return cls(names, arr, counts)

    @property
    def n_voters(self) -> int:
        return int(self.counts.sum())

    @property
    def n_valid(self) -> int:
        """Voters whose ballot ranks at least one candidate."""
        return int(self.counts[self.rankings[:, 0] >= 0].sum())

    def ballots(self) -> list[tuple[tuple[str, ...], int]]:
        """Each distinct ballot as candidate names (best first) with its count."""
        out = []
        for row, c in zip(self.rankings.tolist(), self.counts.tolist(), strict=True):
            out.append((tuple(self.candidates[i] for i in row if i >= 0), c))
        return out

    def __eq__(self, other: object) -> bool:
        # Equal as elections: same candidates and the same multiset of ballots.
        if not isinstance(other, RankedProfile):
            return NotImplemented
        return self.candidates == other.candidates and sorted(self.ballots()) == sorted(
            other.ballots()
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"RankedProfile({len(self.candidates)} candidates, {self.n_voters} voters, "
            f"{len(self.counts)} distinct ballots)"
        )


class ApprovalProfile:
    """Approval ballots: ``approvals[i, j]`` is True when ballot ``i`` approves candidate ``j``.

    Identical ballots are merged: ``counts[i]`` voters cast row ``i``.
    """

    __slots__ = ("candidates", "approvals", "counts")

    def __init__(
        self,
        candidates: Iterable[str],
        approvals: np.ndarray | Sequence[Sequence[bool]],
        counts: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        self.candidates = _candidate_list(candidates)
        m = len(self.candidates)
        arr = np.asarray(approvals, dtype=bool)
        if arr.ndim == 1 and arr.size == 0:
            arr = np.zeros((0, m), dtype=bool)
        if arr.ndim != 2 or arr.shape[1] != m:
            raise ValueError(f"approvals must be a (ballots, {m}) boolean matrix")
        cnt = _counts_array(counts, arr.shape[0])
        if int(cnt.sum()) >= MAX_VOTERS:
            raise ValueError("more than 2**53 ballots")
        merged, merged_counts = _merge_rows(arr.view(np.uint8), cnt, 0, 2)
        self.approvals = _frozen(np.ascontiguousarray(merged.view(bool)))
        self.counts = _frozen(merged_counts)

    @classmethod
    def from_ballots(
        cls,
        candidates: Iterable[str],
        ballots: Iterable[Iterable[str]],
        counts: Sequence[int] | None = None,
    ) -> ApprovalProfile:
        """Build from ballots written as collections of approved candidate names."""
        names = _candidate_list(candidates)
        index = {c: i for i, c in enumerate(names)}
        listed = [list(b) for b in ballots]
        arr = np.zeros((len(listed), len(names)), dtype=bool)
        for b, ballot in enumerate(listed):
            for name in ballot:
                if name not in index:
                    raise ValueError(f"ballot {b} names unknown candidate {name!r}")
                arr[b, index[name]] = True
        return cls(names, arr, counts)

    @classmethod
    def from_csr(
        cls,
        candidates: Iterable[str],
        indptr: np.ndarray,
        indices: np.ndarray,
        counts: Sequence[int] | np.ndarray | None = None,
    ) -> ApprovalProfile:
        """Build from compressed rows: ballot ``i`` approves ``indices[indptr[i]:indptr[i+1]]``."""
        names = _candidate_list(candidates)
        indptr = np.asarray(indptr, dtype=np.int64)
        indices = np.asarray(indices, dtype=np.int64)
        n = len(indptr) - 1
        if indices.size and (indices.min() < 0 or indices.max() >= len(names)):
            raise ValueError(f"an approval names candidate index outside 0..{len(names) - 1}")
        arr = np.zeros((n, len(names)), dtype=bool)
        rows = np.repeat(np.arange(n), np.diff(indptr))
        arr[rows, indices] = True
        return cls(names, arr, counts)

    @property
    def n_voters(self) -> int:
        return int(self.counts.sum())

    def ballots(self) -> list[tuple[frozenset[str], int]]:
        out = []
        for row, c in zip(self.approvals.tolist(), self.counts.tolist(), strict=True):
            out.append((frozenset(n for n, a in zip(self.candidates, row, strict=True) if a), c))
        return out

    def __repr__(self) -> str:
        return (
            f"ApprovalProfile({len(self.candidates)} candidates, {self.n_voters} voters, "
            f"{len(self.counts)} distinct ballots)"
        )
