"""Reading Pabulib ``.pb`` files (the sections are described in ``comuna.choice.pb.pabulib``).

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

Bounds. Nothing a hostile file holds crashes the reader or overflows the counting engine
(see ``comuna.choice.pb.pabulib.bounds``).

Ballots that break the file's own META limits (``max_length``, ``max_sum_cost``, ...) are
not reading errors: ``read_checked`` returns them as a list of problems (see
``comuna.choice.pb.pabulib.constraints``); ``read(strict=True)``, the default, raises the first.
"""

from __future__ import annotations

import csv
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from itertools import compress, repeat
from pathlib import Path

import numpy as np

from comuna.choice.pb.instance import POINT_TYPES, VOTE_TYPES, PBError, PBInstance, Project
from comuna.choice.pb.pabulib.bounds import (
    MAX_FIELD_CHARS,
    MAX_POINTS,
    check_amounts,
    check_ballots_times_costs,
    check_fields,
    check_number,
    check_points,
)
from comuna.choice.pb.pabulib.constraints import LIMITS, Lines, ballot_problems, drop_repeats
from comuna.choice.pb.pabulib.numbers import MAX_NUMBER_CHARS, parse_number, shown

SECTIONS = ("meta", "projects", "votes")
REQUIRED_META = ("budget", "vote_type")
# META keys holding numbers, checked for being numbers when present and non-empty
NUMERIC_META = ("num_projects", "num_votes", *LIMITS, "min_project_score_threshold")


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


# ----------------------------------------------------------------------------- reading


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
        if len(field) > MAX_NUMBER_CHARS:  # a field named by the file's own text (a key)
            field = f"{field[:MAX_NUMBER_CHARS]}..."
        return PBError(
            message, path=self.path, line=None if line0 is None else line0 + 1, field=field
        )

    def number(self, raw: str, line0: int, field: str) -> Fraction | None:
        """``raw`` as an exact number (None if it is none); too long a one is an error."""
        check_number(raw, line0, field, self.error)
        return parse_number(raw)

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
                row = line.split(";")
                if len(line) > MAX_FIELD_CHARS:
                    check_fields(row, i, self.error)
                yield i, [f.strip() for f in row]
                i += 1
                continue
            # a quoted field may hold ";" or run over several lines: let csv join them
            first = i
            feed = _LineFeed(lines, i, end)
            try:
                row = next(csv.reader(feed, delimiter=";"))
            except csv.Error as e:  # a field over csv's own limit, of 131,072 characters
                check_fields(["".join(lines[first : feed.next_line])], first, self.error)
                raise self.error(f"cannot read this row ({e})", first, "quoting") from None
            check_fields(row, first, self.error)
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
                    raise self.error(f"column {shown(c)} appears twice", line0, c)
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
                    f"META key {shown(key)} appears twice (first on line {where[key] + 1})",
                    line0,
                    key,
                )
            meta[key] = value
            where[key] = line0
        for key in REQUIRED_META:
            if key not in meta or not meta[key]:
                raise self.error(f"missing META key {key!r}", sec.line, key)
        if meta["vote_type"] not in VOTE_TYPES:
            raise self.error(
                f"unknown vote type {shown(meta['vote_type'])} (known: {', '.join(VOTE_TYPES)})",
                where["vote_type"],
                "vote_type",
            )
        budget = self.number(meta["budget"], where["budget"], "budget")
        if budget is None or budget < 0:
            raise self.error(
                f"budget must be a non-negative number, not {shown(meta['budget'])}",
                where["budget"],
                "budget",
            )
        meta["budget"] = meta["budget"].replace(",", ".")  # so Fraction(meta["budget"]) works
        for key in NUMERIC_META:
            if meta.get(key) and self.number(meta[key], where[key], key) is None:
                raise self.error(f"not a number: {shown(meta[key])}", where[key], key)
        for key in ("num_projects", "num_votes"):
            if meta.get(key) and parse_number(meta[key]).denominator != 1:  # type: ignore[union-attr]
                raise self.error(f"not a whole number: {shown(meta[key])}", where[key], key)
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
                    f"project id {shown(pid)} holds a comma, which separates ids in votes",
                    line0,
                    "project_id",
                )
            if pid in seen:
                raise self.error(
                    f"duplicate project id {shown(pid)} (first on line {seen[pid] + 1})",
                    line0,
                    "project_id",
                )
            seen[pid] = line0
            cost = self.number(row[i_cost], line0, "cost")
            if cost is None:
                raise self.error(f"cost is not a number: {shown(row[i_cost])}", line0, "cost")
            if cost < 0:
                raise self.error(f"negative cost {row[i_cost]}", line0, "cost")
            name = row[i_name] if i_name is not None else ""
            projects.append(Project(pid, cost, name, {c: row[i] for i, c in others}))
            lines.append(line0)
        return projects, cols, lines

    def parse_votes(
        self, sec: _Section, meta: dict[str, str], projects: list[Project]
    ) -> tuple[
        list[str],
        np.ndarray,
        np.ndarray,
        np.ndarray,
        list[str],
        list[dict[str, str]] | None,
        np.ndarray,
    ]:
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
            if lines and max(map(len, lines)) > MAX_FIELD_CHARS:
                k = next(k for k, ln in enumerate(lines) if len(ln) > MAX_FIELD_CHARS)
                check_fields(lines[k].split(";"), start + k, self.error)
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
                    f"duplicate voter id {shown(vid)} (first on line {row_lines[first[vid]] + 1})",
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
                what = "an empty project id" if not tok.strip() else f"unknown project {shown(tok)}"
                raise self.error(f"vote names {what}", int(row_lines[voter]), "vote")
            out[t] = j
        return out

    def _points(self, tokens: list[str], counts: np.ndarray, row_lines: np.ndarray) -> np.ndarray:
        """The points as int64, each within ``MAX_POINTS`` and all together within
        ``MAX_EXACT``, so that no sum of them can wrap around."""
        ends = np.cumsum(counts)

        def line_of(t: int) -> int:
            return int(row_lines[int(np.searchsorted(ends, t, side="right"))])

        try:
            out = np.fromiter(map(int, tokens), dtype=np.int64, count=len(tokens))
        except (ValueError, OverflowError):
            out = self._points_slowly(tokens, line_of)
        check_points(out, tokens, line_of, self.error)
        return out

    def _points_slowly(self, tokens: list[str], line_of: Callable[[int], int]) -> np.ndarray:
        """The points written otherwise than as plain int64 integers (``2.0``, or too big:
        those become ``MAX_POINTS + 1``, for the caller to report)."""
        out = np.empty(len(tokens), dtype=np.int64)
        for t, tok in enumerate(tokens):
            x = self.number(tok, line_of(t), "points")
            if x is None or x.denominator != 1:
                raise self.error(
                    f"points must be whole numbers, not {shown(tok)}", line_of(t), "points"
                )
            out[t] = int(x) if abs(x) <= MAX_POINTS else MAX_POINTS + 1
        return out

    # -- whole file

    def run(self) -> tuple[PBInstance, list[PBError]]:
        secs = self.sections()
        meta, where = self.parse_meta(secs["meta"])
        projects, project_columns, project_lines = self.parse_projects(secs["projects"])
        unit_total, scale = check_amounts(
            Fraction(meta["budget"]), where["budget"], projects, project_lines, self.error
        )
        voter_ids, indptr, indices, points, vote_columns, voter_fields, row_lines = (
            self.parse_votes(secs["votes"], meta, projects)
        )
        check_ballots_times_costs(len(voter_ids), unit_total, scale, secs["votes"].line, self.error)
        for key, actual, what in (
            ("num_projects", len(projects), "projects"),
            ("num_votes", len(voter_ids), "ballots"),
        ):
            if meta.get(key) and int(parse_number(meta[key])) != actual:  # type: ignore[arg-type]
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
        lines = Lines(voter=row_lines, project=np.array(project_lines), meta=where)
        problems = ballot_problems(inst, self.path, lines)
        if any(p.field == "repeated project" for p in problems):
            inst = drop_repeats(inst)
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
