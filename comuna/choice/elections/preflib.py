"""PrefLib ordinal files (SOC/SOI/TOC/TOI): publish ranked polls, recount them elsewhere.

Format (preflib.org/format): ``# KEY: value`` header lines, alternatives numbered from 1 and
named by ``# ALTERNATIVE NAME i: name``, then one ``count: order`` line per distinct ballot,
e.g. ``3: 2,1,{3,4}`` (braces hold tied alternatives).

Comuna's ranked rules need strict rankings, so a ballot may end with one tied group that
holds *all* the alternatives it has not ranked: that is a truncated ballot (unranked
alternatives are tied below the ranked ones) and is read as such. Any other tie is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

import numpy as np

from .profile import RankedProfile

DATA_TYPES = ("soc", "soi", "toc", "toi")
_NAME = re.compile(r"#\s*ALTERNATIVE NAME\s+(\d+)\s*:\s?(.*)$")
_KEY = re.compile(r"#\s*([A-Z][A-Z ]*[A-Z])\s*:\s?(.*)$")
_GROUP = re.compile(r"\{([^{}]*)\}|([^,{}]+)")


class PrefLibError(ValueError):
    """Bad PrefLib input: ``str()`` is "file:line: message"."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.message}"


def _check_name(name: str) -> None:
    if not name or name != name.strip() or "\n" in name or "\r" in name:
        raise ValueError(
            f"candidate name {name!r} cannot be written to PrefLib: it must be non-empty, "
            "on one line, without surrounding spaces"
        )


def to_preflib(
    profile: RankedProfile,
    *,
    file_name: str = "",
    title: str = "",
    description: str = "",
    publication_date: str = "",
    modification_date: str = "",
    names: Sequence[str] | None = None,
) -> str:
    """The profile as PrefLib text: SOC if every ballot ranks every candidate, else SOI.

    ``names`` are the alternatives' names in the profile's candidate order (by default the
    candidates themselves), written as ``# ALTERNATIVE NAME i: name``; they must be distinct.
    Lines are sorted by count (largest first), then by ranking, so the same profile always
    gives the same text. Blank ballots, if any, are written as ``count:`` with no order.
    """
    m = len(profile.candidates)
    names = list(profile.candidates if names is None else names)
    if len(names) != m:
        raise ValueError(f"{len(names)} names given for {m} alternatives")
    if len(set(names)) != m:
        raise ValueError("two alternatives have the same name")
    for name in names:
        _check_name(name)
    for field_value in (file_name, title, description, publication_date, modification_date):
        if "\n" in field_value or "\r" in field_value:
            raise ValueError("PrefLib header fields must fit on one line")
    rows = profile.rankings.tolist()
    counts = profile.counts.tolist()
    complete = all(row.count(-1) == 0 and len(row) == m for row in rows)
    order = sorted(range(len(rows)), key=lambda i: (-counts[i], rows[i]))
    out = [
        f"# FILE NAME: {file_name}",
        f"# TITLE: {title}",
        f"# DESCRIPTION: {description}",
        f"# DATA TYPE: {'soc' if complete else 'soi'}",
        "# MODIFICATION TYPE: original",
        "# RELATES TO: ",
        "# RELATED FILES: ",
        f"# PUBLICATION DATE: {publication_date}",
        f"# MODIFICATION DATE: {modification_date}",
        f"# NUMBER ALTERNATIVES: {m}",
        f"# NUMBER VOTERS: {profile.n_voters}",
        f"# NUMBER UNIQUE ORDERS: {len(rows)}",
    ]
    out += [f"# ALTERNATIVE NAME {i + 1}: {name}" for i, name in enumerate(names)]
    for i in order:
        ranking = ",".join(str(a + 1) for a in rows[i] if a >= 0)
        out.append(f"{counts[i]}: {ranking}".rstrip())
    return "\n".join(out) + "\n"


def write_preflib(profile: RankedProfile, path: str | PathLike[str], **header: str) -> None:
    """Write ``to_preflib(profile, **header)`` to ``path`` (UTF-8, LF line ends)."""
    Path(path).write_text(to_preflib(profile, **header), encoding="utf-8", newline="\n")


def read_preflib(path: str | PathLike[str]) -> RankedProfile:
    """Read a PrefLib SOC/SOI/TOC/TOI file; errors name the file and line."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PrefLibError(f"not UTF-8 text ({exc.reason})", path=str(p)) from None
    return from_preflib(text, path=str(p))


def _parse_int(text: str, what: str, path: str, line: int) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise PrefLibError(
            f"{what} must be a whole number, got {text.strip()!r}", path=path, line=line
        ) from None


def from_preflib(text: str, *, path: str = "<string>") -> RankedProfile:
    """Parse PrefLib ordinal text into a RankedProfile (see the module note on ties)."""
    lines = text.lstrip("\ufeff").splitlines()
    header: dict[str, tuple[str, int]] = {}
    names: dict[int, tuple[str, int]] = {}
    body_start = len(lines)
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            body_start = n - 1
            break
        named = _NAME.match(line)
        if named:
            i = int(named.group(1))
            if i in names:
                raise PrefLibError(f"alternative {i} is named twice", path=path, line=n)
            names[i] = (named.group(2).strip(), n)
            continue
        keyed = _KEY.match(line)
        if keyed:
            header[keyed.group(1)] = (keyed.group(2).strip(), n)

    if "NUMBER ALTERNATIVES" not in header:
        raise PrefLibError("missing header line '# NUMBER ALTERNATIVES: n'", path=path, line=1)
    value, n = header["NUMBER ALTERNATIVES"]
    m = _parse_int(value, "NUMBER ALTERNATIVES", path, n)
    if m < 1:
        raise PrefLibError("NUMBER ALTERNATIVES must be at least 1", path=path, line=n)
    data_type = header.get("DATA TYPE", ("", 0))
    if data_type[0] and data_type[0].lower() not in DATA_TYPES:
        raise PrefLibError(
            f"DATA TYPE {data_type[0]!r} is not a ranking type ({', '.join(DATA_TYPES)})",
            path=path,
            line=data_type[1],
        )
    kind = data_type[0].lower()
    for i, (_, n) in names.items():
        if not 1 <= i <= m:
            raise PrefLibError(f"alternative {i} is outside 1..{m}", path=path, line=n)
    missing = [i for i in range(1, m + 1) if i not in names]
    if missing:
        raise PrefLibError(
            f"no '# ALTERNATIVE NAME' line for alternative(s) {missing}", path=path, line=body_start
        )
    seen_names: dict[str, int] = {}
    for i in range(1, m + 1):
        name, n = names[i]
        if not name:
            raise PrefLibError(f"alternative {i} has an empty name", path=path, line=n)
        if name in seen_names:
            raise PrefLibError(
                f"alternatives {seen_names[name]} and {i} have the same name {name!r}",
                path=path,
                line=n,
            )
        seen_names[name] = i

    rows: list[list[int]] = []
    counts: list[int] = []
    for n, raw in enumerate(lines[body_start:], start=body_start + 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            raise PrefLibError("header line after the ballots began", path=path, line=n)
        if ":" not in line:
            raise PrefLibError("expected 'count: order', found no ':'", path=path, line=n)
        count_text, order_text = line.split(":", 1)
        count = _parse_int(count_text, "the ballot count", path, n)
        if count < 1:
            raise PrefLibError(f"the ballot count must be positive, got {count}", path=path, line=n)
        rows.append(_parse_order(order_text, m, kind, path, n))
        counts.append(count)

    for key, actual in (("NUMBER VOTERS", sum(counts)), ("NUMBER UNIQUE ORDERS", len(rows))):
        if key in header and header[key][0]:
            value, n = header[key]
            declared = _parse_int(value, key, path, n)
            if declared != actual:
                raise PrefLibError(
                    f"{key} says {declared} but the file has {actual}", path=path, line=n
                )

    width = max((len(r) for r in rows), default=1) or 1
    arr = np.full((len(rows), width), -1, dtype=np.int64)
    for i, r in enumerate(rows):
        arr[i, : len(r)] = r
    return RankedProfile([names[i][0] for i in range(1, m + 1)], arr, counts)


def _parse_order(text: str, m: int, kind: str, path: str, line: int) -> list[int]:
    """Alternatives (0-based) best first; a final tie of all unranked ones is truncation."""
    groups: list[list[int]] = []
    pos = 0
    if re.search(r"\d\s+\d", text):
        raise PrefLibError(
            f"missing ',' between alternatives in {text.strip()!r}", path=path, line=line
        )
    body = "".join(text.split())
    while pos < len(body):
        match = _GROUP.match(body, pos)
        if not match:
            raise PrefLibError(f"cannot read the order {text.strip()!r}", path=path, line=line)
        items = match.group(1) if match.group(1) is not None else match.group(2)
        group = [_parse_int(x, "an alternative", path, line) for x in items.split(",") if x]
        if not group:
            raise PrefLibError("empty group '{}' in the order", path=path, line=line)
        groups.append(group)
        pos = match.end()
        if pos < len(body):
            if body[pos] != ",":
                raise PrefLibError(
                    f"expected ',' in the order {text.strip()!r}", path=path, line=line
                )
            pos += 1
    flat = [a for g in groups for a in g]
    for a in flat:
        if not 1 <= a <= m:
            raise PrefLibError(f"alternative {a} is outside 1..{m}", path=path, line=line)
    if len(set(flat)) != len(flat):
        raise PrefLibError("an alternative appears twice in the order", path=path, line=line)
    if kind in ("soc", "toc") and len(flat) != m:
        raise PrefLibError(
            f"DATA TYPE {kind} needs all {m} alternatives in every order", path=path, line=line
        )
    ties = [i for i, g in enumerate(groups) if len(g) > 1]
    if ties and kind in ("soc", "soi"):
        raise PrefLibError(f"DATA TYPE {kind} does not allow ties", path=path, line=line)
    if ties:
        if ties != [len(groups) - 1] or len(flat) != m:
            raise PrefLibError(
                "ties are only accepted as a last group holding every unranked alternative "
                "(a truncated ballot); Comuna's ranked rules need strict rankings",
                path=path,
                line=line,
            )
        groups.pop()
    return [g[0] - 1 for g in groups]
