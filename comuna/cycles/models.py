"""The communal cycle, part 1 (issue 13): diagnosis of needs, the plan, the participatory budget.

- A :class:`Cycle` of a body (a year or a period) runs through phases set by its calendar
  (every date inclusive): diagnosis, prioritisation, planning, feasibility review, budget vote,
  then execution (issue 14) until it ends. :meth:`Cycle.phase` derives the phase from the
  calendar; the permission tables key on it.
- Residents report :class:`Need` rows (category, description, place, optional point and photo);
  others support them (:class:`NeedSupport`, one per resident). The assembly prioritises them
  by a vote (a ``voting.Poll`` over the needs, ``Cycle.priority_poll``); the ordered list is
  kept on the needs (``Need.priority``) and in the ledger (``cycle.prioritised``).
- :class:`Project` rows answer needs, with a cost estimate (:class:`CostItem` rows, their sum
  the project's cost), a responsible committee and a place; the executive unit reviews
  feasibility (:class:`ProjectReview`, a rejection always with a public reason); a proposer may
  revise and resubmit while the review phase lasts. A commune's (or city's) cycle takes
  projects from its members' plans: a copy with ``Project.source`` set (issue 15,
  ``comuna.federation.plan``).
- A :class:`Budget` is a participatory-budget vote over the feasible projects: amount, ballot
  kind, constraints, rule; one :class:`BudgetDistrict` per district or category with its own
  amount, each counted as its own ``voting.Poll`` (one ballot page casts in every district a
  resident votes in; a commune-wide budget gives each member council a district voted on that
  council's own register, ``BudgetDistrict.voters_body``). A Pabulib file imported
  (``comuna cycle import-pb``) is a budget of one district with no cycle. :class:`Deviation`
  rows are the assembly's decisions to fund or not fund a project against the computed
  outcome.

Every state change is a service writing a ``cycle.*``, ``need.*``, ``project.*`` or
``budget.*`` ledger entry in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comuna.territory.models import Body, Organ, Resident
from comuna.voting.images import validate_option_image
from comuna.voting.money import MoneyField

# --- the cycle -------------------------------------------------------------------------------


class CyclePhase(models.TextChoices):
    PLANNED = "planned", _("Not started yet")
    DIAGNOSIS = "diagnosis", _("Diagnosis of needs")
    PRIORITISATION = "prioritisation", _("Prioritisation of needs")
    PLANNING = "planning", _("Project proposals")
    REVIEW = "review", _("Feasibility review")
    BUDGET = "budget", _("Budget vote")
    EXECUTION = "execution", _("Execution")
    CLOSED = "closed", _("Closed")


class Cycle(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="cycles")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # the calendar: each phase runs from the day after the previous one's last day to its own
    starts_on = models.DateField(_("diagnosis opens"))
    diagnosis_until = models.DateField(_("last day to report needs"))
    prioritisation_until = models.DateField(_("last day of the prioritisation"))
    planning_until = models.DateField(_("last day to propose projects"))
    review_until = models.DateField(_("last day of the feasibility review"))
    budget_until = models.DateField(_("last day of the budget vote"))
    ends_on = models.DateField(_("the cycle ends on"))
    # the assembly's prioritisation vote over the needs (approval or ranked)
    priority_poll = models.OneToOneField(
        "voting.Poll", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["body", "-starts_on", "-id"]
        verbose_name = _("cycle")

    def __str__(self) -> str:
        return self.title

    CALENDAR = (
        ("diagnosis_until", CyclePhase.DIAGNOSIS),
        ("prioritisation_until", CyclePhase.PRIORITISATION),
        ("planning_until", CyclePhase.PLANNING),
        ("review_until", CyclePhase.REVIEW),
        ("budget_until", CyclePhase.BUDGET),
        ("ends_on", CyclePhase.EXECUTION),
    )

    def phase(self, on: date | None = None) -> str:
        """The phase on day ``on`` (today by default), from the calendar."""
        day = on or timezone.localdate()
        if day < self.starts_on:
            return CyclePhase.PLANNED
        for field, phase in self.CALENDAR:
            if day <= getattr(self, field):
                return phase
        return CyclePhase.CLOSED

    def get_phase_display(self) -> str:
        return str(CyclePhase(self.phase()).label)


# --- diagnosis -------------------------------------------------------------------------------


class NeedCategory(models.TextChoices):
    WATER = "water", _("Water")
    ELECTRICITY = "electricity", _("Electricity")
    GAS = "gas", _("Domestic gas")
    ROADS = "roads", _("Roads and transport")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    FOOD = "food", _("Food")
    SAFETY = "safety", _("Safety")
    ENVIRONMENT = "environment", _("Environment and waste")
    CULTURE = "culture", _("Culture, sport and recreation")
    PRODUCTION = "production", _("Work and production")
    OTHER = "other", _("Other")


def need_photo_path(need: Need, filename: str) -> str:
    import uuid

    from comuna.voting.images import extension

    return f"needs/{uuid.uuid4().hex}.{extension(need.photo)}"


class Need(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="needs")
    category = models.CharField(_("category"), max_length=20, choices=NeedCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    photo = models.ImageField(
        _("photo"),
        upload_to=need_photo_path,
        blank=True,
        validators=[validate_option_image],
        help_text=_("A photo or drawing: JPEG, PNG, GIF or WebP, at most 2 MB."),
    )
    reported_by = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)
    withdrawn = models.BooleanField(default=False)
    # 1, 2, ...: the place the assembly's prioritisation gave it (None before, or left out)
    priority = models.PositiveSmallIntegerField(_("priority"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("need")

    def __str__(self) -> str:
        return self.title


class NeedSupport(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="supports")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    supported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["need", "resident"], name="one_support_per_resident")
        ]

    def __str__(self) -> str:
        return f"{self.need} · {self.resident}"


# --- the plan --------------------------------------------------------------------------------


class ProjectStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the feasibility review")
    FEASIBLE = "feasible", _("Feasible")
    REJECTED = "rejected", _("Not feasible")
    WITHDRAWN = "withdrawn", _("Withdrawn by its proposer")


class Project(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    needs = models.ManyToManyField(Need, related_name="projects", verbose_name=_("needs answered"))
    category = models.CharField(
        _("category"), max_length=20, choices=NeedCategory.choices, blank=True
    )
    # who proposed it: a resident, or a committee (then ``proposed_by`` is who filed it for them)
    proposed_by = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    proposing_committee = models.ForeignKey(
        Organ, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committee = models.ForeignKey(
        Organ,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("responsible committee"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    cost = MoneyField(_("estimated cost"))  # the sum of its cost items
    status = models.CharField(
        max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.SUBMITTED
    )
    revision = models.PositiveSmallIntegerField(default=1)  # 1, then +1 at each resubmission
    created_at = models.DateTimeField(default=timezone.now)
    # issue 15: a member's project a commune's (or city's) cycle took into its plan; the
    # member (its cycle's body) is the project's district of origin
    source = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inclusions",
        verbose_name=_("from the plan of"),
    )

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("project")

    def __str__(self) -> str:
        return self.title


class CostItem(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(_("item"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=1)
    unit_cost = MoneyField(_("unit cost"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project", "position", "id"]

    def __str__(self) -> str:
        return self.description


class ReviewDecision(models.TextChoices):
    FEASIBLE = "feasible", _("Feasible")
    REJECTED = "rejected", _("Not feasible")


class ProjectReview(models.Model):
    """The executive unit's review of one revision of a project (public, with its reason)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    revision = models.PositiveSmallIntegerField()
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices)
    reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "reviewed_at", "id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.revision} · {self.decision}"


# --- the participatory budget ----------------------------------------------------------------


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("Approval: mark every project you support")
    CART = "cart", _("Shopping cart: choose projects up to a cost")
    POINTS = "points", _("Points: share out points among the projects")
    RANKED = "ranked", _("Ranked: order the projects you support")
    SINGLE = "single", _("One project only")  # Pabulib's choose-1, from imported files


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Vote open")
    COUNTED = "counted", _("Counted")


class Budget(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="budgets")
    # None for an election imported from a Pabulib file
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.PROTECT, related_name="budgets"
    )
    title = models.CharField(_("title"), max_length=200)
    amount = MoneyField(_("budget"))  # the sum of the districts' amounts
    currency = models.CharField(_("currency"), max_length=3)
    ballot_kind = models.CharField(
        _("ballot"), max_length=10, choices=BallotKind.choices, default=BallotKind.APPROVAL
    )
    min_projects = models.PositiveSmallIntegerField(_("fewest projects on a ballot"), default=1)
    max_projects = models.PositiveSmallIntegerField(
        _("most projects on a ballot"), null=True, blank=True
    )
    max_cost = MoneyField(_("most a ballot may spend"), null=True, blank=True)
    max_points = models.PositiveIntegerField(
        _("points each voter shares out"), null=True, blank=True
    )
    rule = models.CharField(_("counting rule"), max_length=30, default="mes-cost-complete")
    status = models.CharField(
        max_length=8, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT
    )
    # the file an imported budget came from (its name and SHA-256), empty otherwise
    source_file = models.CharField(max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["body", "-created_at", "-id"]
        verbose_name = _("participatory budget")

    def __str__(self) -> str:
        return self.title


class BudgetDistrict(models.Model):
    """A district or category of a budget with its own amount, counted as its own poll."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(_("district or category"), max_length=200)
    amount = MoneyField(_("budget"))
    # the body whose register votes here (issue 15's commune-wide budgets: a council's
    # district); None: the budget's own body
    voters_body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    poll = models.OneToOneField(
        "voting.Poll", null=True, blank=True, on_delete=models.PROTECT, related_name="district"
    )
    position = models.PositiveSmallIntegerField(default=0)
    # once counted: what the budget's rule and the compared rules fund on the same ballots
    # (rule id -> funded keys, None when the rule cannot count them), computed once
    comparison = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["budget", "position", "id"]

    def __str__(self) -> str:
        return self.name


class BudgetProject(models.Model):
    """A project on a budget's ballot, in one district: ``key`` is its id in the .pb file
    (and the poll option's key)."""

    district = models.ForeignKey(BudgetDistrict, on_delete=models.CASCADE, related_name="entries")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )  # None for an imported file's project
    key = models.CharField(max_length=64)

    class Meta:
        ordering = ["district", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "key"], name="one_budget_project_key")
        ]

    def __str__(self) -> str:
        return f"{self.district} · {self.key}"


class DeviationChange(models.TextChoices):
    FUND = "fund", _("Fund although the count did not")
    UNFUND = "unfund", _("Do not fund although the count did")


class AssemblyMatter(models.Model):
    """What the cycle asks an assembly to decide (:class:`Deviation`,
    :class:`SpendingAuthorisation`), with the reason the assembly and the public read. Put on
    an assembly's agenda it waits (``proposed``) until the main motion on its item is carried
    or rejected, or lapses once its assembly ended without deciding it; it is in force only
    once carried. ``statuses`` is its status choices (``PROPOSED``, ``CARRIED``, ``REJECTED``,
    ``LAPSED``); ``comuna.cycles.matters`` holds what they share."""

    statuses: ClassVar[Any]

    reason = models.TextField(_("reason"))
    # the agenda item and motion that decide it (assemblies)
    item = models.ForeignKey(
        "assemblies.AgendaItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    motion = models.ForeignKey(
        "assemblies.Motion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class DeviationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for the assembly's decision")
    CARRIED = "carried", _("Decided by the assembly")
    REJECTED = "rejected", _("Rejected by the assembly")
    LAPSED = "lapsed", _("Not decided: its assembly ended without deciding it")


class Deviation(AssemblyMatter):
    """A change to the computed outcome: in force only once an assembly decision carries it."""

    statuses = DeviationStatus

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="deviations")
    entry = models.ForeignKey(BudgetProject, on_delete=models.PROTECT, related_name="+")
    change = models.CharField(max_length=8, choices=DeviationChange.choices)
    status = models.CharField(
        max_length=10, choices=DeviationStatus.choices, default=DeviationStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["budget", "proposed_at", "id"]

    def __str__(self) -> str:
        return f"{self.budget} · {self.change} · {self.entry.key}"


def now():
    """``timezone.now()`` read when called (the demo runs its story at earlier times by patching
    it; a default of ``timezone.now`` itself would keep the real clock)."""
    return timezone.now()


# --- execution (issue 14) --------------------------------------------------------------------


class ExecutionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    PAUSED = "paused", _("Paused")
    DONE = "done", _("Done")
    ABANDONED = "abandoned", _("Abandoned")


class Execution(models.Model):
    """A funded project being carried out: its allocation (the money the budget gave it), the
    committee responsible, its status (paused and abandoned always with a reason)."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="execution")
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="executions")
    allocation = MoneyField(_("allocation"))
    currency = models.CharField(_("currency"), max_length=3)
    committee = models.ForeignKey(
        Organ,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="executions",
        verbose_name=_("responsible committee"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ExecutionStatus.choices,
        default=ExecutionStatus.NOT_STARTED,
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["budget", "project"]
        verbose_name = _("execution")

    def __str__(self) -> str:
        return str(self.project)


class Milestone(models.Model):
    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["execution", "due_on", "position", "id"]

    def __str__(self) -> str:
        return self.title


def progress_photo_path(update: ProgressUpdate, filename: str) -> str:
    import uuid

    from comuna.voting.images import extension

    return f"progress/{uuid.uuid4().hex}.{extension(update.photo)}"


class ProgressUpdate(models.Model):
    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="updates")
    text = models.TextField(_("what happened"))
    photo = models.ImageField(
        _("photo"), upload_to=progress_photo_path, blank=True, validators=[validate_option_image]
    )
    photo_sha256 = models.CharField(max_length=64, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["execution", "-posted_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


class AuthorisationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for the assembly's decision")
    CARRIED = "carried", _("Authorised by the assembly")
    REJECTED = "rejected", _("Rejected by the assembly")
    LAPSED = "lapsed", _("Not decided: its assembly ended without deciding it")


class SpendingAuthorisation(AssemblyMatter):
    """The assembly's leave to spend on a project beyond its allocation, up to ``amount`` more:
    in force only once an assembly decision carries it."""

    statuses = AuthorisationStatus

    execution = models.ForeignKey(
        Execution, on_delete=models.PROTECT, related_name="authorisations"
    )
    amount = MoneyField(_("amount beyond the allocation"))
    status = models.CharField(
        max_length=10, choices=AuthorisationStatus.choices, default=AuthorisationStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["execution", "proposed_at", "id"]

    def __str__(self) -> str:
        return f"{self.execution} · +{self.amount}"


def receipt_path(expense: Expense, filename: str) -> str:
    import uuid

    return f"receipts/{uuid.uuid4().hex}.{expense.receipt_type or 'bin'}"


class Expense(models.Model):
    """Money the administrative-financial unit spent on a project, with its receipt. Never
    edited nor deleted: a mistake is undone by a reversal (an expense of the opposite amount
    with ``reverses`` set and a reason)."""

    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="expenses")
    amount = MoneyField(_("amount"))  # positive; a reversal's is the negative of the reversed
    currency = models.CharField(_("currency"), max_length=3)
    spent_on = models.DateField(_("date"))
    supplier = models.CharField(_("supplier"), max_length=200)
    supplier_tax_id = models.CharField(_("supplier's tax id"), max_length=40)
    description = models.TextField(_("description"))
    item = models.ForeignKey(
        CostItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("budget item"),
    )
    receipt = models.FileField(_("receipt"), upload_to=receipt_path, blank=True)
    receipt_type = models.CharField(max_length=4, blank=True)  # pdf, jpg, png, webp
    receipt_sha256 = models.CharField(max_length=64, blank=True)
    # the assembly's leave that allowed spending beyond the allocation, when it was needed
    authorisation = models.ForeignKey(
        SpendingAuthorisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    reason = models.TextField(_("reason for the reversal"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["execution", "spent_on", "id"]
        verbose_name = _("expense")

    def __str__(self) -> str:
        return f"{self.supplier} · {self.amount} {self.currency}"


class FundsReceived(models.Model):
    """Money the body received (a transfer, a grant), recorded by the financial unit."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="funds_received")
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.PROTECT, related_name="funds_received"
    )
    amount = MoneyField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    received_on = models.DateField(_("received on"))
    source = models.CharField(_("from"), max_length=200)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["body", "received_on", "id"]

    def __str__(self) -> str:
        return f"{self.source} · {self.amount} {self.currency}"


# --- social comptrollership (issue 14) -------------------------------------------------------


class Inspection(models.Model):
    """An inspection the comptroller unit opens, on the body or on one project's execution."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="inspections")
    execution = models.ForeignKey(
        Execution, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("what is inspected"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["body", "-opened_at", "-id"]

    def __str__(self) -> str:
        return self.title


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the answer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed by the comptroller unit")


class Finding(models.Model):
    """What an inspection found; the responsible organ answers within the statute's days."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("what was found"))
    organ = models.ForeignKey(
        Organ, on_delete=models.PROTECT, related_name="+", verbose_name=_("who must answer")
    )
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(
        max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # the recall the comptroller unit started on this finding, if any
    recall = models.ForeignKey(
        "mandates.Recall", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["inspection", "filed_at", "id"]

    def __str__(self) -> str:
        return self.title


def evidence_path(evidence: Evidence, filename: str) -> str:
    import uuid

    return f"evidence/{uuid.uuid4().hex}.{evidence.file_type or 'bin'}"


class Evidence(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    file_type = models.CharField(max_length=4)
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["finding", "id"]

    def __str__(self) -> str:
        return self.name


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the answer")
    ANSWERED = "answered", _("Answered")


class Complaint(models.Model):
    """A resident's complaint to the comptroller unit. When ``anonymous``, only the comptroller
    unit sees who filed it (no page, no API, no ledger entry names them)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="complaints")
    execution = models.ForeignKey(
        Execution, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("complaint"))
    filed_by = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    anonymous = models.BooleanField(_("anonymous to everyone but the comptroller unit"))
    filed_at = models.DateTimeField(default=now)
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(
        max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["body", "-filed_at", "-id"]

    def __str__(self) -> str:
        return self.subject


# --- the clearing house (issue 14) -----------------------------------------------------------


class LessonOutcome(models.TextChoices):
    DONE = "done", _("Done")
    ABANDONED = "abandoned", _("Abandoned")


class Lesson(models.Model):
    """What a project's team recorded when it closed: what happened and what they learned.
    ``search_text`` is the searchable text, lower-cased and without accents (kept by the
    service); the full-text index is built over it (``comuna.cycles.lessons``)."""

    execution = models.OneToOneField(Execution, on_delete=models.PROTECT, related_name="lesson")
    outcome = models.CharField(_("outcome"), max_length=10, choices=LessonOutcome.choices)
    what_happened = models.TextField(_("what happened"))
    what_worked = models.TextField(_("what worked"), blank=True)
    what_did_not = models.TextField(_("what did not work"), blank=True)
    cost_note = models.TextField(_("costs against the estimate"), blank=True)
    advice = models.TextField(_("advice for others"), blank=True)
    # figures at the time it was written: the estimate, the allocation and what was spent
    estimate = MoneyField(_("estimated cost"))
    spent = MoneyField(_("spent"))
    currency = models.CharField(_("currency"), max_length=3)
    search_text = models.TextField(blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("lesson")

    def __str__(self) -> str:
        return str(self.execution)
