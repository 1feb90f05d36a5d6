"""Accounting to the base: the assembly's instructions to its spokespersons (imperative
mandates, each a motion it decides), their named votes in higher bodies beside the instruction
they carried, residents' public questions answered within the statute's days, and the
spokespersons' periodic accounts, approved or rejected by the assembly as a decision.

A spokesperson answers to the assembly of the body of their mandate, and, for a mandate in a
higher body (a council's parliamentarian in the commune), to the assembly of the body they
reside in as well.

Ledger kinds: ``mandate.instructed`` (an instruction decided), ``mandate.votes_recorded``,
``question.asked``, ``question.answered``, ``mandate.accounts_submitted`` and
``mandate.accounts_decided``; each is re-derived from the database by ``ledger verify``. Putting
an instruction or a report to the assembly is the motion's own ``assembly.motion`` entry.
[Owned by the accounting part of the capability.]
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from comuna.assemblies import convening, decisions
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import (
    AgendaItem,
    Assembly,
    Majority,
    Method,
    Motion,
    Outcome,
    Status,
)
from comuna.i18n import site_language
from comuna.ledger import record
from comuna.mandates import deadlines
from comuna.mandates.deadlines import Due
from comuna.mandates.errors import MandateError
from comuna.mandates.models import (
    AccountsReport,
    DecisionStatus,
    Instruction,
    NamedVote,
    Position,
    Question,
)
from comuna.territory.actors import SystemActor, acting_user, actor_label
from comuna.territory.models import Body, Mandate, MandateKind, Resident
from comuna.territory.services import substitute_for

TEXT_MAX = 5000
VOTES = (Position.FOR, Position.AGAINST, Position.ABSTAIN)
OPEN = (Status.CONVENED, Status.IN_SESSION)  # a session an instruction may still be about


# --- helpers ----------------------------------------------------------------------------------


def _resident(by: Any) -> Resident | None:
    if isinstance(by, SystemActor):
        return None
    return Resident.objects.filter(user_id=getattr(by, "pk", None)).first()


def _text(value: str | None, *, missing: str, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise MandateError(missing)
    if len(value) > limit:
        raise MandateError(_("At most %(n)s characters.") % {"n": limit})
    return value


def answers_to(body: Body, mandate: Mandate) -> bool:
    """Whether the holder of ``mandate`` answers to the assembly of ``body``: a mandate of the
    body, or of a body above it held by one of its residents."""
    if mandate.body_id == body.pk:
        return True
    above = {b.pk for b in body.ancestors()}
    return mandate.body_id in above and mandate.resident.body_id in body.descendant_ids()


def spokespersons_of(body: Body, on: date | None = None):
    """The body's spokespersons in office (on ``on``, today by default), by organ."""
    return (
        Mandate.objects.active(on)
        .filter(body=body, kind=MandateKind.SPOKESPERSON, organ__isnull=False)
        .select_related("resident", "organ", "body")
        .order_by("organ__position", "organ__pk", "pk")
    )


def answerable_by(body: Body):
    """The mandates the assembly of ``body`` may instruct and call to account: its own
    spokespersons and those of the bodies above held by its residents."""
    above = [b.pk for b in body.ancestors()]
    own = spokespersons_of(body)
    higher = (
        Mandate.objects.active()
        .filter(
            body_id__in=above,
            kind=MandateKind.SPOKESPERSON,
            organ__isnull=False,
            resident__body_id__in=body.descendant_ids(),
        )
        .select_related("resident", "organ", "body")
    )
    return [*own, *higher.order_by("body__pk", "organ__position", "pk")]


def _spokesperson(mandate: Mandate) -> Mandate:
    mandate = Mandate.objects.select_related("body", "organ", "resident").get(pk=mandate.pk)
    if mandate.kind != MandateKind.SPOKESPERSON or mandate.organ_id is None:
        raise MandateError(_("That mandate is not a spokesperson's."))
    return mandate


def _in_office(mandate: Mandate) -> None:
    if not mandate.is_active():
        raise MandateError(
            _("%(name)s is not in office: the mandate is not in force today.")
            % {"name": mandate.resident}
        )


def _holder(mandate: Mandate, by: Any) -> None:
    resident = _resident(by)
    if resident is None or resident.pk != mandate.resident_id:
        raise MandateError(
            _("Only %(name)s, who holds this mandate, may do this.") % {"name": mandate.resident}
        )


def _assembly_error(exc: AssemblyError) -> MandateError:
    return MandateError(" ".join(exc.messages))


def _body_of(item: AgendaItem | None, assembly: Assembly | None) -> Body:
    if item is not None:
        return item.assembly.body
    if assembly is None:
        raise MandateError(_("Choose the agenda item, or add a new one."))
    return assembly.body


def _item_for(
    item: AgendaItem | None, assembly: Assembly | None, *, text: str, actor: str
) -> AgendaItem:
    """The agenda item to put a motion on: ``item``, or a new item on ``assembly`` in session
    (recorded as an amendment of its agenda)."""
    if item is not None:
        return item
    if assembly is None:
        raise MandateError(_("Choose the agenda item, or add a new one."))
    assembly = assembly.locked()
    try:
        return convening.add_item_in_session(
            assembly,
            text=text[:300],
            majority=Majority.SIMPLE,
            reason=site_language(gettext_lazy("Put to the assembly in session.")),
            actor=actor,
        )
    except AssemblyError as exc:
        raise _assembly_error(exc) from None


def _propose(item: AgendaItem, *, text: str, method: str, by: Any) -> Motion:
    try:
        return decisions.propose_motion(item, text=text, method=method, by=by)
    except AssemblyError as exc:
        raise _assembly_error(exc) from None


def add_months(day: date, months: int) -> date:
    """``day`` ``months`` later, on the last day of the month when it has fewer days."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- instructions -----------------------------------------------------------------------------


@transaction.atomic
def propose_instruction(
    item: AgendaItem | None,
    mandate: Mandate,
    *,
    matter: str,
    text: str,
    position: str,
    method: str = Method.HANDS,
    by: Any,
    assembly: Assembly | None = None,
    about: AgendaItem | None = None,
) -> Instruction:
    """Put an instruction to a spokesperson to the assembly in session, as a motion on
    ``item`` (or, with ``item`` None, on a new item of ``assembly``): the assembly decides it
    like any motion, and carried, the instruction is given. ``about``: the item of a session
    of the organ the spokesperson sits in (a parliament's) that the instruction is on; the
    spokesperson's named vote on it is shown beside it."""
    actor = actor_label(by)
    body = _body_of(item, assembly)
    mandate = _spokesperson(mandate)
    _in_office(mandate)
    if not answers_to(body, mandate):
        raise MandateError(
            _("%(name)s does not answer to the assembly of %(body)s.")
            % {"name": mandate.resident, "body": body.name}
        )
    if about is not None and (
        about.assembly.organ_id != mandate.organ_id or about.assembly.status not in OPEN
    ):
        raise MandateError(
            _("That item is not on a coming session of the organ %(name)s sits in.")
            % {"name": mandate.resident}
        )
    matter = _text(matter, missing=_("Say what matter the instruction is on."), limit=300)
    text = _text(text, missing=_("Write the instruction."))
    if position not in Position.values:
        raise MandateError(_("Choose how the spokesperson is to vote."))
    with translation.override(settings.LANGUAGE_CODE):
        wording = _("Mandate to %(name)s on “%(matter)s” (%(position)s): %(text)s") % {
            "name": mandate.resident,
            "matter": matter,
            "position": Position(position).label,
            "text": text,
        }
    item = _item_for(item, assembly, text=site_language(matter), actor=actor)
    motion = _propose(item, text=wording, method=method, by=by)
    return Instruction.objects.create(
        body=body,
        mandate=mandate,
        matter=matter,
        text=text,
        position=position,
        motion=motion,
        item=about,
    )


def instructed_payload(instruction: Instruction) -> dict[str, Any]:
    return {
        "body": instruction.body.slug,
        "instruction": instruction.pk,
        "mandate": instruction.mandate_id,
        "matter": instruction.matter,
        "text": instruction.text,
        "position": instruction.position,
        "motion": instruction.motion_id,
        "status": instruction.status,
        "item": instruction.item_id,
    }


def check_instructed(entry) -> str | None:
    """``ledger verify``: the instruction is in the database as decided, and its status is
    its motion's outcome."""
    data = entry.data
    instruction = (
        Instruction.objects.select_related("body", "motion").filter(pk=data.get("instruction"))
    ).first()
    if instruction is None:
        return _("instruction %(pk)s is missing from the database") % {
            "pk": data.get("instruction")
        }
    if instruction.body.ledger_chain != entry.chain:
        return _("instruction %(pk)s belongs to another body") % {"pk": instruction.pk}
    what = _("instruction %(pk)s") % {"pk": instruction.pk}
    return _differs(what, instructed_payload(instruction), data) or _outcome_differs(
        what, instruction.motion, instruction.status
    )


def _differs(what: str, now: dict[str, Any], recorded: dict[str, Any]) -> str | None:
    changed = sorted(key for key in now if now[key] != recorded.get(key))
    if changed:
        return _("%(what)s differs from its entry: %(fields)s") % {
            "what": what,
            "fields": ", ".join(changed),
        }
    return None


def _outcome_differs(what: str, motion: Motion, status: str) -> str | None:
    expected = {
        Outcome.CARRIED: DecisionStatus.CARRIED,
        Outcome.REJECTED: DecisionStatus.REJECTED,
    }.get(motion.outcome)
    if expected != status:
        return _("%(what)s: its status is not the decision of motion %(motion)s") % {
            "what": what,
            "motion": motion.pk,
        }
    return None


# --- named votes in the higher body -----------------------------------------------------------


@transaction.atomic
def record_named_votes(
    motion: Motion, votes: dict[int, tuple[str, int | None]], *, by: Any
) -> list[NamedVote]:
    """Record how each spokesperson of the motion's body voted on it, by name, with the
    instruction they carried (``{mandate pk: (vote, instruction pk or None)}``). Recorded once
    the motion is decided; a vote recorded is final."""
    actor = actor_label(by)
    motion = (
        Motion.objects.select_for_update(of=("self",))
        .select_related("item__assembly__body")
        .get(pk=motion.pk)
    )
    body = motion.item.assembly.body
    if motion.outcome == Outcome.PENDING:
        raise MandateError(_("Named votes are recorded once the motion is decided."))
    if not votes:
        raise MandateError(_("Enter at least one spokesperson's vote."))
    on = timezone.localdate(motion.decided_at)
    seated = {m.pk: m for m in spokespersons_of(body, on)}
    made = []
    for mandate_pk, (vote, instruction_pk) in sorted(votes.items()):
        mandate = seated.get(mandate_pk)
        if mandate is None:
            raise MandateError(
                _("Only the spokespersons of %(body)s in office when it was decided vote here.")
                % {"body": body.name}
            )
        if vote not in VOTES:
            raise MandateError(
                _("Choose how %(name)s voted: for, against or abstaining.")
                % {"name": mandate.resident}
            )
        if NamedVote.objects.filter(mandate=mandate, motion=motion).exists():
            raise MandateError(
                _("The vote of %(name)s on this motion is already recorded; it is final.")
                % {"name": mandate.resident}
            )
        instruction = None
        if instruction_pk is not None:
            instruction = Instruction.objects.filter(
                pk=instruction_pk, mandate=mandate, status=DecisionStatus.CARRIED
            ).first()
            if instruction is None:
                raise MandateError(
                    _("That instruction was not given to %(name)s by an assembly.")
                    % {"name": mandate.resident}
                )
        made.append(
            NamedVote.objects.create(
                mandate=mandate,
                motion=motion,
                vote=vote,
                instruction=instruction,
                recorded_by=acting_user(by),
            )
        )
    record(
        body.ledger_chain,
        "mandate.votes_recorded",
        {
            "body": body.slug,
            "motion": motion.pk,
            "votes": [named_vote_payload(v) for v in made],
        },
        actor=actor,
    )
    return made


def named_vote_payload(vote: NamedVote) -> dict[str, Any]:
    return {
        "named_vote": vote.pk,
        "mandate": vote.mandate_id,
        "vote": vote.vote,
        "instruction": vote.instruction_id,
        "against_instruction": vote.against_instruction,
    }


def check_votes_recorded(entry) -> str | None:
    """``ledger verify``: every named vote recorded is in the database as recorded, on the
    motion recorded, of the body of the chain."""
    data = entry.data
    motion = (
        Motion.objects.select_related("item__assembly__body").filter(pk=data.get("motion")).first()
    )
    if motion is None:
        return _("motion %(motion)s is missing from the database") % {"motion": data.get("motion")}
    if motion.item.assembly.body.ledger_chain != entry.chain:
        return _("motion %(motion)s belongs to another body") % {"motion": motion.pk}
    for recorded in data.get("votes", []):
        vote = (
            NamedVote.objects.select_related("instruction")
            .filter(pk=recorded.get("named_vote"), motion=motion)
            .first()
        )
        if vote is None:
            return _("named vote %(pk)s is missing from the database") % {
                "pk": recorded.get("named_vote")
            }
        found = _differs(
            _("named vote %(pk)s") % {"pk": vote.pk}, named_vote_payload(vote), recorded
        )
        if found:
            return found
    return None


# --- questions --------------------------------------------------------------------------------


@transaction.atomic
def ask(mandate: Mandate, *, text: str, by: Any) -> Question:
    """A resident of the mandate's body asks its holder a public question, to be answered
    within the statute's days."""
    actor = actor_label(by)
    mandate = _spokesperson(Mandate.objects.select_for_update(of=("self",)).get(pk=mandate.pk))
    _in_office(mandate)
    resident = _resident(by)
    if resident is None or resident.body_id not in mandate.body.descendant_ids():
        raise MandateError(
            _("Only residents of %(body)s ask its spokespersons questions.")
            % {"body": mandate.body.name}
        )
    text = _text(text, missing=_("Write your question."))
    statute = mandate.body.current_statute()
    now = timezone.now()
    question = Question.objects.create(
        mandate=mandate,
        asked_by=resident,
        text=text,
        asked_at=now,
        due_on=timezone.localdate(now) + timedelta(days=statute.question_answer_days),
    )
    record(mandate.body.ledger_chain, "question.asked", asked_payload(question), actor=actor)
    return question


def asked_payload(question: Question) -> dict[str, Any]:
    return {
        "body": question.mandate.body.slug,
        "question": question.pk,
        "mandate": question.mandate_id,
        "asked_by": question.asked_by_id,
        "text": question.text,
        "due_on": question.due_on.isoformat(),
    }


@transaction.atomic
def answer(question: Question, *, text: str, by: Any) -> Question:
    """The holder of the mandate answers a question put to it, once: answers are final."""
    actor = actor_label(by)
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("mandate__body", "mandate__resident")
        .get(pk=question.pk)
    )
    _holder(question.mandate, by)
    if question.answered_at is not None:
        raise MandateError(_("This question is already answered; answers are final."))
    question.answer = _text(text, missing=_("Write the answer."))
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_at"])
    record(
        question.mandate.body.ledger_chain,
        "question.answered",
        answered_payload(question),
        actor=actor,
    )
    return question


def answered_payload(question: Question) -> dict[str, Any]:
    return {
        "body": question.mandate.body.slug,
        "question": question.pk,
        "mandate": question.mandate_id,
        "answer": question.answer,
        "answered_at": question.answered_at.isoformat() if question.answered_at else None,
        "late": question.answered_at is not None
        and timezone.localdate(question.answered_at) > question.due_on,
    }


def _question_of(entry) -> tuple[Question | None, str | None]:
    pk = entry.data.get("question")
    question = Question.objects.select_related("mandate__body").filter(pk=pk).first()
    if question is None:
        return None, _("question %(pk)s is missing from the database") % {"pk": pk}
    if question.mandate.body.ledger_chain != entry.chain:
        return None, _("question %(pk)s belongs to another body") % {"pk": pk}
    return question, None


def check_asked(entry) -> str | None:
    """``ledger verify``: the question is in the database as it was asked."""
    question, problem = _question_of(entry)
    if question is None:
        return problem
    return _differs(_("question %(pk)s") % {"pk": question.pk}, asked_payload(question), entry.data)


def check_answered(entry) -> str | None:
    """``ledger verify``: the answer in the database is the answer recorded."""
    question, problem = _question_of(entry)
    if question is None:
        return problem
    return _differs(
        _("the answer to question %(pk)s") % {"pk": question.pk},
        answered_payload(question),
        entry.data,
    )


# --- accounts ---------------------------------------------------------------------------------


@transaction.atomic
def submit_accounts(
    mandate: Mandate, *, period_from: date, period_to: date, text: str, by: Any
) -> AccountsReport:
    """The holder renders accounts of their mandate for a period (within the mandate, ended,
    not overlapping accounts approved or pending)."""
    actor = actor_label(by)
    mandate = _spokesperson(Mandate.objects.select_for_update(of=("self",)).get(pk=mandate.pk))
    _holder(mandate, by)
    if period_from is None or period_to is None or period_from > period_to:
        raise MandateError(_("The period starts on or before the day it ends."))
    if period_from < mandate.starts_on or (mandate.ends_on and period_to > mandate.ends_on):
        raise MandateError(_("The period lies within the mandate's term."))
    if period_to > timezone.localdate():
        raise MandateError(_("Accounts are rendered for a period that has ended."))
    overlapping = (
        mandate.accounts.exclude(status=DecisionStatus.REJECTED)
        .filter(period_from__lte=period_to, period_to__gte=period_from)
        .first()
    )
    if overlapping is not None:
        raise MandateError(
            _("These accounts overlap those for %(from)s – %(to)s.")
            % {"from": overlapping.period_from, "to": overlapping.period_to}
        )
    report = AccountsReport.objects.create(
        mandate=mandate,
        period_from=period_from,
        period_to=period_to,
        text=_text(text, missing=_("Write the report."), limit=20000),
        submitted_at=timezone.now(),
    )
    record(
        mandate.body.ledger_chain,
        "mandate.accounts_submitted",
        submitted_payload(report),
        actor=actor,
    )
    return report


def submitted_payload(report: AccountsReport) -> dict[str, Any]:
    return {
        "body": report.mandate.body.slug,
        "report": report.pk,
        "mandate": report.mandate_id,
        "period_from": report.period_from.isoformat(),
        "period_to": report.period_to.isoformat(),
        "text": report.text,
    }


@transaction.atomic
def put_accounts(
    report: AccountsReport,
    item: AgendaItem | None,
    *,
    method: str = Method.HANDS,
    by: Any,
    assembly: Assembly | None = None,
) -> Motion:
    """Put a report to the assembly in session as the motion "Approve the accounts of …" on
    ``item`` (or, with ``item`` None, on a new item of ``assembly``); its decision approves or
    rejects them."""
    actor = actor_label(by)
    report = (
        AccountsReport.objects.select_for_update(of=("self",))
        .select_related("mandate__body", "mandate__resident", "mandate__organ")
        .get(pk=report.pk)
    )
    if report.motion_id is not None:
        raise MandateError(_("These accounts are already before an assembly."))
    body = _body_of(item, assembly)
    mandate = report.mandate
    if not answers_to(body, mandate):
        raise MandateError(
            _("%(name)s does not render accounts to the assembly of %(body)s.")
            % {"name": mandate.resident, "body": body.name}
        )
    with translation.override(settings.LANGUAGE_CODE):
        wording = _("Approve the accounts of %(name)s (%(organ)s) for %(from)s – %(to)s") % {
            "name": mandate.resident,
            "organ": mandate.organ,
            "from": report.period_from.isoformat(),
            "to": report.period_to.isoformat(),
        }
    item = _item_for(item, assembly, text=wording, actor=actor)
    motion = _propose(item, text=wording, method=method, by=by)
    report.motion = motion
    report.save(update_fields=["motion"])
    return motion


def decided_payload(report: AccountsReport) -> dict[str, Any]:
    return {
        "body": report.motion.item.assembly.body.slug,
        "report": report.pk,
        "mandate": report.mandate_id,
        "motion": report.motion_id,
        "status": report.status,
    }


def _report_of(entry) -> tuple[AccountsReport | None, str | None]:
    pk = entry.data.get("report")
    report = AccountsReport.objects.select_related("mandate__body").filter(pk=pk).first()
    if report is None:
        return None, _("accounts report %(pk)s is missing from the database") % {"pk": pk}
    return report, None


def check_accounts_submitted(entry) -> str | None:
    """``ledger verify``: the report is in the database as it was submitted."""
    report, problem = _report_of(entry)
    if report is None:
        return problem
    if report.mandate.body.ledger_chain != entry.chain:
        return _("accounts report %(pk)s belongs to another body") % {"pk": report.pk}
    return _differs(
        _("accounts report %(pk)s") % {"pk": report.pk}, submitted_payload(report), entry.data
    )


def check_accounts_decided(entry) -> str | None:
    """``ledger verify``: the report's status is its motion's outcome, as recorded."""
    report, problem = _report_of(entry)
    if report is None:
        return problem
    if report.motion is None:
        return _("accounts report %(pk)s was put to no assembly") % {"pk": report.pk}
    if report.motion.item.assembly.body.ledger_chain != entry.chain:
        return _("accounts report %(pk)s was decided in another body") % {"pk": report.pk}
    what = _("accounts report %(pk)s") % {"pk": report.pk}
    return _differs(what, decided_payload(report), entry.data) or _outcome_differs(
        what, report.motion, report.status
    )


# --- the assembly's decisions -----------------------------------------------------------------


def on_decided(sender, motion: Motion, actor: str, **kwargs) -> None:
    """A decided motion that was an instruction or an accounts report: the instruction is
    given or not, the accounts approved or rejected, in the decision's transaction."""
    status = (
        DecisionStatus.CARRIED if motion.outcome == Outcome.CARRIED else DecisionStatus.REJECTED
    )
    chain = motion.item.assembly.body.ledger_chain
    instruction = Instruction.objects.select_for_update(of=("self",)).filter(motion=motion).first()
    if instruction is not None:
        instruction.status = status
        instruction.save(update_fields=["status"])
        record(chain, "mandate.instructed", instructed_payload(instruction), actor=actor)
    report = AccountsReport.objects.select_for_update(of=("self",)).filter(motion=motion).first()
    if report is not None:
        report.status = status
        report.save(update_fields=["status"])
        record(chain, "mandate.accounts_decided", decided_payload(report), actor=actor)


# --- deadlines --------------------------------------------------------------------------------


def spokesperson_url(mandate: Mandate) -> str:
    return reverse("spokesperson", kwargs={"slug": mandate.body.slug, "pk": mandate.pk})


def accounts_due(mandate: Mandate, months: int | None = None) -> date:
    """When the holder's next accounts are due: the statute's months after the end of the
    last period approved, or after the term's start."""
    last = getattr(mandate, "last_approved", None)
    if not hasattr(mandate, "last_approved"):
        last = (
            mandate.accounts.filter(status=DecisionStatus.CARRIED)
            .aggregate(last=Max("period_to"))
            .get("last")
        )
    if months is None:
        months = mandate.body.current_statute().accounts_months
    return add_months(last or mandate.starts_on, months)


def question_deadlines(
    body: Body, mandate: Mandate | None = None, today: date | None = None
) -> Iterable[Due]:
    """Each question's answer (every unanswered one of the body's spokespersons; all of
    ``mandate``'s, answered ones met)."""
    questions = Question.objects.select_related("mandate__body", "mandate__resident")
    if mandate is None:
        questions = questions.filter(mandate__body=body, answered_at__isnull=True)
    else:
        questions = questions.filter(mandate=mandate)
    for q in questions:
        yield Due(
            what=format_lazy(
                gettext_lazy("{name}'s answer to a question of {day}"),
                name=str(q.mandate.resident),
                day=_local_date(timezone.localdate(q.asked_at)),
            ),
            due_on=q.due_on,
            url=f"{spokesperson_url(q.mandate)}#question-{q.pk}",
            mandate_id=q.mandate_id,
            done=q.answered_at is not None,
        )


def accounts_deadlines(
    body: Body, mandate: Mandate | None = None, today: date | None = None
) -> Iterable[Due]:
    """Each spokesperson in office's next accounts."""
    mandates = spokespersons_of(body, today).annotate(
        last_approved=Max("accounts__period_to", filter=Q(accounts__status=DecisionStatus.CARRIED))
    )
    if mandate is not None:
        mandates = mandates.filter(pk=mandate.pk)
    mandates = list(mandates)  # one query: the body page counts them
    months = body.current_statute().accounts_months if mandates else 0
    for m in mandates:
        yield Due(
            what=format_lazy(
                gettext_lazy("{name}'s accounts ({organ})"),
                name=str(m.resident),
                organ=str(m.organ),
            ),
            due_on=accounts_due(m, months),
            url=f"{spokesperson_url(m)}#accounts",
            mandate_id=m.pk,
            kind="accounts",
        )


# a date in the reader's format, when the sentence holding it is rendered
_local_date = lazy(lambda day: date_format(day, "DATE_FORMAT"), str)

DEADLINES = (question_deadlines, accounts_deadlines)

deadlines.summarise(
    "accounts",
    lambda n: (
        ngettext_lazy(
            "%(count)s spokesperson owes their accounts to the assembly",
            "%(count)s spokespersons owe their accounts to the assembly",
            "count",
        )
        % {"count": n}
    ),
    lambda body: reverse("seats", kwargs={"slug": body.slug}),
)


# --- the spokesperson's page ------------------------------------------------------------------


def spokesperson(mandate: Mandate, today: date | None = None) -> dict[str, Any]:
    """What the spokesperson's page and the API show of a mandate: seat, organ, term,
    substitute, the instructions given with their decisions, the named votes beside the
    instruction carried, the questions (overdue flagged), the accounts with their decisions,
    and every deadline. Plain values, with the objects for templates."""
    from comuna.mandates import deadlines

    today = today or timezone.localdate()
    mandate = Mandate.objects.select_related("body", "organ", "resident", "seat").get(pk=mandate.pk)
    substitute = None
    if mandate.kind == MandateKind.SPOKESPERSON and mandate.organ_id is not None:
        # who would take the seat today: the one a carried recall seats
        found = substitute_for(mandate, today)
        if found is not None:
            substitute = {"id": found.pk, "resident": str(found.resident)}
    votes = list(
        mandate.named_votes.select_related("motion__item__assembly__body", "instruction").order_by(
            "-motion__decided_at", "-pk"
        )
    )
    instructions = []
    for i in mandate.instructions.select_related("body", "motion__item__assembly"):
        assembly = i.motion.item.assembly
        instructions.append(
            {
                "id": i.pk,
                "body": i.body.slug,
                "matter": i.matter,
                "text": i.text,
                "position": i.position,
                "status": i.status,
                "assembly": assembly.pk,
                "motion": i.motion_id,
                "decided_at": i.motion.decided_at,
                "votes": [_vote(v) for v in votes if v.instruction_id == i.pk],
                "instruction": i,
                "assembly_obj": assembly,
            }
        )
    questions = [
        {
            "id": q.pk,
            "text": q.text,
            "asked_by": str(q.asked_by),
            "asked_at": q.asked_at,
            "due_on": q.due_on,
            "answer": q.answer,
            "answered_at": q.answered_at,
            "overdue": q.is_overdue(today),
            "question": q,
        }
        for q in mandate.questions.select_related("asked_by")
    ]
    accounts = []
    for r in mandate.accounts.select_related("motion__item__assembly__body"):
        assembly = r.motion.item.assembly if r.motion_id else None
        accounts.append(
            {
                "id": r.pk,
                "period_from": r.period_from,
                "period_to": r.period_to,
                "text": r.text,
                "submitted_at": r.submitted_at,
                "status": r.status,
                "motion": r.motion_id,
                "assembly": assembly.pk if assembly else None,
                "report": r,
                "assembly_obj": assembly,
            }
        )
    return {
        "mandate": mandate,
        "body": mandate.body.slug,
        "resident": str(mandate.resident),
        "kind": mandate.kind,
        "organ": str(mandate.organ) if mandate.organ_id else None,
        "seat": mandate.seat.number if mandate.seat_id else None,
        "term": {"starts_on": mandate.starts_on, "ends_on": mandate.ends_on},
        "active": mandate.is_active(today),
        "substitute": substitute,
        "instructions": instructions,
        "votes": [_vote(v) for v in votes],
        "questions": questions,
        "accounts": accounts,
        "deadlines": deadlines.of_mandate(mandate, today),
    }


def _vote(v: NamedVote) -> dict[str, Any]:
    assembly = v.motion.item.assembly
    return {
        "id": v.pk,
        "vote": v.vote,
        "motion": v.motion_id,
        "motion_text": v.motion.text,
        "outcome": v.motion.outcome,
        "assembly": assembly.pk,
        "body": assembly.body.slug,
        "instruction": v.instruction_id,
        "against_instruction": v.against_instruction,
        "named_vote": v,
        "assembly_obj": assembly,
    }


# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {
    "mandate.instructed": (check_instructed, gettext_lazy("Instruction to a spokesperson decided")),
    "mandate.votes_recorded": (
        check_votes_recorded,
        gettext_lazy("Spokespersons' named votes recorded"),
    ),
    "question.asked": (check_asked, gettext_lazy("Question to a spokesperson")),
    "question.answered": (check_answered, gettext_lazy("Question answered")),
    "mandate.accounts_submitted": (
        check_accounts_submitted,
        gettext_lazy("Spokesperson's accounts submitted"),
    ),
    "mandate.accounts_decided": (
        check_accounts_decided,
        gettext_lazy("Spokesperson's accounts decided"),
    ),
}
