"""Mandates: electing spokespersons to their seats, recalling them, and their accounting to the
base.

- Seats are declared per organ (``territory.Seat``, ``Organ.counting``): uninominal races or
  one STV count; a seat is held by a principal and a substitute (``territory.Mandate`` rows
  with ``seat`` set) for the statute's term.
- An :class:`Election` is convened by the electoral commission with its calendar (candidacy,
  objections, campaign, vote); each :class:`Contest` elects the seats of one organ through a
  secret ballot (``voting.Poll``: online, paper merged); :class:`Candidate` rows are checked
  for eligibility when registered, and :class:`Objection` rows are decided with reasons; the
  winners' mandates are conferred from the term's start.
- A :class:`Recall` of a spokesperson's mandate starts from a petition signed by the statute's
  share of the register (:class:`RecallSignature`) or from the comptroller unit; the
  comptroller's report follows within its deadline, then a recall vote in assembly (an agenda
  item decided by the assemblies' decisions); carried, the substitute takes the seat.
- The assembly gives spokespersons :class:`Instruction` rows (imperative mandates, each a
  carried motion); a spokesperson's vote in a higher body is a :class:`NamedVote`, shown beside
  the instruction they carried; residents ask :class:`Question` rows, answered within the
  statute's days; spokespersons render :class:`AccountsReport` rows, approved or rejected by
  the assembly.

Every state change is a service writing an ``election.*``, ``recall.*``, ``mandate.*`` or
``question.*`` ledger entry in the same transaction.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comuna.assemblies.models import SignatureSource  # a recall is signed as a petition is
from comuna.territory.models import Body, Mandate, Organ, Resident, StatuteVersion

# --- elections -------------------------------------------------------------------------------


class ElectionStatus(models.TextChoices):
    """What is stored; the phase a person sees (and the permission tables key on) also follows
    the calendar while the election is scheduled: see :meth:`Election.phase`."""

    SCHEDULED = "scheduled", _("Scheduled")
    VOTING = "voting", _("Voting")
    COUNTED = "counted", _("Counted")
    CONFERRED = "conferred", _("Mandates conferred")
    CANCELLED = "cancelled", _("Cancelled")


class ElectionPhase(models.TextChoices):
    CONVENED = "convened", _("Convened, candidacies not yet open")
    CANDIDACY = "candidacy", _("Candidacies open")
    OBJECTIONS = "objections", _("Objections to candidacies")
    CAMPAIGN = "campaign", _("Campaign")
    VOTING = "voting", _("Voting")
    COUNTED = "counted", _("Counted")
    CONFERRED = "conferred", _("Mandates conferred")
    CANCELLED = "cancelled", _("Cancelled")


class Election(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="elections")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # the calendar: every date inclusive
    candidacy_opens = models.DateField(_("candidacies open"))
    candidacy_closes = models.DateField(_("candidacies close"))
    objections_close = models.DateField(_("objections close"))
    vote_on = models.DateField(_("voting day"))
    term_starts = models.DateField(_("the elected take their seats on"))
    status = models.CharField(
        max_length=12, choices=ElectionStatus.choices, default=ElectionStatus.SCHEDULED
    )
    # the statute version in force at convening: eligibility and terms come from it
    statute = models.ForeignKey(StatuteVersion, on_delete=models.PROTECT, related_name="+")
    # set when an election is convened because a recall left a seat with no substitute
    recall = models.ForeignKey(
        "Recall", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    conferred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-vote_on", "-pk"]
        verbose_name = _("election")

    def __str__(self) -> str:
        return self.title

    def phase(self, today: date | None = None) -> str:
        """The phase now: the stored status once voting has begun, else the calendar's phase
        (the campaign lasts until the electoral commission opens the vote)."""
        if self.status != ElectionStatus.SCHEDULED:
            return self.status
        today = today or timezone.localdate()
        if today < self.candidacy_opens:
            return ElectionPhase.CONVENED
        if today <= self.candidacy_closes:
            return ElectionPhase.CANDIDACY
        if today <= self.objections_close:
            return ElectionPhase.OBJECTIONS
        return ElectionPhase.CAMPAIGN

    def get_phase_display(self) -> str:
        return ElectionPhase(self.phase()).label

    def locked(self) -> Election:
        return (
            Election.objects.select_for_update().select_related("body", "statute").get(pk=self.pk)
        )


class Contest(models.Model):
    """The race for the seats of one organ in an election: one uninominal seat, or several
    seats counted together by STV."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="contests")
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="contests")
    # the seats elected (every seat of the organ, or the one a recall left empty)
    seats = models.ManyToManyField("territory.Seat", related_name="contests")
    counting = models.CharField(max_length=12)  # territory.Counting, as declared at convening
    # the secret ballot, made when the vote opens: ranked (STV) or single choice (uninominal)
    poll = models.OneToOneField(
        "voting.Poll", null=True, blank=True, on_delete=models.PROTECT, related_name="contest"
    )
    # the result: {"principals": [candidate ids by seat], "substitutes": [...], "count": ...}
    result = models.JSONField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["election", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "organ"], name="one_contest_per_organ")
        ]

    def __str__(self) -> str:
        return f"{self.election} · {self.organ}"


class CandidateStatus(models.TextChoices):
    STANDING = "standing", _("Standing")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DISQUALIFIED = "disqualified", _("Disqualified on an objection")


class Candidate(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="candidates")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    # None: the candidate registered themselves
    nominated_by = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(_("what the candidate proposes"), blank=True)
    status = models.CharField(
        max_length=12, choices=CandidateStatus.choices, default=CandidateStatus.STANDING
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)  # withdrawal / disqualif.
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contest", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "resident"], name="stand_once_per_contest")
        ]

    def __str__(self) -> str:
        return str(self.resident)


class ObjectionStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    UPHELD = "upheld", _("Upheld: candidacy disqualified")
    DISMISSED = "dismissed", _("Dismissed")


class Objection(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="objections")
    filed_by = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField(_("grounds"))
    status = models.CharField(
        max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.FILED
    )
    decision_reason = models.TextField(_("reasons of the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["candidate", "filed_at", "pk"]

    def __str__(self) -> str:
        return self.grounds[:80]


# --- recall ----------------------------------------------------------------------------------


class RecallStatus(models.TextChoices):
    COLLECTING = "collecting", _("Collecting signatures")
    REPORT = "report", _("Waiting for the comptroller's report")
    VOTE = "vote", _("Waiting for the recall vote in assembly")
    CARRIED = "carried", _("Recalled")
    REJECTED = "rejected", _("Not recalled")


class RecallOrigin(models.TextChoices):
    PETITION = "petition", _("A petition of the residents")
    COMPTROLLER = "comptroller", _("The social comptroller unit")


class Recall(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="recalls")
    # the spokesperson's mandate to recall
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="recalls")
    origin = models.CharField(max_length=12, choices=RecallOrigin.choices)
    grounds = models.TextField(_("grounds"))
    status = models.CharField(
        max_length=12, choices=RecallStatus.choices, default=RecallStatus.COLLECTING
    )
    statute = models.ForeignKey(StatuteVersion, on_delete=models.PROTECT, related_name="+")
    register_size = models.PositiveIntegerField(default=0)  # when the petition started
    threshold = models.PositiveIntegerField(default=0)  # signatures needed
    started_by = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    # the deadlines, set as each step is reached
    reached_at = models.DateTimeField(null=True, blank=True)  # threshold met (or comptroller)
    report_due = models.DateField(null=True, blank=True)
    report = models.TextField(_("the comptroller's report"), blank=True)
    report_at = models.DateTimeField(null=True, blank=True)
    vote_due = models.DateField(null=True, blank=True)
    # the agenda item of the recall vote, and the assembly's decision on it
    item = models.OneToOneField(
        "assemblies.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recall",
    )
    motion = models.ForeignKey(
        "assemblies.Motion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # carried: the substitute's new mandate, or the election convened for the empty seat
    successor = models.ForeignKey(
        Mandate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    election = models.ForeignKey(
        Election, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("recall")

    def __str__(self) -> str:
        return f"{self.mandate}"

    def locked(self) -> Recall:
        return (
            Recall.objects.select_for_update()
            .select_related("body", "statute", "mandate")
            .get(pk=self.pk)
        )


class RecallSignature(models.Model):
    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="signatures")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=6, choices=SignatureSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recall", "resident"], name="sign_recall_once")
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.recall}"


# --- instructions, votes in higher bodies, questions, accounts --------------------------------


class Position(models.TextChoices):
    FOR = "for", _("Vote for")
    AGAINST = "against", _("Vote against")
    ABSTAIN = "abstain", _("Abstain")
    FREE = "free", _("Free vote, after consulting")


class DecisionStatus(models.TextChoices):
    """An instruction or an accounts report put to the assembly: its decision's outcome."""

    PROPOSED = "proposed", _("Put to the assembly")
    CARRIED = "carried", _("Approved by the assembly")
    REJECTED = "rejected", _("Rejected by the assembly")


class Instruction(models.Model):
    """An imperative mandate: what the assembly of ``body`` instructs its spokesperson (the
    holder of ``mandate``, here or in a higher body) to say and vote on a matter."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="instructions")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="instructions")
    matter = models.CharField(_("matter"), max_length=300)
    text = models.TextField(_("instruction"))
    position = models.CharField(
        _("how to vote"), max_length=8, choices=Position.choices, default=Position.FREE
    )
    # the motion that decides it (its agenda item in the assembly of ``body``)
    motion = models.OneToOneField(
        "assemblies.Motion", on_delete=models.PROTECT, related_name="instruction"
    )
    # the higher body's agenda item (a parliament session's) the instruction is about: the
    # spokesperson's named vote on it is shown beside this instruction
    item = models.ForeignKey(
        "assemblies.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
        verbose_name=_("on the item"),
    )
    status = models.CharField(
        max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.matter


class NamedVote(models.Model):
    """How a spokesperson voted in a higher body (by name: spokespersons vote in the open), and
    the instruction they carried, if any."""

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="named_votes")
    # the higher body's decided motion (its assembly or parliament session)
    motion = models.ForeignKey(
        "assemblies.Motion", on_delete=models.PROTECT, related_name="named_votes"
    )
    vote = models.CharField(max_length=8, choices=Position.choices[:3])
    instruction = models.ForeignKey(
        Instruction, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["mandate", "motion"], name="one_named_vote")]

    def __str__(self) -> str:
        return f"{self.mandate} · {self.get_vote_display()}"

    @property
    def against_instruction(self) -> bool:
        """The vote departs from the instruction carried (a free vote never does)."""
        return (
            self.instruction is not None
            and self.instruction.position != Position.FREE
            and self.instruction.position != self.vote
        )


class Question(models.Model):
    """A resident's public question to a spokesperson, due an answer by ``due_on``."""

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="questions")
    asked_by = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:80]

    def is_overdue(self, today: date | None = None) -> bool:
        return self.answered_at is None and (today or timezone.localdate()) > self.due_on


class AccountsReport(models.Model):
    """A spokesperson's accounts for a period, approved or rejected by the assembly."""

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="accounts")
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    text = models.TextField(_("report"))
    submitted_at = models.DateTimeField(default=timezone.now)
    # the motion that decides it, once put on an assembly's agenda
    motion = models.OneToOneField(
        "assemblies.Motion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    status = models.CharField(
        max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED
    )

    class Meta:
        ordering = ["-period_to", "-pk"]

    def __str__(self) -> str:
        return f"{self.mandate} · {self.period_from}–{self.period_to}"
