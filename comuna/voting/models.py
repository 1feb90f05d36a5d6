"""Polls and secret ballots.

Secrecy: a :class:`Voter` row says *that* someone voted, a :class:`Ballot` row says *what* was
voted, and nothing links the two: the ballot has a random id, no user, no timestamp, and is
found again only through the hash of the receipt code that only the voter holds.

A ballot is cast into the :class:`BoxedBallot` table, in the transaction that marks its voter
(so it shares that transaction's id and sits where casting order put it); the mixer
(``services.mix``) moves the box's ballots in random order, with new random ids, into the
counted :class:`Ballot` table, in batches while the poll is open and all of them at closing,
when it rewrites the whole poll's counted ballots. docs/security.md says what this protects
against, and what not.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from comuna.choice import elections, pb
from comuna.choice.registry import Rule
from comuna.territory.models import Body, Resident, StatuteVersion
from comuna.voting.images import validate_option_image
from comuna.voting.money import MoneyField


class Method(models.TextChoices):
    SINGLE = "single", _("Single choice")
    APPROVAL = "approval", _("Approval (choose several)")
    RANKED = "ranked", _("Ranked (order by preference)")
    CUMULATIVE = "cumulative", _("Cumulative (share out points)")
    BUDGET = "budget", _("Participatory budget")


def _rules(
    table: Mapping[str, Rule], kind: str, default: str, *, leave_out: Sequence[str] = ()
) -> list[str]:
    """The ids of the engine's rules that count ``kind`` ballots, ``default`` first.

    A rule the engine renames or drops fails here, when Django starts, not when a poll closes.
    """
    ids = [r.id for r in table.values() if kind in r.accepts and r.id not in leave_out]
    ids.remove(default)
    return [default, *ids]


# Which counting rules each method may use, from the engine's rule tables; the first is the
# default. A budget poll has no META threshold for greedy-threshold; a cumulative poll (every
# option costs 1, the budget is the seats) elects the options with the most points, so the
# rules that ignore points are left out, and so, for now, is mes-points.
RULES = {
    Method.SINGLE: _rules(elections.RULES, "single", "plurality"),
    Method.APPROVAL: _rules(elections.RULES, "approval", "approval"),
    Method.RANKED: _rules(elections.RULES, "ranked", "irv"),
    Method.CUMULATIVE: _rules(
        pb.RULES,
        "cumulative",
        "greedy-points",
        leave_out=[r.id for r in pb.RULES.values() if "approval" in r.accepts] + ["mes-points"],
    ),
    Method.BUDGET: _rules(
        pb.RULES, "approval", "mes-cost-complete", leave_out=["greedy-threshold"]
    ),
}

# The Pabulib vote types a budget poll's ballots may have ("" on a poll: approval), and the
# rules that count each, Equal Shares with completion first (the default). greedy-threshold
# is among them: it counts only a poll whose ``meta`` holds ``min_project_score_threshold``
# (an imported file's), which the validation checks.
BUDGET_VOTE_TYPES = ("approval", "choose-1", "cumulative", "ordinal")
BUDGET_RULES = {kind: _rules(pb.RULES, kind, "mes-cost-complete") for kind in BUDGET_VOTE_TYPES}


def rules_for(poll: Poll) -> list[str]:
    """The rules ``poll`` may be counted by: its method's, or for a budget poll its vote
    type's."""
    if poll.method == Method.BUDGET:
        return BUDGET_RULES.get(poll.vote_type or "approval", [])
    return RULES.get(poll.method, [])


# What the poll form sets besides title, method, rule and options, while the poll is a draft.
EDITABLE_SETTINGS = (
    "description",
    "seats",
    "min_choices",
    "max_choices",
    "max_points",
    "budget",
    "max_cost",
    "allow_revote",
    "opens_at",
    "closes_at",
    "vote_type",
)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Poll(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="polls")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    rule = models.CharField(_("counting rule"), max_length=30)
    seats = models.PositiveSmallIntegerField(_("winners"), default=1)
    min_choices = models.PositiveSmallIntegerField(_("fewest choices on a ballot"), default=1)
    max_choices = models.PositiveSmallIntegerField(
        _("most choices on a ballot"), null=True, blank=True
    )
    max_points = models.PositiveIntegerField(
        _("points each voter shares out"), null=True, blank=True
    )
    budget = MoneyField(_("budget"), null=True, blank=True)
    max_cost = MoneyField(_("most a ballot may spend"), null=True, blank=True)
    allow_revote = models.BooleanField(
        _("voters may change their ballot until closing"), default=True
    )
    paper_double_entry = models.BooleanField(
        _("each tally sheet is entered by two members of the electoral commission"),
        default=True,
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # when the scheduler (`comuna polls tick`) opens and closes the poll, if set
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    statute = models.ForeignKey(
        StatuteVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.JSONField(null=True, blank=True)
    # budget polls (issue 13): the Pabulib vote type of its ballots ("approval", "choose-1",
    # "cumulative", "ordinal"; empty: the method's own), and the META lines of an imported
    # file that the poll's own settings do not give (written back on export)
    vote_type = models.CharField(max_length=12, blank=True, db_default="", default="")
    meta = models.JSONField(default=dict, blank=True, db_default={})
    result_entry = models.PositiveBigIntegerField(
        null=True, blank=True, help_text=_("Sequence of the ledger entry that records the result.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("poll")

    def __str__(self) -> str:
        return self.title

    def get_rule_display(self) -> str:
        """The counting rule's name in the active language (never its code)."""
        from comuna.voting.names import rule_name  # (names imports this module)

        return rule_name(self.rule)

    @property
    def ballot_form(self) -> str:
        """How a ballot of this poll is filled in: "single" (one option), "approval" (tick
        several), "ranked" (number them 1, 2, 3...) or "points" (give each some points)."""
        if self.method == Method.BUDGET:
            forms = {"choose-1": "single", "ordinal": "ranked", "cumulative": "points"}
            return forms.get(self.vote_type, "approval")
        return {
            Method.SINGLE: "single",
            Method.RANKED: "ranked",
            Method.CUMULATIVE: "points",
        }.get(self.method, "approval")

    def clean(self) -> None:
        """The settings that do not depend on the options (those are checked by the voting
        service, with the options, through the same function)."""
        from comuna.voting.validation import problems

        found = problems(self, None)
        if found:
            raise ValidationError(found)


def option_image_path(option: Option, filename: str) -> str:
    """Images are stored under a random name with the extension of their content (checked by
    ``validate_option_image``), never the uploader's name."""
    from comuna.voting.images import extension

    return f"polls/{uuid.uuid4().hex}.{extension(option.image)}"


class Option(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(
        max_length=64
    )  # "1", "2", ...: the id in exported files (a Pabulib file's own)
    label = models.CharField(_("option"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cost = MoneyField(_("cost"), null=True, blank=True)
    image = models.ImageField(
        _("image"),
        upload_to=option_image_path,
        blank=True,
        validators=[validate_option_image],
        help_text=_("A photo or drawing: JPEG, PNG, GIF or WebP, at most 2 MB."),
    )

    # an imported Pabulib project's other columns (category, target, votes, selected...), raw
    fields = models.JSONField(default=dict, blank=True, db_default={})

    class Meta:
        ordering = ["poll", "id"]
        constraints = [models.UniqueConstraint(fields=["poll", "key"], name="option_key_unique")]

    def __str__(self) -> str:
        return self.label


class Voter(models.Model):
    """A resident on the poll's register, snapshotted when the poll opened."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="voters")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    has_voted = models.BooleanField(default=False)
    # sha256("voter:<voter id>:<receipt code>"): lets this voter, and only with their code,
    # change their ballot; without the code it cannot be matched to any ballot.
    change_key = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "resident"], name="one_voter_per_resident")
        ]
        indexes = [models.Index(fields=["poll", "user"])]

    def __str__(self) -> str:
        return f"{self.resident} · {self.poll}"


class Source(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")
    IMPORTED = "imported", _("Imported from a file")


class BatchState(models.TextChoices):
    ACTIVE = "active", _("Counted")
    CORRECTED = "corrected", _("Replaced by a correction")


class PaperBatch(models.Model):
    """What the electoral commission entered for one polling place: totals or paper ballots."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="paper_batches")
    polling_place = models.CharField(_("polling place"), max_length=120)
    totals = models.JSONField(null=True, blank=True)  # option key -> votes, when entered as totals
    n_ballots = models.PositiveIntegerField(_("paper ballots cast at this place"), default=0)
    state = models.CharField(max_length=10, choices=BatchState.choices, default=BatchState.ACTIVE)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["poll", "polling_place", "entered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "polling_place"],
                condition=models.Q(state="active"),
                name="one_active_paper_entry_per_place",
            )
        ]

    def __str__(self) -> str:
        return f"{self.poll} · {self.polling_place} · {self.get_state_display()}"


class SheetState(models.TextChoices):
    PENDING = "pending", _("Waiting for an agreeing entry")
    AGREED = "agreed", _("Agreed and counted")
    SET_ASIDE = "set_aside", _("Set aside: two other entries agreed")
    WITHDRAWN = "withdrawn", _("Replaced by its enterer's new entry")


class PaperSheet(models.Model):
    """One commission member's entry of a polling place's tally sheet. Under double entry it
    counts only when another member's entry agrees with it; the agreeing pair then makes
    the :class:`PaperBatch` that is counted. Until then it is held here, not in the ballot box
    (its ballots are JSON, not :class:`Ballot` rows, so nothing can count them by mistake)."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="paper_sheets")
    polling_place = models.CharField(_("polling place"), max_length=120)
    totals = models.JSONField(null=True, blank=True)  # option key -> votes
    ballots = models.JSONField(null=True, blank=True)  # normalised ballots, in entry order
    n_ballots = models.PositiveIntegerField(_("paper ballots cast at this place"), default=0)
    corrects = models.ForeignKey(
        PaperBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(max_length=100)  # the ledger's name of who entered it
    state = models.CharField(max_length=10, choices=SheetState.choices, default=SheetState.PENDING)
    batch = models.ForeignKey(
        PaperBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="sheets"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["poll", "polling_place", "entered_at", "id"]

    def __str__(self) -> str:
        return f"{self.poll} · {self.polling_place} · {self.get_state_display()}"


class Ballot(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="ballots")
    # NULL for paper ballots: the unique constraint below must allow many of them
    receipt_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    choices = models.JSONField()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.ONLINE)
    batch = models.ForeignKey(
        PaperBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="ballots"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "receipt_hash"], name="one_ballot_per_receipt")
        ]

    def __str__(self) -> str:
        return f"{self.poll} · {self.get_source_display()} ballot"


class BoxedBallot(models.Model):
    """An online ballot cast and not yet mixed into the counted :class:`Ballot` table.

    Its row is written with its voter's 'has voted' mark, so until the mixer moves it a reader
    of the database can link the two (same transaction id, casting order): the box is emptied
    every ``COMUNA_MIX_BATCH`` ballots and at closing. No sequence, no timestamp."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # no index of its own: the unique constraint's index starts with the poll
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="+", db_index=False)
    receipt_hash = models.CharField(max_length=64)
    choices = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "receipt_hash"], name="one_boxed_per_receipt")
        ]

    def __str__(self) -> str:
        return f"{self.poll} · ballot in the box"
