"""Federation: councils federate into communes, communes into communal cities, and every power
of the higher body is one its members delegate and can take back.

- A :class:`Referendum` founds a commune (or a communal city): a promoting commission of
  member bodies (:class:`Place`, each joined by that body) drafts the founding charter; each
  member is a polling place whose own electoral commission runs its own poll (a
  ``voting.Poll`` of that member, on that member's register: the referendum never holds a
  census row or a ballot), and the counts are merged. Turnout and majority are the statute's;
  carried, the new body is founded with the members federated into it and the charter sealed.
- The parliament of a commune (a city) has one seat per member body (``territory.Seat`` with
  ``member``), held by a spokesperson and a substitute whom that member's own assembly elects
  and recalls at any time (:class:`Delegation`, each a motion of the member's assembly), plus
  the seats the statute gives to socio-productive organisations and the commune bank. Its
  sessions are ``assemblies.Assembly`` rows with ``organ`` set; its members vote by name
  (``mandates.NamedVote``), each beside the instruction their member's assembly gave
  (``mandates.Instruction.item``).
- A matter raised by the statute's share of the members, each by its own assembly's decision
  (:class:`Initiative`, :class:`Support`), must be put on the parliament's agenda within the
  statute's days.
- A member may require that a parliament decision be ratified by its own assembly before it
  binds the member (:class:`Ratification`).

Every state change is a service writing a ``referendum.*``, ``federation.*`` or
``parliament.*`` ledger entry in the same transaction.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comuna.territory.models import Body, BodyKind, Mandate, Resident, Seat, StatuteVersion

# --- founding referendums ---------------------------------------------------------------------


class ReferendumStatus(models.TextChoices):
    """What is stored, and the phase the permission tables key on."""

    DRAFT = "draft", _("Being drafted by the promoting commission")
    VOTING = "voting", _("Voting in each member")
    FOUNDED = "founded", _("Carried: founded")
    FAILED = "failed", _("Not carried")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # counted, but what the count would found cannot be founded (its short name was taken, a
    # member federated elsewhere meanwhile): closed by the host's electoral commission, saying why
    VOID = "void", _("Closed without founding")


class Referendum(models.Model):
    """A founding referendum: members vote, each as its own polling place, on founding a new
    body (a commune of councils, a communal city of communes) under ``charter``."""

    # the body whose promoting commission started it (a member); its pages are reached from
    # every member's pages and, once founded, from the new body's
    host = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="hosted_referendums")
    kind = models.CharField(
        _("founds a"),
        max_length=20,
        choices=[(BodyKind.COMMUNE, BodyKind.COMMUNE.label), (BodyKind.CITY, BodyKind.CITY.label)],
        default=BodyKind.COMMUNE,
    )
    name = models.CharField(_("name of the new body"), max_length=200)
    slug = models.SlugField(_("short name of the new body"), max_length=80)
    territory = models.CharField(_("territory"), max_length=300, blank=True)
    # the body the new one federates into (a city, for a commune), if any
    parent = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("federated into"),
    )
    charter = models.TextField(_("founding charter"))
    question = models.CharField(_("question on the ballot"), max_length=300)
    status = models.CharField(
        max_length=10, choices=ReferendumStatus.choices, default=ReferendumStatus.DRAFT
    )
    # the thresholds, frozen when voting opens (the strictest of the members' statutes)
    turnout_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    majority_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    charter_sha256 = models.CharField(max_length=64, blank=True)  # frozen when voting opens
    # the merged count, as its ``referendum.counted`` entry records it
    result = models.JSONField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(_("why it was closed without founding"), blank=True)
    founded = models.OneToOneField(
        Body,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="founding_referendum",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("founding referendum")

    def __str__(self) -> str:
        return self.name

    def locked(self) -> Referendum:
        return (
            Referendum.objects.select_for_update(of=("self",))
            .select_related("host", "parent")
            .get(pk=self.pk)
        )


class Place(models.Model):
    """A member of a referendum's promoting commission and its polling place: the member's own
    poll on its own register, run by its own electoral commission."""

    referendum = models.ForeignKey(Referendum, on_delete=models.CASCADE, related_name="places")
    member = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="referendum_places")
    joined_at = models.DateTimeField(null=True, blank=True)  # None: invited, not yet joined
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    statute = models.ForeignKey(
        StatuteVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    poll = models.OneToOneField(
        "voting.Poll",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referendum_place",
    )

    class Meta:
        ordering = ["referendum", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["referendum", "member"], name="one_place_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.referendum} · {self.member}"


# --- parliaments: delegations, initiatives, ratifications -------------------------------------


class DelegationKind(models.TextChoices):
    ELECT = "elect", _("Elect the spokesperson and substitute")
    RECALL = "recall", _("Recall the spokesperson")


class Decision(models.TextChoices):
    PROPOSED = "proposed", _("Put to the assembly")
    CARRIED = "carried", _("Approved by the assembly")
    REJECTED = "rejected", _("Rejected by the assembly")
    LAPSED = "lapsed", _("Lapsed: the assembly ended without deciding it")


class Delegation(models.Model):
    """A member's assembly electing or recalling its spokesperson in a higher body's
    parliament (the seat's ``member``): a motion of that assembly, acted on when carried."""

    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="delegations")
    member = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="delegations")
    kind = models.CharField(max_length=8, choices=DelegationKind.choices)
    principal = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    substitute = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the mandate a recall ends
    mandate = models.ForeignKey(
        Mandate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    motion = models.OneToOneField(
        "assemblies.Motion", on_delete=models.PROTECT, related_name="delegation"
    )
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PROPOSED)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()}"


class InitiativeStatus(models.TextChoices):
    COLLECTING = "collecting", _("Collecting the members' decisions")
    REACHED = "reached", _("Raised by enough members: due on the parliament's agenda")
    ON_AGENDA = "on_agenda", _("On the parliament's agenda")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Initiative(models.Model):
    """A matter the members raise to their parliament: once the statute's share of them has
    raised it, each by a decision of its own assembly, the parliament must put it on the
    agenda of a session by ``due_on``."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="initiatives")
    title = models.CharField(_("matter"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    started_by = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=InitiativeStatus.choices, default=InitiativeStatus.COLLECTING
    )
    statute = models.ForeignKey(StatuteVersion, on_delete=models.PROTECT, related_name="+")
    members = models.PositiveSmallIntegerField(default=0)  # member bodies when it started
    threshold = models.PositiveSmallIntegerField(default=0)  # members needed
    reached_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    item = models.OneToOneField(
        "assemblies.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initiative",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date | None = None) -> bool:
        return (
            self.status == InitiativeStatus.REACHED
            and self.due_on is not None
            and (today or timezone.localdate()) > self.due_on
        )


class Support(models.Model):
    """A member's assembly raising an initiative: a motion of that assembly."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    motion = models.OneToOneField(
        "assemblies.Motion", on_delete=models.PROTECT, related_name="initiative_support"
    )
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PROPOSED)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["initiative", "member__name"]

    def __str__(self) -> str:
        return f"{self.initiative} · {self.member}"


class Ratification(models.Model):
    """A member requiring that a decision of its parliament (``decision``, a motion of a
    session) be ratified by its own assembly (``motion``) before it binds the member."""

    decision = models.ForeignKey(
        "assemblies.Motion", on_delete=models.PROTECT, related_name="ratifications"
    )
    member = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    motion = models.OneToOneField(
        "assemblies.Motion", on_delete=models.PROTECT, related_name="ratification"
    )
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PROPOSED)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decision", "member__name"]
        constraints = [
            # once per member, a lapsed request aside (its assembly ended without deciding it:
            # the member may put it to another)
            models.UniqueConstraint(
                fields=["decision", "member"],
                condition=~models.Q(status="lapsed"),
                name="ratify_once_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} · {self.member}"
