"""Writing .pb files.

``dumps``/``write`` produce a file that reads back to an identical instance: same META
(``num_projects``/``num_votes``, when present, set to the true counts), projects, ballots and
extra columns. Costs are written as exact decimals (or ``n/d`` when no finite decimal exists,
which the reader also accepts).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from comuna.choice.pb.instance import POINT_TYPES, PBInstance
from comuna.choice.pb.pabulib.numbers import format_number


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
