"""Verify the ledger: recompute every chain, compare it with its published head, re-check outcomes.

For each chain, entry by entry in sequence order: the sequence runs 1, 2, 3 ... without a gap;
each ``prev_hash`` is the previous entry's hash (64 zeros for the first); the stored hash equals
the hash recomputed from the entry's fields (formula in ``comuna.ledger.hashing``); the payload
is still canonical JSON; and the check registered for the entry's kind (if any) finds that the
recorded outcome recomputes identically. Then the chain's published head must name its last
entry by sequence and hash, which catches a removed last entry.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from comuna.ledger.canonical import canonical_json
from comuna.ledger.checks import chain_checks, check_for
from comuna.ledger.hashing import GENESIS_HASH
from comuna.ledger.models import Entry, Head
from comuna.ledger.services import chains as all_chains
from comuna.ledger.signing import (
    KeyFileError,
    fingerprint,
    private_key,
    public_key_hex,
    signature_problem,
)
from comuna.ledger.witness import Witness

__all__ = ["ChainReport", "Problem", "Report", "WitnessProblem", "verify"]

_PAGE = 1000


@dataclass(frozen=True)
class Problem:
    """What is wrong with one entry (``kind`` is empty when the entry itself is missing)."""

    chain: str
    seq: int
    kind: str
    what: str

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq} {self.kind or '-'}: {self.what}"


@dataclass(frozen=True)
class WitnessProblem:
    """A witnessed head that is not on its chain as the database holds it now."""

    witness: Witness
    what: str

    def __str__(self) -> str:
        w = self.witness
        return f"{w.where}: {w.chain} #{w.seq}: {self.what}"


@dataclass
class ChainReport:
    chain: str
    entries: int = 0
    last_seq: int = 0
    checks_run: int = 0
    head_seq: int = 0
    head_hash: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Report:
    """The outcome of :func:`verify`; ``problems`` lists each chain's first bad entry first."""

    chains: dict[str, ChainReport] = field(default_factory=dict)
    witnesses: int = 0
    witness_problems: list[WitnessProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.witness_problems and all(chain.ok for chain in self.chains.values())

    @property
    def entries(self) -> int:
        return sum(chain.entries for chain in self.chains.values())

    @property
    def checks_run(self) -> int:
        return sum(chain.checks_run for chain in self.chains.values())

    @property
    def problems(self) -> list[Problem]:
        return [problem for chain in self.chains.values() for problem in chain.problems]


def verify(
    chains: list[str] | None = None,
    witnesses: list[Witness] = (),
    server_heads: list[Witness] = (),
) -> Report:
    """Verify the given chains, or every chain in the ledger, and every chain a witness names
    (a chain emptied in the database is still verified against its witnesses).

    ``server_heads`` are the lines of the server's own witness file, which holds every head
    the ledger reached: besides being checked as witnesses, each chain they name must end at
    a head they hold (an entry added behind Comuna's back, hash and head included, was never
    witnessed). A chain they do not name at all (written only before the file existed) is
    not asked this.
    """
    witnesses = [*witnesses, *server_heads]
    names = list(all_chains() if chains is None else chains)
    names += sorted({w.chain for w in witnesses} - set(names))
    report = Report(chains={chain: _verify_chain(chain) for chain in names})
    report.witnesses = len(witnesses)
    report.witness_problems = _witness_problems(witnesses, report)
    report.witness_problems += _unwitnessed_ends(server_heads, report)
    return report


def _verify_chain(chain: str) -> ChainReport:
    report = ChainReport(chain)
    # The head is read before the entries: entries committed meanwhile may run past it.
    published = Head.objects.filter(chain=chain).first()
    head_seq = published.seq if published else 0
    if published and published.seq:
        report.head_seq, report.head_hash = published.seq, published.hash
    expected_seq, prev_hash = 1, GENESIS_HASH
    last = at_head = past_head = None
    while True:
        page = list(
            Entry.objects.filter(chain=chain, seq__gte=expected_seq).order_by("seq")[:_PAGE]
        )
        for entry in page:
            report.entries += 1
            findings = []
            if entry.seq != expected_seq:
                report.problems.append(_missing(chain, expected_seq, entry.seq))
            elif entry.prev_hash != prev_hash:
                findings.append(_broken_link(entry, prev_hash))
            computed = entry.computed_hash()
            if computed != entry.hash:
                findings.append(
                    _("its stored hash %(stored)s differs from the recomputed %(computed)s")
                    % {"stored": _short(entry.hash), "computed": _short(computed)}
                )
            findings.extend(_payload_findings(entry))
            difference = _run_check(entry, report)
            if difference:
                findings.append(difference)
            if findings:
                report.problems.append(Problem(chain, entry.seq, entry.kind, "; ".join(findings)))
            if entry.seq == head_seq:
                at_head = entry
            if entry.seq > head_seq and past_head is None:
                past_head = entry
            expected_seq, prev_hash, last = entry.seq + 1, entry.hash, entry
        if len(page) < _PAGE:
            break
    report.last_seq = last.seq if last else 0
    report.problems.extend(_head_problems(chain, published, last, at_head, past_head))
    report.problems.extend(_chain_check_problems(chain, report))
    report.problems.sort(key=lambda problem: problem.seq)  # stable: entry before its head
    return report


def _broken_link(entry: Entry, prev_hash: str) -> str:
    if entry.seq == 1:
        return _("its prev_hash %(stored)s is not the genesis hash (64 zeros)") % {
            "stored": _short(entry.prev_hash)
        }
    return _(
        "its prev_hash %(stored)s is not the hash %(prev)s of entry %(before)s "
        "(that entry or this one was changed)"
    ) % {"stored": _short(entry.prev_hash), "prev": _short(prev_hash), "before": entry.seq - 1}


def _missing(chain: str, expected: int, found: int) -> Problem:
    if found == expected + 1:
        what = _("entry %(seq)s is missing (the chain jumps from %(before)s to %(after)s)")
    else:
        what = _(
            "entries %(seq)s to %(last)s are missing (the chain jumps from %(before)s to %(after)s)"
        )
    values = {"seq": expected, "last": found - 1, "before": expected - 1, "after": found}
    return Problem(chain, expected, "", what % values)


def _payload_findings(entry: Entry) -> list[str]:
    try:
        value = json.loads(entry.payload)
    except ValueError as exc:
        return [_("its payload is not valid JSON (%(error)s)") % {"error": exc}]
    try:
        canonical = canonical_json(value, root="payload")
    except TypeError as exc:
        return [_("its payload is not canonical JSON: %(error)s") % {"error": exc}]
    if canonical != entry.payload:
        return [_("its payload is not in canonical form")]
    return []


def _run_check(entry: Entry, report: ChainReport) -> str | None:
    check = check_for(entry.kind)
    if check is None:
        return None
    report.checks_run += 1
    try:
        with _savepoint_if_in_transaction():
            difference = check(entry)
    except Exception as exc:
        return _("its check failed with %(type)s: %(error)s") % {
            "type": type(exc).__name__,
            "error": exc,
        }
    if difference is not None and not isinstance(difference, str):
        return _("its check returned %(value)r instead of None or a sentence") % {
            "value": difference
        }
    return difference or None


def _chain_check_problems(chain: str, report: ChainReport) -> list[Problem]:
    problems = []
    for name, check in sorted(chain_checks().items()):
        try:
            with _savepoint_if_in_transaction():
                found = check(chain)
        except Exception as exc:
            found = [
                (
                    0,
                    "",
                    _("the check %(name)s failed with %(type)s: %(error)s")
                    % {"name": name, "type": type(exc).__name__, "error": exc},
                )
            ]
        problems.extend(Problem(chain, seq, kind, what) for seq, kind, what in found)
    return problems


def _savepoint_if_in_transaction():
    # Inside a transaction a failed query in a check would abort it (PostgreSQL) and break the
    # rest of the walk; outside one each query commits alone and a savepoint is not needed
    # (and on SQLite would take the write lock).
    if transaction.get_connection().in_atomic_block:
        return transaction.atomic()
    return nullcontext()


def _head_problems(
    chain: str,
    published: Head | None,
    last: Entry | None,
    at_head: Entry | None,
    past_head: Entry | None,
) -> list[Problem]:
    if published is None or published.seq == 0:
        if last is None:
            return []
        return [
            Problem(
                chain,
                last.seq,
                last.kind,
                _("the chain has %(count)s entries but no published head") % {"count": last.seq},
            )
        ]
    problems = []
    if at_head is None:
        ends = last.seq if last else 0
        problems.append(
            Problem(
                chain,
                published.seq,
                "",
                _(
                    "the published head names entry %(seq)s (hash %(hash)s), which is missing: "
                    "the chain ends at entry %(ends)s"
                )
                % {"seq": published.seq, "hash": _short(published.hash), "ends": ends},
            )
        )
    elif at_head.hash != published.hash:
        problems.append(
            Problem(
                chain,
                at_head.seq,
                at_head.kind,
                _("the published head hash %(head)s differs from this entry's hash %(hash)s")
                % {"head": _short(published.hash), "hash": _short(at_head.hash)},
            )
        )
    if past_head is not None:
        # Entries committed after the head was read are fine; the head moves with them.
        now = Head.objects.filter(chain=chain).values_list("seq", flat=True).first() or 0
        if last is not None and now < last.seq:
            problems.append(
                Problem(
                    chain,
                    past_head.seq,
                    past_head.kind,
                    _("this entry is past the published head (entry %(seq)s)")
                    % {"seq": published.seq},
                )
            )
    return problems


def _short(digest: str) -> str:
    return digest[:12] + "…" if len(digest) > 12 else digest


def _witness_problems(witnesses: list[Witness], report: Report) -> list[WitnessProblem]:
    stored = _stored_hashes(witnesses)
    keys: dict[str, str | None] = {}
    problems = []
    for witness in witnesses:
        what = _witness_finding(witness, report.chains[witness.chain], stored, keys)
        if what:
            problems.append(WitnessProblem(witness, what))
    return problems


def _stored_hashes(witnesses: list[Witness]) -> dict[tuple[str, int], str]:
    """The hash the database holds now at each witnessed (chain, seq), in a few queries."""
    wanted: dict[str, set[int]] = {}
    for witness in witnesses:
        wanted.setdefault(witness.chain, set()).add(witness.seq)
    found = {}
    for chain, seqs in wanted.items():
        ordered = sorted(seqs)
        for start in range(0, len(ordered), _PAGE):
            rows = Entry.objects.filter(chain=chain, seq__in=ordered[start : start + _PAGE])
            for seq, digest in rows.values_list("seq", "hash"):
                found[(chain, seq)] = digest
    return found


def _witness_finding(
    witness: Witness,
    chain: ChainReport,
    stored: dict[tuple[str, int], str],
    keys: dict[str, str | None],
) -> str | None:
    if "signature" in witness.data:
        problem = signature_problem(witness.data) or _key_change(witness, keys)
        if problem:
            return problem
    if witness.seq == 0:
        if witness.hash != GENESIS_HASH:
            return _("an empty chain's head is the genesis hash (64 zeros), not %(hash)s") % {
                "hash": _short(witness.hash)
            }
        return None
    digest = stored.get((witness.chain, witness.seq))
    if digest is None:
        return _(
            "the witnessed entry %(seq)s (hash %(hash)s) is missing: the chain now ends at "
            "entry %(ends)s"
        ) % {"seq": witness.seq, "hash": _short(witness.hash), "ends": chain.last_seq}
    if digest != witness.hash:
        return _(
            "the chain holds hash %(stored)s at entry %(seq)s where the witness kept "
            "%(kept)s: the chain was rewritten at or before this entry"
        ) % {"stored": _short(digest), "seq": witness.seq, "kept": _short(witness.hash)}
    earlier = [p for p in chain.problems if 1 <= p.seq <= witness.seq]
    if earlier:
        return _("the chain does not verify up to this entry: %(problem)s") % {
            "problem": earlier[0]
        }
    return None


def _key_change(witness: Witness, keys: dict[str, str | None]) -> str | None:
    """A signed head by another key than the chain's key file holds now (only where the key
    file is at hand: an outside auditor checks signatures, not the operator's files)."""
    if witness.chain not in keys:
        try:
            keys[witness.chain] = public_key_hex(private_key(witness.chain))
        except KeyFileError:
            keys[witness.chain] = None
    now = keys[witness.chain]
    signer = witness.data.get("public_key")
    if now is None or signer == now:
        return None
    return _(
        "it is signed by the key with fingerprint %(then)s, but the chain's key file now holds "
        "the key with fingerprint %(now)s: the key was replaced"
    ) % {"then": _short(fingerprint(signer)), "now": _short(fingerprint(now))}


def _unwitnessed_ends(server_heads: list[Witness], report: Report) -> list[WitnessProblem]:
    last: dict[str, Witness] = {}
    for witness in server_heads:
        if witness.chain not in last or witness.seq > last[witness.chain].seq:
            last[witness.chain] = witness
    problems = []
    for chain, witness in sorted(last.items()):
        ends = report.chains[chain].last_seq
        if ends > witness.seq:
            problems.append(
                WitnessProblem(
                    witness,
                    _(
                        "the chain goes on to entry %(ends)s, but the server witnessed no head "
                        "after entry %(seq)s: entries %(first)s to %(ends)s were written behind "
                        "Comuna's back (or the witness file could not be written: see the log)"
                    )
                    % {"ends": ends, "seq": witness.seq, "first": witness.seq + 1},
                )
            )
    return problems
