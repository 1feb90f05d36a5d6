"""Assemblies: the citizens' assembly, its agenda, petitions, attendance, motions and minutes.

An assembly is convened (by the coordination collective, or on a petition signed by the
statute's share of the register) with its agenda; the register is frozen at convening
(:class:`Registered`), and quorum is always counted against that frozen register. In session,
the electoral commission records attendance and the decisions on each item's motions; after
it, the minutes are drafted, corrected, approved and sealed (their HTML's SHA-256 in the
ledger). Every state change is a service (convening, attendance, decisions, minutes) that
writes an ``assembly.*`` ledger entry in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comuna.territory.models import Body, Resident, StatuteVersion


class Status(models.TextChoices):
    """The assembly's phase: the permission tables are keyed by it."""

    CONVENED = "convened", _("Convened")
    IN_SESSION = "in_session", _("In session")
    ENDED = "ended", _("Ended")
    FAILED = "failed", _("Ended without quorum")


class Call(models.TextChoices):
    FIRST = "first", _("First call")
    SECOND = "second", _("Second call")


class Majority(models.TextChoices):
    """The kind of decision an agenda item asks for."""

    NONE = "none", _("Information only, no vote")
    SIMPLE = "simple", _("Simple majority of those present")
    ABSOLUTE = "absolute", _("Absolute majority of the register")
    TWO_THIRDS = "two_thirds", _("Two thirds of those present")


class ConvenedBy(models.TextChoices):
    COORDINATION = "coordination", _("The coordination collective")
    PETITION = "petition", _("A petition of the residents")


class Assembly(models.Model):
    """A citizens' assembly of ``body``; or, with ``organ`` set, a session of that organ (a
    commune's or city's parliament), whose register is its seated members."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="assemblies")
    organ = models.ForeignKey(
        "territory.Organ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("session of"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=300)
    online_url = models.URLField(_("online link (hybrid session)"), blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONVENED)
    # the call the session is under (first until the second call is made)
    call = models.CharField(max_length=6, choices=Call.choices, default=Call.FIRST)
    convened_by = models.CharField(
        max_length=12, choices=ConvenedBy.choices, default=ConvenedBy.COORDINATION
    )
    petition = models.ForeignKey(
        "Petition", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the statute version in force at convening: every rule of the assembly comes from it
    statute = models.ForeignKey(StatuteVersion, on_delete=models.PROTECT, related_name="+")
    register_size = models.PositiveIntegerField(default=0)  # frozen at convening
    # set when the session opens, when quorum is first met, and when it ends
    opened_at = models.DateTimeField(null=True, blank=True)
    quorum_met_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # the attendance sheet's count of people present, entered after the session when the
    # door was kept on paper (None: attendance was recorded person by person)
    sheet_count = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")

    def __str__(self) -> str:
        return self.title

    def locked(self) -> Assembly:
        """This assembly read again under a row lock, with its body and statute: every state
        change of the capability takes it first, inside its transaction."""
        return (
            Assembly.objects.select_for_update().select_related("body", "statute").get(pk=self.pk)
        )


class Registered(models.Model):
    """A resident on the assembly's register, frozen when it was convened."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="registered")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "resident"], name="assembly_registered_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.assembly}"


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In the room")
    ONLINE = "online", _("Online")


class Attendance(models.Model):
    """A registered resident present at the session: at the door, or checked in online."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="attendances")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assembly", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "resident"], name="present_once")
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.assembly} · {self.get_mode_display()}"


class AgendaItem(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("item"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    majority = models.CharField(
        _("decision asked for"), max_length=12, choices=Majority.choices, default=Majority.SIMPLE
    )
    petition = models.ForeignKey(
        "Petition", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    # an amendment of the agenda may withdraw an item; it stays, marked, in the record
    withdrawn = models.BooleanField(default=False)

    class Meta:
        ordering = ["assembly", "position", "id"]

    def __str__(self) -> str:
        return self.text


class PetitionStatus(models.TextChoices):
    COLLECTING = "collecting", _("Collecting signatures")
    REACHED = "reached", _("Threshold reached")
    USED = "used", _("Put on an assembly's agenda")


class Petition(models.Model):
    """Residents asking for an assembly (or an item on a coming one's agenda)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="petitions")
    title = models.CharField(_("what the assembly should decide"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    majority = models.CharField(
        _("decision asked for"), max_length=12, choices=Majority.choices, default=Majority.SIMPLE
    )
    status = models.CharField(
        max_length=12, choices=PetitionStatus.choices, default=PetitionStatus.COLLECTING
    )
    statute = models.ForeignKey(StatuteVersion, on_delete=models.PROTECT, related_name="+")
    register_size = models.PositiveIntegerField(default=0)  # when the petition started
    threshold = models.PositiveIntegerField(default=0)  # signatures needed
    started_by = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("petition")

    def __str__(self) -> str:
        return self.title


class SignatureSource(models.TextChoices):
    APP = "app", _("Signed in the app")
    PAPER = "paper", _("Entered from a paper sheet")


class Signature(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=6, choices=SignatureSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "resident"], name="sign_once")]

    def __str__(self) -> str:
        return f"{self.resident} · {self.petition}"


class Notice(models.Model):
    """What members are told in the app (and by e-mail, after commit) about an assembly."""

    class Kind(models.TextChoices):
        CONVENED = "convened", _("Assembly convened")
        AGENDA_AMENDED = "agenda_amended", _("Agenda amended")
        SECOND_CALL = "second_call", _("Second call")
        MINUTES_OPEN = "minutes_open", _("Minutes open for corrections")
        MINUTES_SEALED = "minutes_sealed", _("Minutes sealed")

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.assembly} · {self.get_kind_display()}"


class Method(models.TextChoices):
    HANDS = "hands", _("Show of hands")
    SECRET = "secret", _("Secret ballot online")
    MERGED = "merged", _("Hands in the room and online ballots")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not yet decided")
    CARRIED = "carried", _("Carried")
    REJECTED = "rejected", _("Rejected")


class Motion(models.Model):
    """A motion on an agenda item; an amendment is a motion on the motion it amends, and is
    decided before it."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="motions")
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    text = models.TextField(_("motion"))
    # the text as it was put; ``text`` is the motion as amended (a carried amendment gives
    # the motion its own text)
    original_text = models.TextField(blank=True)
    method = models.CharField(
        _("how it is decided"), max_length=8, choices=Method.choices, default=Method.HANDS
    )
    # the secret ballot (voting.Poll) of a secret or merged decision
    poll = models.OneToOneField(
        "voting.Poll", null=True, blank=True, on_delete=models.PROTECT, related_name="motion"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    # the decision, as recorded: counts, those present and the quorum when it was taken
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    abstentions = models.PositiveIntegerField(null=True, blank=True)
    present = models.PositiveIntegerField(null=True, blank=True)
    quorum_required = models.PositiveIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_entry = models.PositiveBigIntegerField(null=True, blank=True)  # ledger seq
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CORRECTIONS = "corrections", _("Open for corrections")
    SEALED = "sealed", _("Approved and sealed")


class Minutes(models.Model):
    """The acta of an assembly. Once sealed, ``sealed_html`` is the exact download whose
    SHA-256 the ledger holds, and nothing of it may change."""

    assembly = models.OneToOneField(Assembly, on_delete=models.PROTECT, related_name="minutes")
    status = models.CharField(
        max_length=12, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    text = models.TextField(_("minutes"), blank=True)  # the secretary's account of the session
    corrections_until = models.DateTimeField(null=True, blank=True)
    # the assembly whose decision approved them (the session itself, or the next one)
    approved_in = models.ForeignKey(
        Assembly, null=True, blank=True, on_delete=models.PROTECT, related_name="approved_minutes"
    )
    approved_by_motion = models.ForeignKey(
        Motion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sealed_html = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.assembly} · {self.get_status_display()}"


class CorrectionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Correction(models.Model):
    """An attendee's proposed correction of the minutes."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="corrections")
    proposed_by = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("correction"))
    status = models.CharField(
        max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PROPOSED
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["minutes", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]
