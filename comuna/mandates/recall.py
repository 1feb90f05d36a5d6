"""Recall: a residents' petition (or the comptroller unit) → the comptroller's report → the recall
vote in assembly → carried, the seat handed on the same day.

- :func:`start` a petition (the starter signs it), :func:`sign` it in the app, or
  :func:`enter_paper_signatures` from a paper sheet (read by the assemblies' own
  :func:`comuna.assemblies.convening.read_paper_sheet`); each signature is checked against the
  register and counted once. At the threshold (the statute's share of the register frozen at
  the start, rounded up) the recall waits for the comptroller's report, due
  ``recall_report_days`` after.
- :func:`initiate`: the comptroller unit starts a recall with no petition; its report is due
  from today.
- :func:`report`: the comptroller's report, accepted late but shown late; the recall vote is
  due ``recall_assembly_days`` after it.
- :func:`put_to_vote`: the electoral commission puts it on a coming assembly's agenda (while it
  may be amended) or on the agenda of the assembly in session. The item asks for a **simple
  majority of those present**, under the statute's quorum: the reading of the 2009 law (art. 38
  of the Ley Orgánica de los Consejos Comunales gives the recall to the assembly of citizens,
  which decides by the majority of those present once its quorum is met).
- :func:`on_decided`: the assemblies' decision of the item's main motion. Carried, the
  mandate ends today and its substitute (the one of the same seat first) takes the seat today;
  with no substitute the mandate ends and an election is convened for the seat, on the
  calendar of :func:`election_calendar`. Rejected, the spokesperson stays.

Every step writes its ``recall.*`` entry in its transaction; each kind has its ``ledger verify``
check below, and the chain check counts each recall's signatures against those recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.assemblies import convening
from comuna.assemblies.convening import LineOutcome, PaperLine
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import AgendaItem, Assembly, Majority, Motion, Outcome, Status
from comuna.i18n import site_language
from comuna.ledger import entries, record
from comuna.mandates.errors import MandateError
from comuna.mandates.models import (
    Recall,
    RecallOrigin,
    RecallSignature,
    RecallStatus,
    SignatureSource,
)
from comuna.territory import census, records, services, statutes
from comuna.territory.actors import SystemActor, acting_user, actor_label
from comuna.territory.models import Body, Mandate, MandateKind, Resident

__all__ = [
    "LineOutcome",
    "PaperLine",
    "election_calendar",
    "enter_paper_signatures",
    "initiate",
    "is_late",
    "on_decided",
    "put_to_vote",
    "report",
    "sign",
    "start",
]

OPEN = (RecallStatus.COLLECTING, RecallStatus.REPORT, RecallStatus.VOTE)
GROUNDS_MAX = 3000


# --- starting ------------------------------------------------------------------------------


def _resident_of(by: Any) -> Resident | None:
    if isinstance(by, SystemActor):
        return None
    return Resident.objects.filter(user_id=getattr(by, "pk", None)).first()


def _signer(body: Body, by: Any) -> Resident:
    """The acting user's resident, on today's register of ``body``."""
    resident = _resident_of(by)
    if (
        resident is None
        or not census.register(body, on=timezone.localdate()).filter(pk=resident.pk).exists()
    ):
        raise MandateError(
            _("Only residents on the electoral register of %(body)s may sign a recall petition.")
            % {"body": body.name}
        )
    return resident


def _grounds(grounds: str) -> str:
    grounds = (grounds or "").strip()
    if not grounds:
        raise MandateError(_("Say why the spokesperson should be recalled."))
    if len(grounds) > GROUNDS_MAX:
        raise MandateError(_("The grounds take at most %(n)s characters.") % {"n": GROUNDS_MAX})
    return grounds


def _recallable(mandate: Mandate) -> Mandate:
    """The mandate, locked (one open recall per mandate), when it is a spokesperson's mandate
    in force today with no open recall."""
    mandate = (
        Mandate.objects.select_for_update(of=("self",))
        .select_related("body", "resident", "organ")
        .get(pk=mandate.pk)
    )
    if (
        mandate.kind != MandateKind.SPOKESPERSON
        or mandate.organ_id is None
        or not mandate.is_active(timezone.localdate())
    ):
        raise MandateError(_("Only a spokesperson in office can be recalled."))
    if Recall.objects.filter(mandate=mandate, status__in=OPEN).exists():
        raise MandateError(
            _("A recall of this spokesperson is already under way: sign or follow that one.")
        )
    return mandate


def started_payload(recall: Recall) -> dict[str, Any]:
    return {
        "body": recall.body.slug,
        "recall": recall.pk,
        "mandate": recall.mandate_id,
        "resident": recall.mandate.resident_id,
        "organ": recall.mandate.organ_id,
        "origin": recall.origin,
        "grounds": recall.grounds,
        "statute_version": recall.statute.number,
        "register_size": recall.register_size,
        "threshold": recall.threshold,
        "started_by": recall.started_by_id,
    }


@transaction.atomic
def start(mandate: Mandate, *, grounds: str, by: Any) -> Recall:
    """A resident on the register starts a petition to recall a spokesperson, and signs it
    first. The register's size is frozen now; the threshold is the statute's share of it,
    rounded up."""
    actor = actor_label(by)
    grounds = _grounds(grounds)
    mandate = _recallable(mandate)
    body = mandate.body
    resident = _signer(body, by)
    statute = statutes.current(body)
    size = census.register(body, on=timezone.localdate()).count()
    recall = Recall.objects.create(
        body=body,
        mandate=mandate,
        origin=RecallOrigin.PETITION,
        grounds=grounds,
        statute=statute,
        register_size=size,
        threshold=statute.recall_signatures(size),
        started_by=resident,
        started_at=timezone.now(),
    )
    record(body.ledger_chain, "recall.started", started_payload(recall), actor=actor)
    _sign_one(recall, resident, by, actor)
    return recall


@transaction.atomic
def initiate(mandate: Mandate, *, grounds: str, by: Any) -> Recall:
    """The comptroller unit starts a recall with no petition: its report is due
    ``recall_report_days`` from today."""
    actor = actor_label(by)
    grounds = _grounds(grounds)
    mandate = _recallable(mandate)
    body = mandate.body
    statute = statutes.current(body)
    now = timezone.now()
    recall = Recall.objects.create(
        body=body,
        mandate=mandate,
        origin=RecallOrigin.COMPTROLLER,
        grounds=grounds,
        status=RecallStatus.REPORT,
        statute=statute,
        started_by=_resident_of(by),
        started_at=now,
        reached_at=now,
        report_due=timezone.localdate() + timedelta(days=statute.recall_report_days),
    )
    record(
        body.ledger_chain,
        "recall.started",
        {**started_payload(recall), "report_due": recall.report_due.isoformat()},
        actor=actor,
    )
    return recall


# --- signatures ----------------------------------------------------------------------------


def _locked(recall: Recall) -> Recall:
    return recall.locked()


def _refuse_unless_collecting(recall: Recall) -> None:
    if recall.status != RecallStatus.COLLECTING:
        raise MandateError(_("This recall petition no longer collects signatures."))


def _sign_one(recall: Recall, resident: Resident, by: Any, actor: str) -> RecallSignature:
    signature = RecallSignature.objects.create(
        recall=recall, resident=resident, source=SignatureSource.APP, entered_by=acting_user(by)
    )
    record(
        recall.body.ledger_chain,
        "recall.signed",
        {"recall": recall.pk, "resident": resident.pk, "source": SignatureSource.APP},
        actor=actor,
    )
    _reached_if_so(recall, actor)
    return signature


def _reached_if_so(recall: Recall, actor: str) -> None:
    """At the threshold the petition is done: the comptroller's report is due
    ``recall_report_days`` after."""
    count = recall.signatures.count()
    if recall.status != RecallStatus.COLLECTING or count < recall.threshold:
        return
    recall.status = RecallStatus.REPORT
    recall.reached_at = timezone.now()
    recall.report_due = timezone.localdate() + timedelta(days=recall.statute.recall_report_days)
    recall.save(update_fields=["status", "reached_at", "report_due"])
    record(
        recall.body.ledger_chain,
        "recall.reached",
        {
            "recall": recall.pk,
            "signatures": count,
            "threshold": recall.threshold,
            "report_due": recall.report_due.isoformat(),
        },
        actor=actor,
    )


@transaction.atomic
def sign(recall: Recall, *, by: Any) -> RecallSignature:
    """Sign a recall petition in the app, once, as a resident on today's register."""
    actor = actor_label(by)
    recall = _locked(recall)
    _refuse_unless_collecting(recall)
    resident = _signer(recall.body, by)
    if recall.signatures.filter(resident=resident).exists():
        raise MandateError(
            _("You have already signed this petition (in the app or on paper); it counts once.")
        )
    return _sign_one(recall, resident, by, actor)


@transaction.atomic
def enter_paper_signatures(recall: Recall, documents: list[str], *, by: Any) -> list[PaperLine]:
    """The electoral commission counts a paper sheet: one identity document per line, each
    checked against today's register; one outcome per line (counted, not on the register,
    already signed, unknown document, blank). Nobody is ever counted twice."""
    actor = actor_label(by)
    recall = _locked(recall)
    _refuse_unless_collecting(recall)
    if not any(d and d.strip() for d in documents):
        raise MandateError(_("Enter one identity document per line."))
    signed = set(recall.signatures.values_list("resident_id", flat=True))
    lines = convening.read_paper_sheet(recall.body, documents, signed)
    counted = [line.resident for line in lines if line.outcome == LineOutcome.COUNTED]
    if counted:
        RecallSignature.objects.bulk_create(
            RecallSignature(
                recall=recall,
                resident=resident,
                source=SignatureSource.PAPER,
                entered_by=acting_user(by),
            )
            for resident in counted
        )
        record(
            recall.body.ledger_chain,
            "recall.signed",
            {
                "recall": recall.pk,
                "residents": [r.pk for r in counted],
                "source": SignatureSource.PAPER,
                "lines": len(lines),
            },
            actor=actor,
        )
        _reached_if_so(recall, actor)
    return lines


# --- the comptroller's report ------------------------------------------------------------------


def is_late(recall: Recall) -> bool:
    """The report was filed after its deadline (it is accepted, and shown late)."""
    return (
        recall.report_at is not None
        and recall.report_due is not None
        and timezone.localdate(recall.report_at) > recall.report_due
    )


@transaction.atomic
def report(recall: Recall, *, text: str, by: Any) -> Recall:
    """The comptroller unit files its report (late ones too, flagged late); the recall vote in
    assembly is then due ``recall_assembly_days`` after it."""
    actor = actor_label(by)
    recall = _locked(recall)
    if recall.status != RecallStatus.REPORT:
        raise MandateError(_("This recall is not waiting for the comptroller's report."))
    text = (text or "").strip()
    if not text:
        raise MandateError(_("Write the report: what the comptroller unit found."))
    recall.report = text
    recall.report_at = timezone.now()
    recall.vote_due = timezone.localdate() + timedelta(days=recall.statute.recall_assembly_days)
    recall.status = RecallStatus.VOTE
    recall.save(update_fields=["report", "report_at", "vote_due", "status"])
    record(
        recall.body.ledger_chain,
        "recall.reported",
        {
            "recall": recall.pk,
            "report": recall.report,
            "reported_on": timezone.localdate(recall.report_at).isoformat(),
            "late": is_late(recall),
            "vote_due": recall.vote_due.isoformat(),
        },
        actor=actor,
    )
    return recall


# --- the recall vote -------------------------------------------------------------------------


def item_text(recall: Recall) -> str:
    return site_language(
        format_lazy(
            gettext_lazy("Recall of {name}, spokesperson of {organ}"),
            name=recall.mandate.resident,
            organ=recall.mandate.organ,
        )
    )[:300]


def schedulable(body: Body) -> list[Assembly]:
    """The assemblies a recall vote may go to: the one in session, then the coming ones whose
    agenda may still be amended."""
    in_session = list(body.assemblies.filter(status=Status.IN_SESSION).order_by("starts_at"))
    return in_session + convening.coming_amendable(body)


def _on_agenda(recall: Recall) -> bool:
    """The recall's item is on an agenda still to be dealt with."""
    item = recall.item
    return (
        item is not None
        and not item.withdrawn
        and item.assembly.status in (Status.CONVENED, Status.IN_SESSION)
    )


@transaction.atomic
def put_to_vote(recall: Recall, assembly: Assembly, *, by: Any) -> AgendaItem:
    """Put the recall vote on the agenda of the assembly in session, or of a coming assembly
    while its agenda may be amended (the notice deadline). The item asks for a simple majority
    of those present, under the statute's quorum (see the module's docstring)."""
    actor = actor_label(by)
    recall = _locked(recall)
    if recall.status != RecallStatus.VOTE:
        raise MandateError(_("Only a recall with the comptroller's report goes to a vote."))
    if _on_agenda(recall):
        raise MandateError(
            _("This recall is already on the agenda of %(assembly)s.")
            % {"assembly": recall.item.assembly.title}
        )
    assembly = assembly.locked()
    if assembly.body_id != recall.body_id:
        raise MandateError(_("That assembly is of another body."))
    text = item_text(recall)
    reason = site_language(gettext_lazy("A recall vote, after the comptroller's report."))
    try:
        if assembly.status == Status.IN_SESSION:
            item = convening.add_item_in_session(
                assembly, text=text, majority=Majority.SIMPLE, reason=reason, actor=actor
            )
        else:
            before = set(assembly.items.values_list("pk", flat=True))
            convening.amend_agenda(
                assembly,
                add=[{"text": text, "description": recall.grounds, "majority": Majority.SIMPLE}],
                reason=reason,
                by=by,
            )
            item = assembly.items.exclude(pk__in=before).get()
    except AssemblyError as exc:
        raise MandateError(" ".join(exc.messages)) from None
    recall.item = item
    recall.save(update_fields=["item"])
    record(
        recall.body.ledger_chain,
        "recall.scheduled",
        {"recall": recall.pk, "assembly": assembly.pk, "item": item.pk},
        actor=actor,
    )
    return item


def election_calendar(today: date) -> dict[str, date]:
    """The calendar of the election convened for a seat a recall left with no substitute:
    candidacies open tomorrow for 7 days, objections for 3 days after, the vote a week after
    objections close, and the elected take the seat the day after the vote."""
    opens = today + timedelta(days=1)
    closes = opens + timedelta(days=6)
    objections = closes + timedelta(days=3)
    vote = objections + timedelta(days=7)
    return {
        "candidacy_opens": opens,
        "candidacy_closes": closes,
        "objections_close": objections,
        "vote_on": vote,
        "term_starts": vote + timedelta(days=1),
    }


def _by(actor: str) -> Any:
    """Who decided, from the ledger's label the decision passes on: a user, or a system actor."""
    kind, _sep, name = actor.partition(":")
    if kind == "user":
        return get_user_model().objects.get(pk=int(name))
    return SystemActor(name)


def _convene_for_seat(recall: Recall, mandate: Mandate, by: Any) -> Any:
    """An election for the seat left empty; None when it cannot be convened (no declared
    seats): the electoral commission then convenes it by hand."""
    from comuna.mandates import elections

    organ = mandate.organ
    contests = [(organ, [mandate.seat])] if mandate.seat_id else [organ]
    title = site_language(
        format_lazy(gettext_lazy("Election for the seat of {organ}"), organ=organ)
    )
    try:
        with transaction.atomic():
            return elections.convene(
                recall.body,
                title=title[:200],
                contests=contests,
                recall=recall,
                by=by,
                **election_calendar(timezone.localdate()),
            )
    except MandateError:
        return None


def on_decided(sender, motion: Motion, actor: str, **kwargs: Any) -> None:
    """The assemblies decided a motion: when it is the main motion on a recall's item, the
    recall is decided with it, in the same transaction (an error here undoes the decision)."""
    if motion.amends_id is not None:
        return
    found = Recall.objects.filter(item_id=motion.item_id).first()
    if found is None:
        return
    recall = found.locked()
    if recall.status != RecallStatus.VOTE:
        return
    today = timezone.localdate()
    by = _by(actor)
    recall.motion = motion
    recall.decided_at = timezone.now()
    mandate = recall.mandate
    if motion.outcome == Outcome.CARRIED:
        recall.status = RecallStatus.CARRIED
        reason = site_language(gettext_lazy("Recalled by the assembly"))
        if mandate.is_active(today):
            if services.substitute_for(mandate, today) is not None:
                recall.successor = services.replace_by_substitute(
                    mandate, on=today, reason=reason, by=by
                )
            else:
                services.end_mandate(mandate, on=today, reason=reason, by=by)
                recall.election = _convene_for_seat(recall, mandate, by)
        mandate.refresh_from_db()
    else:
        recall.status = RecallStatus.REJECTED
    recall.save(update_fields=["status", "motion", "decided_at", "successor", "election"])
    record(recall.body.ledger_chain, "recall.decided", decided_payload(recall), actor=actor)


def decided_payload(recall: Recall) -> dict[str, Any]:
    return {
        "recall": recall.pk,
        "motion": recall.motion_id,
        "outcome": recall.status,
        "mandate": recall.mandate_id,
        "ended_on": recall.mandate.ends_on.isoformat()
        if recall.status == RecallStatus.CARRIED and recall.mandate.ends_on
        else None,
        "successor": recall.successor_id,
        "election": recall.election_id,
    }


# --- deadlines -------------------------------------------------------------------------------


def recall_deadlines(body: Body, mandate: Mandate | None = None, today: date | None = None):
    """The comptroller's report and the recall vote of each recall of ``body`` (of ``mandate``
    only, when given): open until met."""
    recalls = Recall.objects.filter(body=body).exclude(report_due=None)
    if mandate is not None:
        recalls = recalls.filter(mandate=mandate)
    for recall in recalls.select_related("mandate__resident", "body"):
        yield from dues_of(recall)


def dues_of(recall: Recall) -> list:
    """The deadlines of one recall (none while its petition collects signatures)."""
    from comuna.mandates.deadlines import Due

    if recall.report_due is None:
        return []
    url = reverse("recall", kwargs={"slug": recall.body.slug, "pk": recall.pk})
    name = recall.mandate.resident
    found = [
        Due(
            what=format_lazy(
                gettext_lazy("The comptroller's report on the recall of {name}"), name=name
            ),
            due_on=recall.report_due,
            url=url,
            mandate_id=recall.mandate_id,
            done=recall.report_at is not None or recall.status not in OPEN,
        )
    ]
    if recall.vote_due is not None:
        found.append(
            Due(
                what=format_lazy(
                    gettext_lazy("The assembly's vote on the recall of {name}"), name=name
                ),
                due_on=recall.vote_due,
                url=url,
                mandate_id=recall.mandate_id,
                done=recall.status not in OPEN,
            )
        )
    return found


DEADLINES = (recall_deadlines,)


# --- ledger checks ---------------------------------------------------------------------------


def _recall_of(entry) -> tuple[Recall | None, str | None]:
    recall = (
        Recall.objects.select_related("body", "statute", "mandate")
        .filter(pk=entry.data.get("recall"))
        .first()
    )
    if recall is None:
        return None, _("recall %(recall)s is missing from the database") % {
            "recall": entry.data.get("recall")
        }
    if recall.body.ledger_chain != entry.chain:
        return None, _("recall %(recall)s belongs to another body") % {"recall": recall.pk}
    return recall, None


def _differs(recall: Recall, fields: Iterable[str]) -> str:
    return _("recall %(recall)s differs from its entry: %(fields)s") % {
        "recall": recall.pk,
        "fields": ", ".join(fields),
    }


def _changed(recorded: dict, now: dict) -> list[str]:
    return sorted(key for key in now if now[key] != recorded.get(key))


def check_started(entry) -> str | None:
    recall, problem = _recall_of(entry)
    if recall is None:
        return problem
    now = started_payload(recall)
    if "report_due" in entry.data:
        now["report_due"] = recall.report_due.isoformat() if recall.report_due else None
    changed = _changed(entry.data, now)
    return _differs(recall, changed) if changed else None


def check_signed(entry) -> str | None:
    recall, problem = _recall_of(entry)
    if recall is None:
        return problem
    data = entry.data
    residents = data.get("residents") or [data.get("resident")]
    found = recall.signatures.filter(resident_id__in=residents, source=data.get("source"))
    if found.count() != len(residents):
        return _("a signature of recall %(recall)s recorded here is missing") % {
            "recall": recall.pk
        }
    return None


def check_reached(entry) -> str | None:
    recall, problem = _recall_of(entry)
    if recall is None:
        return problem
    if recall.status == RecallStatus.COLLECTING:
        return _("recall %(recall)s reached its threshold, but it says otherwise") % {
            "recall": recall.pk
        }
    now = {
        "threshold": recall.threshold,
        "report_due": recall.report_due.isoformat() if recall.report_due else None,
    }
    changed = _changed(entry.data, now)
    return _differs(recall, changed) if changed else None


def check_reported(entry) -> str | None:
    recall, problem = _recall_of(entry)
    if recall is None:
        return problem
    if recall.report_at is None:
        return _("recall %(recall)s has no report, but one was filed") % {"recall": recall.pk}
    now = {
        "report": recall.report,
        "reported_on": timezone.localdate(recall.report_at).isoformat(),
        "late": is_late(recall),
        "vote_due": recall.vote_due.isoformat() if recall.vote_due else None,
    }
    changed = _changed(entry.data, now)
    return _differs(recall, changed) if changed else None


def check_scheduled(entry) -> str | None:
    recall, problem = _recall_of(entry)
    if recall is None:
        return problem
    item = AgendaItem.objects.filter(pk=entry.data.get("item")).first()
    if item is None or item.assembly_id != entry.data.get("assembly"):
        return _("recall %(recall)s is not on the agenda its entry names") % {"recall": recall.pk}
    return None


def check_decided(entry) -> str | None:
    recall, problem = _recall_of(entry)
    if recall is None:
        return problem
    changed = _changed(entry.data, decided_payload(recall))
    return _differs(recall, changed) if changed else None


def check_signatures(chain: str) -> list[tuple[int, str, str]]:
    """Per chain: each recall holds exactly the signatures its entries recorded (none slipped
    in with SQL)."""
    body = records.body_of_chain(chain)
    if body is None:
        return []
    recorded: dict[int, int] = defaultdict(int)
    for entry in entries(chain).filter(kind="recall.signed").only("payload", "kind"):
        data = entry.data
        recorded[data["recall"]] += len(data.get("residents") or [data.get("resident")])
    problems = []
    for recall in Recall.objects.filter(body=body):
        count = recall.signatures.count()
        if count != recorded.get(recall.pk, 0):
            problems.append(
                (
                    0,
                    "",
                    _("recall %(recall)s has %(now)s signatures; %(then)s were recorded")
                    % {"recall": recall.pk, "now": count, "then": recorded.get(recall.pk, 0)},
                )
            )
    return problems


# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {
    "recall.started": (check_started, gettext_lazy("Recall started")),
    "recall.signed": (check_signed, gettext_lazy("Recall petition signed")),
    "recall.reached": (check_reached, gettext_lazy("Recall petition reached its threshold")),
    "recall.reported": (check_reported, gettext_lazy("Comptroller's report on a recall")),
    "recall.scheduled": (check_scheduled, gettext_lazy("Recall vote put on an agenda")),
    "recall.decided": (check_decided, gettext_lazy("Recall decided by the assembly")),
}
CHAIN_CHECKS: dict = {"recall.signatures": check_signatures}
