"""Witnessed heads: heads kept outside the database, and the check that they are still there.

A witness line is one JSON object per line with at least ``chain`` (a chain name), ``seq`` (an
integer from 0) and ``hash`` (64 hex digits); other members are allowed, and a line carrying a
``signature`` (a signed head, ``comuna.ledger.signing``) has it checked. A signed head as served
at ``/b/<slug>/ledger/head.json`` is such a line as it is.

The server keeps its own: after each ledger write commits, :func:`append_head` adds the new head
to ``COMUNA_WITNESS_FILE`` (one ``write`` of one line to a file opened with ``O_APPEND``, so
lines from concurrent workers never interleave), and ``comuna ledger verify`` reads that file.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from comuna.ledger.canonical import canonical_json
from comuna.ledger.hashing import NAME_PATTERN, utc_text

__all__ = [
    "Witness",
    "WitnessFileError",
    "append_head",
    "last_witnessed",
    "read",
    "server_file",
    "witness_commit",
]

log = logging.getLogger("comuna.ledger.witness")

_HEX64 = re.compile(r"[0-9a-f]{64}\Z")


class WitnessFileError(ValueError):
    """A witness file that cannot be read, or a line of it that is not a witness line."""


@dataclass(frozen=True)
class Witness:
    """One witnessed head, and where it was read (file and line, counting from 1)."""

    source: str
    line: int
    chain: str
    seq: int
    hash: str
    data: dict = field(compare=False, repr=False)

    @property
    def where(self) -> str:
        return _("%(file)s line %(line)s") % {"file": self.source, "line": self.line}


def server_file() -> Path | None:
    """The server's own witness file, or None when the setting is empty."""
    configured = getattr(settings, "COMUNA_WITNESS_FILE", None)
    return Path(configured) if configured else None


def witness_commit(chain: str, seq: int, digest: str, recorded_at: datetime) -> None:
    """Once the current transaction commits, append this head to the server's witness file."""
    if server_file() is not None:
        transaction.on_commit(partial(append_head, chain, seq, digest, recorded_at))


def append_head(chain: str, seq: int, digest: str, recorded_at: datetime) -> None:
    """Append one head as a JSON line. Runs after the commit: a failure is logged loudly and
    does not undo the committed change (the next write's head witnesses this one too)."""
    path = server_file()
    if path is None:
        return
    line = canonical_json(
        {"chain": chain, "hash": digest, "recorded_at": utc_text(recorded_at), "seq": seq}
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)
        _keep_latest(chain, seq, line)
    except OSError:
        log.exception("could not append the head %s#%s to the witness file %s", chain, seq, path)


def _latest_path(chain: str) -> Path | None:
    path = server_file()
    return None if path is None else path.parent / "latest" / f"{quote(chain, safe='')}.json"


def _keep_latest(chain: str, seq: int, line: str) -> None:
    """Keep this head as the chain's newest witnessed one (a small file per chain beside the
    witness file, replaced atomically), unless a later head is there already: two workers'
    commit hooks may run in either order, so the file only ever moves forward."""
    target = _latest_path(chain)
    if target is None:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = os.open(target.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o640)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the descriptor is closed
        current = last_witnessed(chain)
        if current is None or current.seq < seq:
            temporary = target.with_suffix(".tmp")
            temporary.write_text(line + "\n", encoding="utf-8")
            os.replace(temporary, target)
    finally:
        os.close(lock)


def last_witnessed(chain: str) -> Witness | None:
    """The newest head of ``chain`` that the server wrote to its witness file, or None (no
    witness file, no write since it was set, or a file that is not a witness line)."""
    target = _latest_path(chain)
    if target is None:
        return None
    try:
        witness = _parse(str(target), 1, target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, WitnessFileError):
        return None
    return witness if witness.chain == chain else None


def read(path: Path | str) -> list[Witness]:
    """Every witness line of the file at ``path`` (blank lines skipped); WitnessFileError
    naming the file and line when the file cannot be read or a line is not a witness line."""
    source = str(path)
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below, line by line
    except OSError as exc:
        raise WitnessFileError(
            _("%(file)s cannot be read (%(error)s)")
            % {"file": source, "error": exc.strerror or exc}
        ) from None
    witnesses = []
    with handle:
        try:
            for number, text in enumerate(handle, start=1):
                if text.strip():
                    witnesses.append(_parse(source, number, text))
        except UnicodeDecodeError:
            raise WitnessFileError(_("%(file)s is not UTF-8 text") % {"file": source}) from None
    return witnesses


def _parse(source: str, number: int, text: str) -> Witness:
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    problem = None
    if not isinstance(data, dict):
        problem = _("it is not a JSON object")
    elif not isinstance(data.get("chain"), str) or not NAME_PATTERN.match(data["chain"]):
        problem = _('its "chain" does not name a chain (such as "body:3")')
    elif not _is_seq(data.get("seq")):
        problem = _('its "seq" is not a whole number from 0')
    elif not isinstance(data.get("hash"), str) or not _HEX64.match(data["hash"]):
        problem = _('its "hash" is not 64 lower-case hexadecimal digits')
    if problem:
        raise WitnessFileError(
            _("%(file)s line %(line)s is not a witnessed head: %(problem)s")
            % {"file": source, "line": number, "problem": problem}
        )
    chain, seq, digest = data["chain"], data["seq"], data["hash"]
    return Witness(source, number, chain, seq, digest, data)


def _is_seq(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
