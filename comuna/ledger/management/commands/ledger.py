"""``comuna ledger verify [--body SLUG]`` and ``comuna ledger head [--body SLUG]``.

Chains are named by the labels their apps register (``comuna.ledger.labels``: territory names a
body's chain by the body's short name). Exit status: 0 all verified, 1 a bad entry, 2 bad usage.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comuna.ledger import labels as chain_labels
from comuna.ledger.hashing import utc_text
from comuna.ledger.services import chains as ledger_chains
from comuna.ledger.services import head
from comuna.ledger.verification import verify


class Command(BaseCommand):
    help = "Verify the ledger's chains and recorded outcomes, or print each body's head hash."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,head}")
        verify_parser = actions.add_parser(
            "verify", help="recompute every chain and re-check every recorded outcome"
        )
        head_parser = actions.add_parser("head", help="print each chain's published head hash")
        for sub in (verify_parser, head_parser):
            sub.add_argument("--body", metavar="SLUG", help="only this body (its short name)")

    def handle(self, *args, action: str, body: str | None = None, **options):
        labels = self._labels(body)
        if action == "verify":
            self._verify(labels)
        else:
            self._head(labels)

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

    def _verify(self, labels: dict[str, str]) -> None:
        report = verify(list(labels))
        for chain, label in labels.items():
            result = report.chains[chain]
            if result.ok:
                self.stdout.write(
                    f"{label}: {_summary(result.entries, result.checks_run)}, "
                    f"{_head_text(result.head_hash, short=True)}"
                )
            else:
                first = result.problems[0]
                self.stderr.write(f"{label}: {_bad_entry(first)}")
        if report.ok:
            self.stdout.write(
                _("Ledger verified: %(chains)s chains, %(summary)s.")
                % {
                    "chains": len(report.chains),
                    "summary": _summary(report.entries, report.checks_run),
                }
            )
            return
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
