"""Reading and writing Pabulib ``.pb`` files (the format of pabulib.org/format).

A file has three sections, in this order, each a line with its name and then ``;``-separated
rows whose first row names the columns::

    META                      key;value rows: budget, vote_type, max_length, ...
    PROJECTS                  project_id;cost;... one row per project
    VOTES                     voter_id;vote;... one row per voter (points for cumulative/scoring)

Reading is tolerant of what real files contain: CRLF or LF, a UTF-8 BOM, blank lines, quoted
fields holding ``;``, quotes or line breaks, surrounding spaces (stripped, as pabutools does),
extra META keys and columns (kept, and written back), numbers written ``1.0``, decimal budgets
and costs (kept exact as ``Fraction``; a decimal comma is accepted in costs and the budget).

It is strict on real errors, each a ``PBError`` naming file, line (1-based) and field: a
missing section, header, column or META key (``budget``, ``vote_type``); a row with the wrong
number of fields; a duplicate project, voter id or META key; a cost that is negative or not a
number; an unknown vote type; a vote naming an unknown project; points that are not whole
numbers or whose count differs from the vote's; ``num_projects`` / ``num_votes`` differing
from what the file holds (that is how a truncated file shows).

Ballot constraints are a separate, policy-driven check (see ``ballot_problems``): a ballot
breaking META ``min_length``/``max_length``, ``min_sum_cost``/``max_sum_cost``,
``min_points``/``max_points``, ``min_sum_points``/``max_sum_points``, a choose-1 ballot with
more than one project, a ballot listing a project twice, or a project outside
``min_project_cost``/``max_project_cost``. With ``strict=True`` (the default) the first such
ballot is an error. With ``strict=False`` the ballots are counted as cast, except that a
project listed twice on an approval, choose-1 or ordinal ballot counts once (its first place),
which is what pabutools does; ``read_checked`` returns the problems found. In the shared
corpus of 1,085 real files, 31 break their own constraints this way (so ``strict=True`` refuses
them): 15 Warszawa 2017/2018 files have ballots over ``max_sum_cost`` (which equals the budget
there); 14 files have approval ballots naming a project twice (13 Warszawa 2022/2026 files and
a Stanford Seattle 2019 one); Mechanical Turk ``Utilities_3`` has ballots under
``min_sum_points``; Amsterdam 212 has a project under ``min_project_cost``. Per-category
constraints (``max_length_per_category`` and the like, one file each) are kept in META but not
checked.

Writing (``dumps``/``write``) produces a file that reads back to an identical instance: same
META (``num_projects``/``num_votes``, when present, set to the true counts), projects, ballots
and extra columns. Costs are written as exact decimals (or ``n/d`` when no finite decimal
exists, which this reader also accepts).
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from itertools import compress, repeat
from pathlib import Path

import numpy as np

from comuna.choice.pb.instance import VOTE_TYPES, PBError, PBInstance, Project

SECTIONS = ("meta", "projects", "votes")
REQUIRED_META = ("budget", "vote_type")
POINT_TYPES = ("cumulative", "scoring")
# META keys holding numbers, checked for being numbers when present and non-empty
NUMERIC_META = (
    "num_projects",
    "num_votes",
    "min_length",
    "max_length",
    "min_sum_cost",
    "max_sum_cost",
    "min_points",
    "max_points",
    "min_sum_points",
    "max_sum_points",
    "min_project_cost",
    "max_project_cost",
)

_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_RATIO = re.compile(r"[+-]?\d+/\d+")
# a field with blanks around it: after or before a ";", or at a line's start or end
_PADDED = re.compile(r"[ \t](?:;|$)|(?:^|;)[ \t]", re.M)


def read(path: str | Path, *, strict: bool = True) -> PBInstance:
    """The election in the .pb file at ``path``.

    ``strict=False`` accepts ballots that break the file's own constraints (see the module
    docstring); structural errors are always raised.
    """
    inst, problems = read_checked(path)
    if strict and problems:
        raise problems[0]
    return inst


def parse(text: str, path: str = "<input>", *, strict: bool = True) -> PBInstance:
    """The election in ``text``, the content of a .pb file; ``path`` names it in errors."""
    inst, problems = parse_checked(text, path)
    if strict and problems:
        raise problems[0]
    return inst


def read_checked(path: str | Path) -> tuple[PBInstance, list[PBError]]:
    """The election (read leniently) and the ballot-constraint problems found, first line first."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise PBError("no such file", path=name) from None
    except IsADirectoryError:
        raise PBError("is a directory, not a .pb file", path=name) from None
    except OSError as e:
        raise PBError(f"cannot read the file ({e.strerror})", path=name) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise PBError(
            f"not UTF-8 text (byte {data[e.start]:#04x})", path=name, line=line, field="encoding"
        ) from None
    return parse_checked(text, name)


def parse_checked(text: str, path: str = "<input>") -> tuple[PBInstance, list[PBError]]:
    """Like ``read_checked``, for the content of a file."""
    # a big file makes ~100k small dicts and lists that all survive: the cyclic collector
    # would scan them again and again for nothing
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Parser(text, path).run()
    finally:
        if was_enabled:
            gc.enable()


def ballot_problems(inst: PBInstance, path: str = "") -> list[PBError]:
    """Ballots (and projects) breaking the instance's own META constraints.

    One ``PBError`` per broken constraint, naming how many ballots break it and the first
    one; lines are not known here (use ``read_checked`` for those).
    """
    return _constraint_problems(inst, path, lines=None)


# ----------------------------------------------------------------------------- reading


def _number(raw: str) -> Fraction | None:
    """An exact decimal (``12``, ``1.0``, ``1,5``, ``.5``) or ratio (``1/3``); None if neither."""
    s = raw.strip()
    if _NUMBER.fullmatch(s):
        return Fraction(s.replace(",", "."))
    if _RATIO.fullmatch(s):
        num, den = s.split("/")
        if int(den) == 0:
            return None
        return Fraction(int(num), int(den))
    return None


@dataclass
class _Section:
    name: str
    line: int  # 0-based index of the section's title line
    end: int  # 0-based index one past its last line


class _Parser:
    def __init__(self, text: str, path: str):
        self.path = path
        # csv line breaks inside quoted fields are kept as "\n"; lone CRs (old Mac) become LFs
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if text.startswith("\ufeff"):
            text = text[1:]
        self.text = text
        self.lines = text.split("\n")

    def error(self, message: str, line0: int | None = None, field: str = "") -> PBError:
        return PBError(
            message, path=self.path, line=None if line0 is None else line0 + 1, field=field
        )

    # -- structure

    def sections(self) -> dict[str, _Section]:
        found: dict[str, _Section] = {}
        order: list[_Section] = []
        for i, line in enumerate(self.lines):
            word = line.strip().rstrip(";").strip().lower()
            if word in SECTIONS:
                if word in found:
                    raise self.error(
                        f"second {word.upper()} section (the first is on line "
                        f"{found[word].line + 1})",
                        i,
                        word.upper(),
                    )
                expected = SECTIONS[len(order)]
                if word != expected:
                    raise self.error(
                        f"{word.upper()} section where {expected.upper()} was expected "
                        "(sections come in the order META, PROJECTS, VOTES)",
                        i,
                        word.upper(),
                    )
                if order:
                    order[-1].end = i
                sec = _Section(word, i, len(self.lines))
                found[word] = sec
                order.append(sec)
                if word == "votes":
                    break  # everything after VOTES is ballots
            elif not order and line.strip():
                raise self.error("expected the META section first", i, "META")
        last = len(self.lines) - 1
        for name in SECTIONS:
            if name not in found:
                raise self.error(f"missing {name.upper()} section", last, name.upper())
        return found

    def rows(self, start: int, end: int) -> Iterator[tuple[int, list[str]]]:
        """(0-based line, stripped fields) of the non-blank rows in lines [start, end)."""
        lines = self.lines
        i = start
        while i < end:
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            if '"' not in line:
                yield i, [f.strip() for f in line.split(";")]
                i += 1
                continue
            # a quoted field may hold ";" or run over several lines: let csv join them
            first = i
            feed = _LineFeed(lines, i, end)
            row = next(csv.reader(feed, delimiter=";"))
            i = feed.next_line
            yield first, [f.strip() for f in row]

    def header(self, sec: _Section) -> tuple[int, list[str], Iterator[tuple[int, list[str]]]]:
        it = self.rows(sec.line + 1, sec.end)
        for line0, cols in it:
            seen: dict[str, int] = {}
            for c in cols:
                if not c:
                    raise self.error("empty column name", line0, sec.name.upper())
                if c in seen:
                    raise self.error(f"column {c!r} appears twice", line0, c)
                seen[c] = 1
            return line0, cols, it
        raise self.error(f"the {sec.name.upper()} section has no header row", sec.line, "header")

    # -- sections

    def parse_meta(self, sec: _Section) -> tuple[dict[str, str], dict[str, int]]:
        _, _, it = self.header(sec)
        meta: dict[str, str] = {}
        where: dict[str, int] = {}
        for line0, row in it:
            if len(row) != 2:
                raise self.error(
                    f"META rows have 2 fields (key;value), this one has {len(row)}",
                    line0,
                    row[0] or "META",
                )
            key, value = row
            if not key:
                raise self.error("empty META key", line0, "META")
            if key in meta:
                raise self.error(
                    f"META key {key!r} appears twice (first on line {where[key] + 1})", line0, key
                )
            meta[key] = value
            where[key] = line0
        for key in REQUIRED_META:
            if key not in meta or not meta[key]:
                raise self.error(f"missing META key {key!r}", sec.line, key)
        if meta["vote_type"] not in VOTE_TYPES:
            raise self.error(
                f"unknown vote type {meta['vote_type']!r} (known: {', '.join(VOTE_TYPES)})",
                where["vote_type"],
                "vote_type",
            )
        budget = _number(meta["budget"])
        if budget is None or budget < 0:
            raise self.error(
                f"budget must be a non-negative number, not {meta['budget']!r}",
                where["budget"],
                "budget",
            )
        meta["budget"] = meta["budget"].replace(",", ".")  # so Fraction(meta["budget"]) works
        for key in NUMERIC_META:
            if meta.get(key) and _number(meta[key]) is None:
                raise self.error(f"not a number: {meta[key]!r}", where[key], key)
        for key in ("num_projects", "num_votes"):
            if meta.get(key) and _number(meta[key]).denominator != 1:  # type: ignore[union-attr]
                raise self.error(f"not a whole number: {meta[key]!r}", where[key], key)
        return meta, where

    def parse_projects(self, sec: _Section) -> tuple[list[Project], list[str], list[int]]:
        hline, cols, it = self.header(sec)
        for need in ("project_id", "cost"):
            if need not in cols:
                raise self.error(f"missing column {need!r}", hline, need)
        n_cols = len(cols)
        i_id, i_cost = cols.index("project_id"), cols.index("cost")
        i_name = cols.index("name") if "name" in cols else None
        others = [(i, c) for i, c in enumerate(cols) if c not in ("project_id", "cost", "name")]
        projects: list[Project] = []
        lines: list[int] = []
        seen: dict[str, int] = {}
        for line0, row in it:
            if len(row) != n_cols:
                raise self.error(
                    f"row has {len(row)} fields, the PROJECTS header has {n_cols}",
                    line0,
                    "PROJECTS",
                )
            pid = row[i_id]
            if not pid:
                raise self.error("empty project id", line0, "project_id")
            if "," in pid:
                raise self.error(
                    f"project id {pid!r} holds a comma, which separates ids in votes",
                    line0,
                    "project_id",
                )
            if pid in seen:
                raise self.error(
                    f"duplicate project id {pid!r} (first on line {seen[pid] + 1})",
                    line0,
                    "project_id",
                )
            seen[pid] = line0
            cost = _number(row[i_cost])
            if cost is None:
                raise self.error(f"cost is not a number: {row[i_cost]!r}", line0, "cost")
            if cost < 0:
                raise self.error(f"negative cost {row[i_cost]}", line0, "cost")
            name = row[i_name] if i_name is not None else ""
            projects.append(Project(pid, cost, name, {c: row[i] for i, c in others}))
            lines.append(line0)
        return projects, cols, lines

    def parse_votes(
        self, sec: _Section, meta: dict[str, str], projects: list[Project]
    ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, list[str], list | None, np.ndarray]:
        hline, cols, it = self.header(sec)
        vote_type = meta["vote_type"]
        for need in ("voter_id", "vote", *(("points",) if vote_type in POINT_TYPES else ())):
            if need not in cols:
                raise self.error(f"missing column {need!r}", hline, need)
        columns, row_lines = self._table(hline + 1, len(cols), it)
        n = len(row_lines)

        voter_ids = list(columns[cols.index("voter_id")])
        if len(set(voter_ids)) != n:
            self._duplicate_voter(voter_ids, row_lines)
        if n and not all(voter_ids):
            k = voter_ids.index("")
            raise self.error("empty voter id", int(row_lines[k]), "voter_id")

        index = {p.id: j for j, p in enumerate(projects)}
        tokens, counts = _split_lists(columns[cols.index("vote")])
        try:
            indices = np.fromiter(map(index.__getitem__, tokens), dtype=np.int32, count=len(tokens))
        except KeyError:
            indices = self._lookup_slowly(tokens, index, counts, row_lines)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])

        points = np.ones(len(tokens), dtype=np.int64)
        if "points" in cols:
            points_used = vote_type in POINT_TYPES
            ptokens, pcounts = _split_lists(columns[cols.index("points")])
            bad = np.flatnonzero(pcounts != counts)
            if not points_used:
                # ordinal files may carry the ranks' points: check them only where present
                bad = bad[pcounts[bad] > 0]
            if len(bad):
                k = int(bad[0])
                raise self.error(
                    f"{pcounts[k]} points for {counts[k]} voted projects",
                    int(row_lines[k]),
                    "points",
                )
            if points_used:
                points = self._points(ptokens, counts, row_lines)
            if vote_type == "cumulative" and len(points) and points.min() < 0:
                # cumulative ballots share out a stock of points; scoring ballots may go below 0
                t = int(np.argmax(points < 0))
                voter = int(np.searchsorted(indptr[1:], t, side="right"))
                raise self.error(
                    f"cumulative points cannot be negative ({points[t]})",
                    int(row_lines[voter]),
                    "points",
                )

        special = {"voter_id", "vote", *(("points",) if vote_type in POINT_TYPES else ())}
        extra = [(i, c) for i, c in enumerate(cols) if c not in special]
        voter_fields = None
        if extra:
            names = [c for _, c in extra]
            per_voter = zip(*(columns[i] for i, _ in extra), strict=True)
            voter_fields = list(map(dict, map(zip, repeat(names), per_voter)))
        return voter_ids, indptr, indices, points, cols, voter_fields, row_lines

    def _table(
        self, start: int, n_cols: int, rows: Iterator[tuple[int, list[str]]]
    ) -> tuple[list[list[str]], np.ndarray]:
        """The columns of the rows from line ``start`` on, and each row's 0-based line."""
        offset = self._offset(start)
        body = self.text[offset:].rstrip("\n")
        plain = not (
            '"' in body
            or "\n\n" in body
            or body.startswith(("\n", " "))
            or body.endswith(" ")
            or any(s in body for s in (" ;", "; ", " \n", "\n ", "\t"))
        )
        if plain:
            # the common case, done with a few whole-text operations instead of a loop:
            # no quoting, no blank line, no blanks around fields
            lines = body.split("\n") if body else []
            if set(map(str.count, lines, repeat(";"))) - {n_cols - 1}:
                k = next(k for k, ln in enumerate(lines) if ln.count(";") != n_cols - 1)
                self._row_length_error(lines[k].count(";") + 1, n_cols, start + k)
            flat = body.replace("\n", ";").split(";") if body else []
            columns = [flat[c::n_cols] for c in range(n_cols)]
            return columns, np.arange(start, start + len(lines), dtype=np.int64)
        pairs = list(rows)
        for line0, r in pairs:
            if len(r) != n_cols:
                self._row_length_error(len(r), n_cols, line0)
        columns = [[r[c] for _, r in pairs] for c in range(n_cols)]
        return columns, np.array([i for i, _ in pairs], dtype=np.int64)

    def _offset(self, line0: int) -> int:
        """Character offset of the start of line ``line0`` in the normalised text."""
        return sum(len(ln) + 1 for ln in self.lines[:line0])

    def _row_length_error(self, n_fields: int, n_cols: int, line0: int) -> None:
        raise self.error(
            f"row has {n_fields} fields, the VOTES header has {n_cols}", line0, "VOTES"
        )

    def _duplicate_voter(self, voter_ids: list[str], row_lines: np.ndarray) -> None:
        first: dict[str, int] = {}
        for k, vid in enumerate(voter_ids):
            if vid in first:
                raise self.error(
                    f"duplicate voter id {vid!r} (first on line {row_lines[first[vid]] + 1})",
                    int(row_lines[k]),
                    "voter_id",
                )
            first[vid] = k

    def _lookup_slowly(
        self, tokens: list[str], index: dict[str, int], counts: np.ndarray, row_lines: np.ndarray
    ) -> np.ndarray:
        """Project indices allowing spaces around ids; the first unknown id is an error."""
        out = np.empty(len(tokens), dtype=np.int32)
        for t, tok in enumerate(tokens):
            j = index.get(tok)
            if j is None:
                j = index.get(tok.strip())
            if j is None:
                voter = int(np.searchsorted(np.cumsum(counts), t, side="right"))
                what = "an empty project id" if not tok.strip() else f"unknown project {tok!r}"
                raise self.error(f"vote names {what}", int(row_lines[voter]), "vote")
            out[t] = j
        return out

    def _points(self, tokens: list[str], counts: np.ndarray, row_lines: np.ndarray) -> np.ndarray:
        try:
            return np.fromiter(map(int, tokens), dtype=np.int64, count=len(tokens))
        except (ValueError, OverflowError):
            pass
        out = np.empty(len(tokens), dtype=np.int64)
        ends = np.cumsum(counts)
        for t, tok in enumerate(tokens):
            x = _number(tok)
            if x is None or x.denominator != 1:
                voter = int(np.searchsorted(ends, t, side="right"))
                raise self.error(
                    f"points must be whole numbers, not {tok.strip()!r}",
                    int(row_lines[voter]),
                    "points",
                )
            out[t] = int(x)
        return out

    # -- whole file

    def run(self) -> tuple[PBInstance, list[PBError]]:
        secs = self.sections()
        meta, where = self.parse_meta(secs["meta"])
        projects, project_columns, project_lines = self.parse_projects(secs["projects"])
        voter_ids, indptr, indices, points, vote_columns, voter_fields, row_lines = (
            self.parse_votes(secs["votes"], meta, projects)
        )
        for key, actual, what in (
            ("num_projects", len(projects), "projects"),
            ("num_votes", len(voter_ids), "ballots"),
        ):
            if meta.get(key) and int(_number(meta[key])) != actual:  # type: ignore[arg-type]
                hint = " (is the file truncated?)" if actual < int(Fraction(meta[key])) else ""
                raise self.error(
                    f"META says {meta[key]} {what} but the file holds {actual}{hint}",
                    where[key],
                    key,
                )
        inst = PBInstance(
            meta=meta,
            projects=projects,
            vote_type=meta["vote_type"],
            voter_ids=voter_ids,
            indptr=indptr,
            indices=indices,
            points=points,
            project_columns=project_columns,
            vote_columns=vote_columns,
            voter_fields=voter_fields,
        )
        lines = _Lines(voter=row_lines, project=np.array(project_lines), meta=where)
        problems = _constraint_problems(inst, self.path, lines)
        if any(p.field == "repeated project" for p in problems):
            inst = _drop_repeats(inst)
        return inst, problems


class _LineFeed:
    """Feeds lines to csv.reader (newline-terminated) and remembers how far it got."""

    def __init__(self, lines: list[str], start: int, end: int):
        self.lines, self.next_line, self.end = lines, start, end

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        if self.next_line >= self.end:
            raise StopIteration
        line = self.lines[self.next_line]
        self.next_line += 1
        return line + "\n"


# ----------------------------------------------------------------------------- constraints


@dataclass
class _Lines:
    voter: np.ndarray  # 0-based file line of each ballot
    project: np.ndarray  # 0-based file line of each project
    meta: dict[str, int]  # 0-based file line of each META key


def _constraint_problems(inst: PBInstance, path: str, lines: _Lines | None) -> list[PBError]:
    n = inst.n_voters
    counts = np.diff(inst.indptr)
    voter_of = np.repeat(np.arange(n, dtype=np.int64), counts)
    found: list[tuple[int, PBError]] = []  # (sort key: first offending line, error)

    def report(field: str, bad: np.ndarray, what: str, detail) -> None:  # noqa: ANN001
        """``bad``: indices of offending ballots; ``detail(k)`` describes ballot k."""
        if not len(bad):
            return
        k = int(bad[0])
        line0 = int(lines.voter[k]) if lines is not None else None
        many = f"{len(bad)} ballots break" if len(bad) > 1 else "1 ballot breaks"
        msg = f"{many} {what}; first: voter {inst.voter_ids[k]} {detail(k)}"
        found.append((line0 if line0 is not None else k, _err(msg, path, line0, field)))

    # a project listed twice on one ballot
    if len(voter_of):
        key = voter_of * max(inst.n_projects, 1) + inst.indices
        order = np.argsort(key, kind="stable")
        repeat = np.zeros(len(key), dtype=bool)
        repeat[order[1:]] = key[order[1:]] == key[order[:-1]]
        if repeat.any():
            if inst.vote_type in POINT_TYPES:
                t = int(np.flatnonzero(repeat)[0])
                v = int(voter_of[t])
                raise _err(
                    f"voter {inst.voter_ids[v]} gives points to project "
                    f"{inst.projects[int(inst.indices[t])].id} twice",
                    path,
                    int(lines.voter[v]) if lines is not None else None,
                    "vote",
                )
            bad_entries = np.flatnonzero(repeat)
            bad = np.unique(voter_of[bad_entries])
            first_rep = {int(voter_of[t]): int(inst.indices[t]) for t in bad_entries[::-1]}
            report(
                "repeated project",
                bad,
                "the rule that a ballot lists each project once (counted once)",
                lambda k: f"lists project {inst.projects[first_rep[k]].id} twice",
            )
            # measure lengths and sums as the ballot will be counted: repeats once
            keep = ~repeat
            counts = np.bincount(voter_of[keep], minlength=n)
            indices = inst.indices[keep]
            pts = inst.points[keep]
            voter_of = voter_of[keep]
        else:
            indices, pts = inst.indices, inst.points
    else:
        indices, pts = inst.indices, inst.points

    def bound(key: str) -> Fraction | None:
        raw = inst.meta.get(key, "")
        return _number(raw) if raw.strip() else None

    if inst.vote_type == "choose-1":
        report(
            "vote_type",
            np.flatnonzero(counts > 1),
            "choose-1 (one project per ballot)",
            lambda k: f"chose {counts[k]}",
        )
    lo, hi = bound("min_length"), bound("max_length")
    if lo is not None:
        report(
            "min_length",
            _compare_exact(counts, lo, np.less),
            f"min_length {inst.meta['min_length']}",
            lambda k: f"lists {counts[k]}",
        )
    if hi is not None:
        report(
            "max_length",
            _compare_exact(counts, hi, np.greater),
            f"max_length {inst.meta['max_length']}",
            lambda k: f"lists {counts[k]}",
        )

    lo, hi = bound("min_sum_cost"), bound("max_sum_cost")
    if lo is not None or hi is not None:
        sums = _segment_sums(inst.int_costs[indices], counts)
        scale = inst.scale
        for key, b, cmp in (("min_sum_cost", lo, np.less), ("max_sum_cost", hi, np.greater)):
            if b is None:
                continue
            bad = _compare_exact(sums, b * scale, cmp)
            report(
                key,
                bad,
                f"{key} {inst.meta[key]}",
                lambda k: f"asks for {Fraction(int(sums[k]), scale)}",
            )  # noqa: B023

    if inst.vote_type in POINT_TYPES:
        lo, hi = bound("min_points"), bound("max_points")
        for key, b, cmp in (("min_points", lo, np.less), ("max_points", hi, np.greater)):
            if b is None:
                continue
            bad_entries = _compare_exact(pts, b, cmp)
            bad = np.unique(voter_of[bad_entries])
            report(
                key,
                bad,
                f"{key} {inst.meta[key]}",
                lambda k: "gives a project too many or few points",
            )
        lo, hi = bound("min_sum_points"), bound("max_sum_points")
        if lo is not None or hi is not None:
            sums = _segment_sums(pts, counts)
            for key, b, cmp in (
                ("min_sum_points", lo, np.less),
                ("max_sum_points", hi, np.greater),
            ):
                if b is None:
                    continue
                bad = _compare_exact(sums, b, cmp)
                report(key, bad, f"{key} {inst.meta[key]}", lambda k: f"gives {sums[k]} points")  # noqa: B023

    for key, cmp in (("min_project_cost", np.less), ("max_project_cost", np.greater)):
        b = bound(key)
        if b is None:
            continue
        bad = _compare_exact(inst.int_costs, b * inst.scale, cmp)
        if len(bad):
            j = int(bad[0])
            line0 = int(lines.project[j]) if lines is not None else None
            found.append(
                (
                    -1 if line0 is None else line0,
                    _err(
                        f"{len(bad)} project(s) break {key} {inst.meta[key]}; first: "
                        f"{inst.projects[j].id} costs {inst.projects[j].cost}",
                        path,
                        line0,
                        key,
                    ),
                )
            )
    found.sort(key=lambda x: x[0])
    return [e for _, e in found]


def _split_lists(cells: list[str]) -> tuple[list[str], np.ndarray]:
    """All comma-separated items of ``cells`` in order, and how many each cell holds.

    Empty cells hold none; an empty item inside a cell ("1,,2") is kept as "".
    """
    n = len(cells)
    commas = np.fromiter(map(str.count, cells, repeat(",")), dtype=np.int64, count=n)
    empty = np.fromiter(map(len, cells), dtype=np.int64, count=n) == 0
    items = ",".join(cells).split(",") if n else []
    counts = commas + 1
    if empty.any():
        # joining put one "" item for each empty cell: drop exactly those
        keep = np.repeat(~empty, counts)
        items = list(compress(items, keep.tolist()))
        counts[empty] = 0
    return items, counts


def _err(message: str, path: str, line0: int | None, field: str) -> PBError:
    return PBError(message, path=path, line=None if line0 is None else line0 + 1, field=field)


def _segment_sums(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per-ballot sums of ``values`` (ballots as consecutive runs of ``counts``), exact int64."""
    cs = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=cs[1:])
    ends = np.cumsum(counts)
    return cs[ends] - cs[ends - counts]


def _compare_exact(values: np.ndarray, bound: Fraction, cmp) -> np.ndarray:  # noqa: ANN001
    """Indices where ``cmp(value, bound)`` for integer values and an exact ``bound``."""
    # for integers v: v < b  <=>  v < ceil(b);  v > b  <=>  v > floor(b)
    edge = (
        -((-bound.numerator) // bound.denominator)
        if cmp is np.less
        else bound.numerator // bound.denominator
    )
    return np.flatnonzero(cmp(values, edge))


def _drop_repeats(inst: PBInstance) -> PBInstance:
    """The same instance with each ballot's repeated projects removed (first place kept)."""
    n = inst.n_voters
    counts = np.diff(inst.indptr)
    voter_of = np.repeat(np.arange(n, dtype=np.int64), counts)
    key = voter_of * max(inst.n_projects, 1) + inst.indices
    order = np.argsort(key, kind="stable")
    keep = np.ones(len(key), dtype=bool)
    keep[order[1:]] = key[order[1:]] != key[order[:-1]]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(voter_of[keep], minlength=n), out=indptr[1:])
    return PBInstance(
        meta=inst.meta,
        projects=inst.projects,
        vote_type=inst.vote_type,
        voter_ids=inst.voter_ids,
        indptr=indptr,
        indices=inst.indices[keep],
        points=inst.points[keep],
        project_columns=inst.project_columns,
        vote_columns=inst.vote_columns,
        voter_fields=inst.voter_fields,
    )


# ----------------------------------------------------------------------------- writing


def format_number(x: Fraction) -> str:
    """``x`` as an exact decimal (``12``, ``214386.4``), or ``n/d`` when none exists."""
    if x.denominator == 1:
        return str(x.numerator)
    d = x.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return f"{x.numerator}/{x.denominator}"
    places = max(twos, fives)
    digits = str(abs(x.numerator) * 10**places // x.denominator).rjust(places + 1, "0")
    sign = "-" if x < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def dumps(inst: PBInstance) -> str:
    """The instance as the text of a .pb file (LF line ends)."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = dict(inst.meta)
    meta["vote_type"] = inst.vote_type
    # counts that are there must be true (the reader checks them); absent ones stay absent so
    # that what was read is written back unchanged
    for key, count in (("num_projects", inst.n_projects), ("num_votes", inst.n_voters)):
        if key in meta:
            meta[key] = str(count)
    out.write("META\n")
    w.writerow(["key", "value"])
    w.writerows(meta.items())

    pcols = list(inst.project_columns)
    for need in ("project_id", "cost"):
        if need not in pcols:
            pcols.insert(0 if need == "project_id" else 1, need)
    if "name" not in pcols and any(p.name for p in inst.projects):
        pcols.append("name")
    for p in inst.projects:
        pcols.extend(c for c in p.fields if c not in pcols)
    out.write("PROJECTS\n")
    w.writerow(pcols)
    for p in inst.projects:
        special = {"project_id": p.id, "cost": format_number(p.cost), "name": p.name}
        w.writerow([special[c] if c in special else p.fields.get(c, "") for c in pcols])

    vcols = list(inst.vote_columns)
    for need in ("voter_id", "vote"):
        if need not in vcols:
            vcols.insert(0 if need == "voter_id" else 1, need)
    uses_points = inst.vote_type in POINT_TYPES
    if uses_points and "points" not in vcols:
        vcols.insert(vcols.index("vote") + 1, "points")
    fields = inst.voter_fields
    if fields:
        for f in fields[:1]:  # columns come from the header; a first ballot suffices to add any
            vcols.extend(c for c in f if c not in vcols)
    out.write("VOTES\n")
    w.writerow(vcols)

    ids = [p.id for p in inst.projects]
    tokens = [ids[j] for j in inst.indices.tolist()]
    bounds = inst.indptr.tolist()
    votes = [",".join(tokens[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    columns: dict[str, list[str]] = {"voter_id": inst.voter_ids, "vote": votes}
    if uses_points:
        ptxt = list(map(str, inst.points.tolist()))
        columns["points"] = [
            ",".join(ptxt[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        ]
    for c in vcols:
        if c not in columns:
            columns[c] = [f.get(c, "") for f in fields] if fields else [""] * inst.n_voters
    w.writerows(zip(*(columns[c] for c in vcols), strict=True))
    return out.getvalue()


def write(inst: PBInstance, path: str | Path) -> None:
    """Write the instance as a .pb file (UTF-8, LF line ends)."""
    Path(path).write_text(dumps(inst), encoding="utf-8", newline="")
