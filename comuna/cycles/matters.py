"""What the cycle asks an assembly to decide, each an :class:`~comuna.cycles.models.AssemblyMatter`:
a change to a budget's computed outcome (a ``Deviation``, ``budget.deviation_*``, in
:mod:`comuna.cycles.budgets`) and spending beyond a funded project's allocation (a
``SpendingAuthorisation``, ``expense.authorisation_*``, in :mod:`comuna.cycles.expenses`).

Put on an assembly's agenda (``budgets.put_on_agenda``), a matter waits for the main motion on
its item: :func:`decide` carries or rejects it with that motion (from the assemblies'
``motion_decided``). One whose assembly ended, or failed for lack of quorum, without deciding
it lapses when the next is proposed (:func:`lapse_stale`), so that it can go to another
assembly instead of blocking every later one. Each part records its own ledger entries and
checks them with the checks made here; :func:`undecided` finds, for a part's chain check, a
matter decided or lapsed with no entry saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db.models import QuerySet

from comuna.assemblies.models import Motion, Outcome, Status
from comuna.cycles.models import AssemblyMatter
from comuna.ledger import record
from comuna.ledger.checks import Check, differs

M = TypeVar("M", bound=AssemblyMatter)

# the row an entry names, or None and why not (the part's own lookup)
RowOf = Callable[[Any], "tuple[Any, str | None]"]


def decide(model: type[M], motion: Motion, *, related: Iterable[str]) -> M | None:
    """The matter of ``model`` whose item ``motion`` decides, carried or rejected with it (the
    motion linked), saved and locked, with ``related`` loaded; None when the motion is an
    amendment, on no such matter's item, or the matter is no longer waiting."""
    if motion.amends_id is not None:
        return None
    found = model.objects.filter(item_id=motion.item_id).first()
    if found is None:
        return None
    matter = model.objects.select_for_update(of=("self",)).select_related(*related).get(pk=found.pk)
    statuses = model.statuses
    if matter.status != statuses.PROPOSED:
        return None
    matter.motion = motion
    matter.status = statuses.CARRIED if motion.outcome == Outcome.CARRIED else statuses.REJECTED
    matter.save(update_fields=["motion", "status"])
    return matter


def lapse_stale(
    waiting: QuerySet, *, chain: str, kind: str, payload: Callable[[Any], dict], actor: str
) -> None:
    """Of the matters ``waiting`` for an assembly, each whose assembly ended (or failed for lack
    of quorum) without deciding it lapses, recorded in ``chain`` as ``kind`` with its
    ``payload``."""
    statuses = waiting.model.statuses
    for found in waiting.filter(status=statuses.PROPOSED).select_related("item__assembly"):
        assembly = found.item.assembly if found.item_id else None
        if assembly is not None and assembly.status in (Status.CONVENED, Status.IN_SESSION):
            continue
        found.status = statuses.LAPSED
        found.save(update_fields=["status"])
        record(chain, kind, payload(found), actor=actor)


def where_lapsed(matter: AssemblyMatter) -> dict[str, Any]:
    """The part of a lapse's entry that says where the matter was left undecided."""
    item = matter.item
    return {
        "assembly": item.assembly_id if item else None,
        "assembly_status": item.assembly.status if item else None,
    }


def entry_checks(
    row_of: RowOf,
    what: Any,
    *,
    proposed: Callable[[Any], dict],
    decided: Callable[[Any], dict],
    not_lapsed: Any,
) -> tuple[Check, Check, Check]:
    """A part's ledger checks of the entries saying a matter was proposed, decided and lapsed.
    The first two: the matter (found by ``row_of``) still gives the payload recorded (its
    ``proposed`` or ``decided`` one); ``what`` (lazy) names the kind of matter. The third: the
    matter says it lapsed; ``not_lapsed`` (lazy, naming ``%(id)s``) says it does not."""

    def payload_check(payload: Callable[[Any], dict]) -> Check:
        def check(entry) -> str | None:
            found, problem = row_of(entry)
            if found is None:
                return problem
            return differs(what, found.pk, entry.data, payload(found), every_key=True)

        return check

    def check_lapsed(entry) -> str | None:
        found, problem = row_of(entry)
        if found is None:
            return problem
        if found.status != type(found).statuses.LAPSED:
            return not_lapsed % {"id": found.pk}
        return None

    return payload_check(proposed), payload_check(decided), check_lapsed


def undecided(chain: str, matters: QuerySet, *, key: str, decided: str, lapsed: str) -> list:
    """Of ``matters`` (of the chain's body), those decided or lapsed with no entry of
    ``chain`` saying so: a ``decided`` entry with that outcome, or a ``lapsed`` one, naming
    the matter's id under ``key``."""
    from comuna.ledger import entries

    statuses = matters.model.statuses
    recorded = {
        e.data.get(key): e.data.get("outcome") if e.kind == decided else statuses.LAPSED
        for e in entries(chain).filter(kind__in=[decided, lapsed]).only("payload", "kind")
    }
    return [m for m in matters if m.status != statuses.PROPOSED and recorded.get(m.pk) != m.status]
