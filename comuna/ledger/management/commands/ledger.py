"""``comuna ledger verify [--body SLUG] [--witness FILE ...] [--no-server-witness]``,
``comuna ledger head [--body SLUG] [--json]`` and ``comuna ledger keys [--body SLUG]``.

Chains are named by the labels their apps register (``comuna.ledger.labels``: territory names a
body's chain by the body's short name). ``verify`` also checks every witnessed head given with
``--witness`` and, unless told not to, the server's own witness file. ``head --json`` prints
each body's signed head, one JSON line each, as ``/b/<slug>/ledger/head.json`` serves it.
``keys`` makes the signing key of every body that has none. Exit status: 0 all verified, 1 a
bad entry or witness, 2 bad usage.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comuna.ledger import labels as chain_labels
from comuna.ledger import signing, witness
from comuna.ledger.canonical import canonical_json
from comuna.ledger.hashing import utc_text
from comuna.ledger.services import chains as ledger_chains
from comuna.ledger.services import head
from comuna.ledger.verification import verify


class Command(BaseCommand):
    help = "Verify the ledger's chains and recorded outcomes, or print each body's head hash."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,head,keys}")
        verify_parser = actions.add_parser(
            "verify", help="recompute every chain and re-check every recorded outcome"
        )
        verify_parser.add_argument(
            "--witness",
            action="append",
            default=[],
            metavar="FILE",
            help="a file of witnessed heads (JSON lines of chain, seq, hash); repeatable",
        )
        verify_parser.add_argument(
            "--no-server-witness",
            action="store_true",
            help="do not read the server's own witness file (COMUNA_WITNESS_FILE)",
        )
        head_parser = actions.add_parser("head", help="print each chain's published head hash")
        head_parser.add_argument(
            "--json", action="store_true", help="print each body's signed head as a JSON line"
        )
        keys_parser = actions.add_parser(
            "keys", help="make the signing key of every body that has none"
        )
        for sub in (verify_parser, head_parser, keys_parser):
            sub.add_argument("--body", metavar="SLUG", help="only this body (its short name)")

    def handle(self, *args, action: str, body: str | None = None, **options):
        labels = self._labels(body)
        if action == "verify":
            only = labels if body else None
            own = witness.server_file()
            server_heads = []
            if not options["no_server_witness"] and own is not None and own.exists():
                server_heads = self._witnesses([own], only)
            self._verify(labels, self._witnesses(options["witness"], only), server_heads)
        elif action == "keys":
            self._keys(labels)
        elif options["json"]:
            self._signed_heads(labels)
        else:
            self._head(labels)

    def _witnesses(self, files, only: dict[str, str] | None) -> list:
        found = []
        for path in files:
            try:
                found += witness.read(path)
            except witness.WitnessFileError as exc:
                raise CommandError(str(exc), returncode=2) from None
        return [w for w in found if only is None or w.chain in only]

    def _labels(self, slug: str | None) -> dict[str, str]:
        """Chain name -> what to call it, in the order to report them."""
        if slug is not None:
            found = chain_labels.find_chain(slug)
            if found is None:
                raise CommandError(
                    _("There is no body with the short name %(slug)r.") % {"slug": slug},
                    returncode=2,
                )
            return {found: slug}
        labels = chain_labels.labels()
        for chain in ledger_chains():
            labels.setdefault(chain, chain)  # a chain of no (longer existing) body
        return labels

    def _verify(self, labels: dict[str, str], given: list, server_heads: list) -> None:
        witnessed = [*given, *server_heads]
        for chain in sorted({w.chain for w in witnessed} - set(labels)):
            labels[chain] = chain  # a witnessed chain the database no longer knows
        report = verify(list(labels), given, server_heads)
        for chain, label in labels.items():
            result = report.chains[chain]
            if result.ok:
                self.stdout.write(
                    f"{label}: {_summary(result.entries, result.checks_run)}, "
                    f"{_head_text(result.head_hash, short=True)}"
                )
            else:
                first, *more = result.problems
                self.stderr.write(f"{label}: {_bad_entry(first)}")
                self._more(_bad_entry(p) for p in more)
        if witnessed and not report.witness_problems:
            self.stdout.write(
                ngettext(
                    "%(n)s witnessed head is on its chain.",
                    "All %(n)s witnessed heads are on their chains.",
                    len(witnessed),
                )
                % {"n": len(witnessed)}
            )
        if report.ok:
            self.stdout.write(
                _("Ledger verified: %(chains)s chains, %(summary)s.")
                % {
                    "chains": len(report.chains),
                    "summary": _summary(report.entries, report.checks_run),
                }
            )
            return
        if report.witness_problems:
            first_witness = report.witness_problems[0]
            w = first_witness.witness
            self.stderr.write(
                ngettext(
                    "%(n)s witnessed head is not on its chain.",
                    "%(n)s witnessed heads are not on their chains.",
                    len(report.witness_problems),
                )
                % {"n": len(report.witness_problems)}
            )
            self._more(
                f"{p.witness.where}: {p.witness.chain} #{p.witness.seq}: {p.what}"
                for p in report.witness_problems
            )
            raise CommandError(
                _(
                    "The ledger does not verify: the witness at %(where)s (%(label)s, entry %(seq)s): %(what)s"
                )
                % {
                    "where": w.where,
                    "label": labels.get(w.chain, w.chain),
                    "seq": w.seq,
                    "what": first_witness.what,
                },
                returncode=1,
            )
        first = report.problems[0]
        raise CommandError(
            _("The ledger does not verify: %(label)s, %(entry)s")
            % {"label": labels[first.chain], "entry": _bad_entry(first)},
            returncode=1,
        )

    def _head(self, labels: dict[str, str]) -> None:
        for chain, label in labels.items():
            published = head(chain)
            if published is None:
                self.stdout.write(f"{label}: {_('no entries yet')}")
            else:
                self.stdout.write(
                    _("%(label)s: entry %(seq)s, head %(hash)s, at %(at)s")
                    % {
                        "label": label,
                        "seq": published.seq,
                        "hash": published.hash,
                        "at": utc_text(published.updated_at),
                    }
                )

    def _more(self, lines, shown: int = 20) -> None:
        """Further problems, indented, at most ``shown`` of them."""
        lines = list(lines)
        for line in lines[:shown]:
            self.stderr.write(f"  {line}")
        if len(lines) > shown:
            self.stderr.write("  " + _("… and %(n)s more") % {"n": len(lines) - shown})

    def _signed_heads(self, labels: dict[str, str]) -> None:
        for chain, label in labels.items():
            try:
                document = signing.head_document(chain, label)
            except signing.KeyFileError as exc:
                raise CommandError(str(exc), returncode=1) from None
            self.stdout.write(canonical_json(document))

    def _keys(self, labels: dict[str, str]) -> None:
        made = 0
        for chain, label in labels.items():
            made += signing.ensure_key(chain)
            try:
                public = signing.public_key_hex(signing.private_key(chain))
            except signing.KeyFileError as exc:
                raise CommandError(str(exc), returncode=1) from None
            self.stdout.write(
                _("%(label)s: key fingerprint %(fingerprint)s")
                % {"label": label, "fingerprint": signing.fingerprint(public)}
            )
        self.stdout.write(ngettext("%(n)s key made.", "%(n)s keys made.", made) % {"n": made})


def _summary(entries: int, checks: int) -> str:
    return (
        ngettext("%(n)s entry", "%(n)s entries", entries) % {"n": entries}
        + ", "
        + ngettext("%(n)s check", "%(n)s checks", checks) % {"n": checks}
    )


def _head_text(digest: str, *, short: bool) -> str:
    if not digest:
        return _("no head yet")
    return _("head %(hash)s") % {"hash": digest[:12] + "…" if short else digest}


def _bad_entry(problem) -> str:
    return _("entry %(seq)s (%(kind)s): %(what)s") % {
        "seq": problem.seq,
        "kind": problem.kind or _("missing"),
        "what": problem.what,
    }
