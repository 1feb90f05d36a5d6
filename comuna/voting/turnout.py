"""Turnout of a poll over its frozen register, and the statute's poll quorum.

Recorded when a poll closes (in ``Poll.result`` and the ``poll.closed`` entry) and re-derived
by ``comuna ledger verify``: the register (the poll's Voter rows), the ballots counted online
and on paper, the quorum of the statute version the poll opened under, and whether it was met.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from comuna.voting.models import Poll, Source

if TYPE_CHECKING:
    from comuna.voting.tally import Counted


def turnout(poll: Poll, counted: Counted) -> dict[str, int]:
    """``register`` (voters on the frozen register), ``online`` and ``paper`` ballots
    counted, and ``ballots``, their sum."""
    online = sum(1 for b in counted.ballots if b.source == Source.ONLINE)
    paper = len(counted.ballots) - online + sum(t.n_ballots for t in counted.totals)
    return {
        "register": poll.voters.count(),
        "online": online,
        "paper": paper,
        "ballots": online + paper,
    }


def share(figures: dict[str, int]) -> Decimal | None:
    """Ballots as a percentage of the register, to one decimal (None for an empty register)."""
    if not figures["register"]:
        return None
    exact = Decimal(figures["ballots"] * 100) / Decimal(figures["register"])
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def quorum(poll: Poll, figures: dict[str, int]) -> dict[str, Any]:
    """The poll quorum of the statute version the poll opened under: its share of the
    register (``pct``), the fewest ballots it asks for (``needed``), and whether they were
    cast (``met``). A poll without a statute version, or a statute without a poll quorum,
    needs 0 ballots."""
    statute = poll.statute
    needed = statute.poll_quorum(figures["register"]) if statute else 0
    return {
        "statute_version": statute.number if statute else None,
        "pct": str(statute.poll_quorum_pct) if statute else "0.00",
        "needed": needed,
        "met": figures["ballots"] >= needed,
    }


def recorded(poll: Poll, counted: Counted) -> dict[str, Any]:
    """What a closing records about turnout and quorum, in the result and in its entry."""
    figures = turnout(poll, counted)
    return {"turnout": figures, "quorum": quorum(poll, figures)}


def check_recorded(poll: Poll, payload: dict[str, Any], counted: Counted) -> str | None:
    """``ledger verify``: the turnout and quorum a ``poll.closed`` entry recorded are those
    the register, the ballots and the statute version give now. Entries written before
    closings recorded them carry neither, and have nothing to compare."""
    if "quorum" not in payload and "turnout" not in payload:
        return None
    now = recorded(poll, counted)
    changed = [key for key in ("turnout", "quorum") if payload.get(key) != now[key]]
    if changed:
        return _(
            "the turnout or quorum of poll %(poll)s differs from what was recorded: "
            "%(then)s recorded, %(now)s now"
        ) % {
            "poll": poll.pk,
            "then": {k: payload.get(k) for k in changed},
            "now": {k: now[k] for k in changed},
        }
    return None
