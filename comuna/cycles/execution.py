"""Execution (issue 14): a funded project carried out, and the money the body received
(``execution.*``).

- :func:`open_for` gives every funded project of a counted budget (after the deviations the
  assembly carried) its :class:`Execution`: the allocation is the project's cost on the ballot,
  the responsible committee the project's; run again after a deviation carried, it opens only
  the new ones.
- The project's team (the spokespersons of its committee, and the coordination collective)
  adds :class:`Milestone` rows with dates and marks them done, posts progress updates (a text,
  an optional photo whose SHA-256 the entry keeps) and sets the status: not started, in
  progress, paused (with a reason), done, abandoned (with a reason). Done and abandoned are
  final.
- :func:`record_funds`: the administrative-financial unit records money the body received.
- :func:`totals`: the allocation, what the assembly authorised beyond it, the ceiling (their
  sum), what was spent (reversals count negative) and what is left; all ``Decimal``.

Every step writes its entry in its transaction; each kind has its check below, so a
milestone, a status or an allocation edited through SQL, or a progress photo swapped on disk,
no longer matches its entry in ``comuna ledger verify``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.cycles.cycle import refuse
from comuna.cycles.files import sha256_of, stored_sha256
from comuna.cycles.models import (
    AuthorisationStatus,
    Budget,
    BudgetStatus,
    Cycle,
    Execution,
    ExecutionStatus,
    FundsReceived,
    Milestone,
    ProgressUpdate,
)
from comuna.cycles.rules import BudgetAction, ComptrollerAction, ExecutionAction
from comuna.ledger import record
from comuna.ledger.checks import differs
from comuna.territory.actors import SystemActor, acting_user, actor_label
from comuna.territory.models import Body, Mandate
from comuna.territory.permissions import Role, can, roles
from comuna.voting.images import validate_option_image
from comuna.voting.money import amount_problem

ZERO = Decimal("0.00")
FINAL = (ExecutionStatus.DONE, ExecutionStatus.ABANDONED)
NEEDS_REASON = (ExecutionStatus.PAUSED, ExecutionStatus.ABANDONED)
TEXT_MAX = 10000


# --- who acts --------------------------------------------------------------------------------


def allowed(by: Any, action: str, obj: Any) -> bool:
    return isinstance(by, SystemActor) or can(by, action, obj)


def on_team(by: Any, execution: Execution) -> bool:
    """Whether ``by`` is on the project's team: the coordination collective, or a spokesperson
    of its responsible committee (or of a committee under it)."""
    if isinstance(by, SystemActor):
        return True
    body = execution.budget.body
    if Role.COORDINATION in roles(by, body):
        return True
    if execution.committee_id is None:
        return False
    return (
        Mandate.objects.active()
        .filter(resident__user_id=getattr(by, "pk", None), body=body)
        .filter(organ_id__in=[execution.committee_id, *_under(execution.committee_id)])
        .exists()
    )


def _under(organ_id: int) -> list[int]:
    from comuna.territory.models import Organ

    return list(Organ.objects.filter(parent_id=organ_id).values_list("pk", flat=True))


def _team_only(by: Any, action: str, execution: Execution) -> None:
    if not allowed(by, action, execution):
        if execution.status in FINAL:
            raise refuse(
                _("This project's execution is closed (%(status)s): it takes no more changes.")
                % {"status": execution.get_status_display()}
            )
        raise refuse(_("Only the project's team (its committee and the coordination) does this."))
    if not on_team(by, execution):
        raise refuse(
            _("Only the spokespersons of %(committee)s and the coordination collective do this.")
            % {"committee": execution.committee or _("the responsible committee")}
        )


def clean_text(value: Any, field: str, empty: str, most: int = TEXT_MAX) -> str:
    """``value`` stripped, or a refusal under ``field``: ``empty`` when blank, too long past
    ``most`` characters."""
    text = (value or "").strip()
    if not text:
        raise refuse(empty, field)
    if len(text) > most:
        raise refuse(_("At most %(n)s characters.") % {"n": most}, field)
    return text


def locked(execution: Execution) -> Execution:
    return (
        Execution.objects.select_for_update(of=("self",))
        .select_related("budget__body", "project", "committee")
        .get(pk=execution.pk)
    )


# --- opening ---------------------------------------------------------------------------------


def opened_payload(execution: Execution) -> dict[str, Any]:
    return {
        "execution": execution.pk,
        "project": execution.project_id,
        "budget": execution.budget_id,
        "allocation": str(execution.allocation),
        "currency": execution.currency,
        "committee": execution.committee_id,
    }


@transaction.atomic
def open_for(budget: Budget, *, by: Any) -> list[Execution]:
    """Give every funded project of the counted ``budget`` (a cycle's project, after the
    deviations carried) its execution; those already open are left as they are. Returns the
    executions opened now. Records ``execution.opened`` for each."""
    from comuna.cycles import budgets

    actor = actor_label(by)
    budget = Budget.objects.select_for_update(of=("self",)).select_related("body").get(pk=budget.pk)
    if budget.status != BudgetStatus.COUNTED:
        raise refuse(_("A budget's projects are carried out once its vote is counted."))
    if not allowed(by, BudgetAction.OPEN_EXECUTION, budget):
        raise refuse(
            _("The coordination collective or the administrative-financial unit does this.")
        )
    funded = set(budgets.funded(budget))
    opened = []
    for district in budget.districts.order_by("position", "pk"):
        for entry in district.entries.select_related("project").order_by("pk"):
            project = entry.project
            if entry.key not in funded or project is None:
                continue
            if Execution.objects.filter(project=project).exists():
                continue
            execution = Execution.objects.create(
                project=project,
                budget=budget,
                allocation=project.cost,
                currency=budget.currency,
                committee_id=project.committee_id,
                opened_at=timezone.now(),
            )
            record(
                budget.body.ledger_chain, "execution.opened", opened_payload(execution), actor=actor
            )
            opened.append(execution)
    return opened


# --- milestones ------------------------------------------------------------------------------


def milestone_payload(milestone: Milestone) -> dict[str, Any]:
    return {
        "milestone": milestone.pk,
        "execution": milestone.execution_id,
        "title": milestone.title,
        "due_on": milestone.due_on.isoformat(),
    }


def _day(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise refuse(_("Give a date as YYYY-MM-DD."), field) from None


@transaction.atomic
def add_milestone(execution: Execution, *, title: str, due_on: Any, by: Any) -> Milestone:
    """Records ``execution.milestone_added``."""
    actor = actor_label(by)
    execution = locked(execution)
    _team_only(by, ExecutionAction.PLAN, execution)
    title = clean_text(title, "title", _("Say what the milestone is."), 200)
    due_on = _day(due_on, "due_on")
    milestone = Milestone.objects.create(
        execution=execution,
        title=title,
        due_on=due_on,
        position=execution.milestones.count(),
    )
    record(
        execution.budget.body.ledger_chain,
        "execution.milestone_added",
        milestone_payload(milestone),
        actor=actor,
    )
    return milestone


@transaction.atomic
def complete_milestone(milestone: Milestone, *, done_on: Any = None, by: Any) -> Milestone:
    """Mark a milestone done (today by default; not in the future). Records
    ``execution.milestone_done``."""
    actor = actor_label(by)
    milestone = Milestone.objects.select_for_update(of=("self",)).get(pk=milestone.pk)
    execution = locked(milestone.execution)
    _team_only(by, ExecutionAction.PLAN, execution)
    if milestone.done_on is not None:
        raise refuse(_("This milestone is already done."))
    day = timezone.localdate() if done_on in (None, "") else _day(done_on, "done_on")
    if day > timezone.localdate():
        raise refuse(_("A milestone is marked done on the day it was done, not later."), "done_on")
    milestone.done_on = day
    milestone.save(update_fields=["done_on"])
    record(
        execution.budget.body.ledger_chain,
        "execution.milestone_done",
        {"milestone": milestone.pk, "execution": execution.pk, "done_on": day.isoformat()},
        actor=actor,
    )
    return milestone


# --- status ----------------------------------------------------------------------------------


def status_payload(execution: Execution) -> dict[str, Any]:
    return {
        "execution": execution.pk,
        "status": execution.status,
        "reason": execution.status_reason,
    }


@transaction.atomic
def set_status(execution: Execution, *, status: str, reason: str = "", by: Any) -> Execution:
    """Records ``execution.status_changed``: paused and abandoned with a reason; done and
    abandoned are final."""
    actor = actor_label(by)
    execution = locked(execution)
    _team_only(by, ExecutionAction.SET_STATUS, execution)
    if status not in ExecutionStatus.values:
        raise refuse(_("Choose the project's status."), "status")
    if status == execution.status:
        raise refuse(_("The project is already in that status."), "status")
    reason = (reason or "").strip()
    if status in NEEDS_REASON and not reason:
        raise refuse(_("Say why: residents read it beside the status."), "reason")
    if len(reason) > TEXT_MAX:
        raise refuse(_("At most %(n)s characters.") % {"n": TEXT_MAX}, "reason")
    execution.status = status
    execution.status_reason = reason
    execution.status_changed_at = timezone.now()
    execution.save(update_fields=["status", "status_reason", "status_changed_at"])
    record(
        execution.budget.body.ledger_chain,
        "execution.status_changed",
        status_payload(execution),
        actor=actor,
    )
    return execution


# --- progress --------------------------------------------------------------------------------


def update_payload(update: ProgressUpdate) -> dict[str, Any]:
    return {
        "update": update.pk,
        "execution": update.execution_id,
        "text": update.text,
        "photo_sha256": update.photo_sha256,
    }


@transaction.atomic
def post_update(execution: Execution, *, text: str, photo: Any = None, by: Any) -> ProgressUpdate:
    """A progress update with an optional photo (JPEG, PNG, GIF or WebP by its content, 2 MB).
    Records ``execution.progress_posted`` with the photo's SHA-256."""
    actor = actor_label(by)
    execution = locked(execution)
    _team_only(by, ExecutionAction.PLAN, execution)
    text = clean_text(text, "text", _("Say what happened since the last update."))
    digest = ""
    if photo:
        try:
            validate_option_image(photo)
        except ValidationError as exc:
            raise refuse(" ".join(exc.messages), "photo") from None
        digest = sha256_of(photo)
    update = ProgressUpdate.objects.create(
        execution=execution,
        text=text,
        photo=photo or "",
        photo_sha256=digest,
        posted_by=acting_user(by),
        posted_at=timezone.now(),
    )
    record(
        execution.budget.body.ledger_chain,
        "execution.progress_posted",
        update_payload(update),
        actor=actor,
    )
    return update


# --- money received --------------------------------------------------------------------------


def funds_payload(funds: FundsReceived) -> dict[str, Any]:
    return {
        "funds": funds.pk,
        "cycle": funds.cycle_id,
        "amount": str(funds.amount),
        "currency": funds.currency,
        "received_on": funds.received_on.isoformat(),
        "source": funds.source,
        "reference": funds.reference,
    }


def money(value: Any, field: str) -> Decimal:
    """A positive amount typed or given, exact to the cent; a refusal under ``field``."""
    from comuna.voting.money import parse_amount

    if isinstance(value, float):
        raise refuse(_("Give the amount as a decimal number, not a float."), field)
    try:
        amount = value if isinstance(value, Decimal) else parse_amount(str(value or ""))
    except ValueError as exc:
        raise refuse(str(exc), field) from None
    problem = amount_problem(amount)
    if problem:
        raise refuse(problem, field)
    if amount <= 0:
        raise refuse(_("The amount is more than zero."), field)
    return amount.quantize(Decimal("0.01"))


def currency_of(expected: str, value: Any, field: str = "currency") -> str:
    """``expected`` (the body's currency, or the allocation's for an expense): an amount in
    another one is refused (there is no exchange rate we could trust)."""
    code = str(value or "").strip().upper()
    if code != expected:
        raise refuse(
            _("Amounts are in %(currency)s (not “%(given)s”).")
            % {"currency": expected, "given": str(value or "").strip()[:10]},
            field,
        )
    return code


@transaction.atomic
def record_funds(
    body: Body,
    *,
    amount: Any,
    currency: str,
    received_on: Any,
    source: str,
    reference: str = "",
    cycle: Cycle | None = None,
    by: Any,
) -> FundsReceived:
    """The administrative-financial unit records money the body received. Records
    ``execution.funds_received``."""
    actor = actor_label(by)
    body = Body.objects.get(pk=body.pk)
    if not allowed(by, ComptrollerAction.RECORD_FUNDS, body):
        raise refuse(_("The administrative-financial unit records the money received."))
    amount = money(amount, "amount")
    currency = currency_of(body.currency, currency)
    received_on = _day(received_on, "received_on")
    if received_on > timezone.localdate():
        raise refuse(_("Money is recorded once received, not before."), "received_on")
    source = clean_text(source, "source", _("Say who sent the money."), 200)
    reference = (reference or "").strip()
    if len(reference) > 100:
        raise refuse(_("At most %(n)s characters.") % {"n": 100}, "reference")
    if cycle is not None and cycle.body_id != body.pk:
        raise refuse(_("That cycle is of another body."), "cycle")
    funds = FundsReceived.objects.create(
        body=body,
        cycle=cycle,
        amount=amount,
        currency=currency,
        received_on=received_on,
        source=source,
        reference=reference,
        recorded_by=acting_user(by),
        recorded_at=timezone.now(),
    )
    record(body.ledger_chain, "execution.funds_received", funds_payload(funds), actor=actor)
    return funds


# --- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    allocation: Decimal
    authorised: Decimal  # beyond the allocation, by the assembly's carried decisions
    spent: Decimal  # reversals count negative

    @property
    def ceiling(self) -> Decimal:
        return self.allocation + self.authorised

    @property
    def left(self) -> Decimal:
        return self.ceiling - self.spent

    @property
    def over_allocation(self) -> Decimal:
        """How much was spent beyond the allocation (0 when within it)."""
        return max(ZERO, self.spent - self.allocation)


def totals(execution: Execution) -> Totals:
    """The execution's figures, added up exactly in Python (SQLite's SUM of a decimal column
    goes through floating point)."""
    authorised = sum(
        execution.authorisations.filter(status=AuthorisationStatus.CARRIED).values_list(
            "amount", flat=True
        ),
        ZERO,
    )
    spent = sum(execution.expenses.values_list("amount", flat=True), ZERO)
    return Totals(allocation=execution.allocation, authorised=authorised, spent=spent)


def milestone_overdue(milestone: Milestone, execution: Execution, today: date) -> bool:
    """Not done, past its day, while the project is under way (a done or abandoned project's
    open milestone will never be done: it is not flagged)."""
    return milestone.done_on is None and milestone.due_on < today and execution.status not in FINAL


# --- ledger checks ---------------------------------------------------------------------------


def _execution_of(entry) -> tuple[Execution | None, str | None]:
    execution = (
        Execution.objects.select_related("budget__body")
        .filter(pk=entry.data.get("execution"))
        .first()
    )
    if execution is None or execution.budget.body.ledger_chain != entry.chain:
        return None, _("execution %(execution)s is missing from the database") % {
            "execution": entry.data.get("execution")
        }
    return execution, None


def check_opened(entry) -> str | None:
    execution, problem = _execution_of(entry)
    if execution is None:
        return problem
    return differs(
        _("execution"), execution.pk, entry.data, opened_payload(execution), every_key=True
    )


def check_milestone_added(entry) -> str | None:
    milestone = Milestone.objects.filter(pk=entry.data.get("milestone")).first()
    if milestone is None:
        return _("milestone %(milestone)s is missing from the database") % {
            "milestone": entry.data.get("milestone")
        }
    return differs(
        _("milestone"), milestone.pk, entry.data, milestone_payload(milestone), every_key=True
    )


def check_milestone_done(entry) -> str | None:
    milestone = Milestone.objects.filter(pk=entry.data.get("milestone")).first()
    if milestone is None:
        return _("milestone %(milestone)s is missing from the database") % {
            "milestone": entry.data.get("milestone")
        }
    now = {"done_on": milestone.done_on.isoformat() if milestone.done_on else None}
    return differs(_("milestone"), milestone.pk, entry.data, now)


def _is_latest_status(entry, execution: Execution) -> bool:
    from comuna.ledger import entries

    later = entries(entry.chain).filter(kind="execution.status_changed", seq__gt=entry.seq)
    return not any(e.data.get("execution") == execution.pk for e in later.only("payload", "kind"))


def check_status(entry) -> str | None:
    execution, problem = _execution_of(entry)
    if execution is None:
        return problem
    if not _is_latest_status(entry, execution):
        return None
    return differs(
        _("execution"), execution.pk, entry.data, status_payload(execution), every_key=True
    )


def check_progress(entry) -> str | None:
    update = ProgressUpdate.objects.filter(pk=entry.data.get("update")).first()
    if update is None:
        return _("progress update %(update)s is missing from the database") % {
            "update": entry.data.get("update")
        }
    problem = differs(
        _("progress update"), update.pk, entry.data, update_payload(update), every_key=True
    )
    if (
        problem is None
        and update.photo_sha256
        and stored_sha256(update.photo) != update.photo_sha256
    ):
        return _("the photo of progress update %(update)s is not the file recorded") % {
            "update": update.pk
        }
    return problem


def check_funds(entry) -> str | None:
    funds = FundsReceived.objects.select_related("body").filter(pk=entry.data.get("funds")).first()
    if funds is None or funds.body.ledger_chain != entry.chain:
        return _("money received %(funds)s is missing from the database") % {
            "funds": entry.data.get("funds")
        }
    return differs(_("money received"), funds.pk, entry.data, funds_payload(funds), every_key=True)


def check_executions(chain: str) -> list[tuple[int, str, str]]:
    """Per chain: every execution, milestone and money received in the database was recorded
    (none slipped in with SQL)."""
    from comuna.ledger import entries
    from comuna.territory import records

    body = records.body_of_chain(chain)
    if body is None:
        return []
    seen: dict[str, set] = {"execution.opened": set(), "execution.milestone_added": set()}
    seen["execution.funds_received"] = set()
    keys = {
        "execution.opened": "execution",
        "execution.milestone_added": "milestone",
        "execution.funds_received": "funds",
    }
    for entry in entries(chain).filter(kind__in=list(keys)).only("payload", "kind"):
        seen[entry.kind].add(entry.data.get(keys[entry.kind]))
    rows = {
        "execution.opened": (
            Execution.objects.filter(budget__body=body).values_list("pk", flat=True),
            _("execution %(id)s was never recorded"),
        ),
        "execution.milestone_added": (
            Milestone.objects.filter(execution__budget__body=body).values_list("pk", flat=True),
            _("milestone %(id)s was never recorded"),
        ),
        "execution.funds_received": (
            FundsReceived.objects.filter(body=body).values_list("pk", flat=True),
            _("money received %(id)s was never recorded"),
        ),
    }
    problems = []
    for kind, (ids, message) in rows.items():
        for pk in ids:
            if pk not in seen[kind]:
                problems.append((0, "", message % {"id": pk}))
    # each execution's status is its latest recorded one (not started when none was), and
    # each milestone done was recorded done
    status: dict[int, str] = {}
    done: set[int] = set()
    for entry in (
        entries(chain)
        .filter(kind__in=["execution.status_changed", "execution.milestone_done"])
        .order_by("seq")
        .only("payload", "kind")
    ):
        if entry.kind == "execution.status_changed":
            status[entry.data.get("execution")] = entry.data.get("status")
        else:
            done.add(entry.data.get("milestone"))
    for pk, now in Execution.objects.filter(budget__body=body).values_list("pk", "status"):
        if now != status.get(pk, ExecutionStatus.NOT_STARTED):
            problems.append(
                (
                    0,
                    "",
                    _("execution %(id)s is %(status)s, but no entry says so")
                    % {"id": pk, "status": now},
                )
            )
    marked = Milestone.objects.filter(execution__budget__body=body, done_on__isnull=False)
    for pk in marked.values_list("pk", flat=True):
        if pk not in done:
            problems.append(
                (0, "", _("milestone %(id)s is done, but no entry says so") % {"id": pk})
            )
    return problems


# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {
    "execution.opened": (check_opened, gettext_lazy("Funded project's execution opened")),
    "execution.milestone_added": (check_milestone_added, gettext_lazy("Milestone added")),
    "execution.milestone_done": (check_milestone_done, gettext_lazy("Milestone done")),
    "execution.status_changed": (check_status, gettext_lazy("Project's status changed")),
    "execution.progress_posted": (check_progress, gettext_lazy("Progress update posted")),
    "execution.funds_received": (check_funds, gettext_lazy("Money received")),
}
CHAIN_CHECKS: dict = {"execution.rows": check_executions}
