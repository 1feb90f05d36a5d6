"""The base domain: the federation tree of bodies, their statutes, organs, mandates and census."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    COUNCIL = "council", _("Communal council")
    COMMUNE = "commune", _("Commune")
    CITY = "city", _("Communal city")
    OTHER = "other", _("Other body")


def validate_geojson(value: object) -> None:
    """Accept a GeoJSON geometry, Feature or FeatureCollection (shape only, not coordinates)."""
    if value in (None, ""):
        return
    if not isinstance(value, dict) or "type" not in value:
        raise ValidationError(_('The boundary must be a GeoJSON object with a "type".'))
    kinds = {
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
        "Feature",
        "FeatureCollection",
    }
    if value["type"] not in kinds:
        raise ValidationError(_("Unknown GeoJSON type %(type)s."), params={"type": value["type"]})
    if value["type"] == "FeatureCollection" and not isinstance(value.get("features"), list):
        raise ValidationError(_('A FeatureCollection needs a list of "features".'))
    if value["type"] not in {"Feature", "FeatureCollection", "GeometryCollection"} and not (
        isinstance(value.get("coordinates"), list)
    ):
        raise ValidationError(_('A GeoJSON geometry needs a list of "coordinates".'))
    if value["type"] == "Polygon":
        _validate_polygon(value["coordinates"])
    if value["type"] == "MultiPolygon":
        for polygon in value["coordinates"]:
            _validate_polygon(polygon)
    if value["type"] == "Feature" and value.get("geometry") is not None:
        validate_geojson(value["geometry"])
    for part in value.get("features", []) if value["type"] == "FeatureCollection" else []:
        validate_geojson(part)
    for part in value.get("geometries", []) if value["type"] == "GeometryCollection" else []:
        validate_geojson(part)


def _validate_polygon(rings: object) -> None:
    """Each ring a closed list of at least four [longitude, latitude] positions (the boundary
    is drawn from these, so a bad one is refused when saved, not when the page is shown)."""
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_("A polygon needs a list of rings."))
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(_("A polygon ring needs at least four positions."))
        for position in ring:
            if not (
                isinstance(position, list)
                and len(position) >= 2
                and all(isinstance(c, int | float) and not isinstance(c, bool) for c in position)
                and -180 <= position[0] <= 180
                and -90 <= position[1] <= 90
            ):
                raise ValidationError(
                    _("%(position)s is not a [longitude, latitude] position."),
                    params={"position": position},
                )
        if ring[0][:2] != ring[-1][:2]:
            raise ValidationError(_("A polygon ring must end where it starts."))


def default_currency() -> str:
    return settings.COMUNA_CURRENCY


def new_digest_key() -> str:
    return secrets.token_hex(32)


# Deeper than any real federation; guards the tree queries against a cycle.
MAX_DEPTH = 64


class Body(models.Model):
    """A node of the federation tree: a council, a commune, a communal city, or deeper."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("federated into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    territory = models.CharField(_("territory"), max_length=300, blank=True)
    boundary = models.JSONField(
        _("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_geojson]
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default=default_currency,
        db_default="VES",  # for rows written outside Django, by SQL
        validators=[
            RegexValidator(
                r"^[A-Z]{3}$", _("A currency is a three-letter ISO 4217 code, e.g. VES.")
            )
        ],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Keys the digests of census rows written to the public ledger, so a digest cannot be
    # matched to a person by guessing their data; kept in the database, so verify can re-derive.
    digest_key = models.CharField(max_length=64, default=new_digest_key, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        node = self.parent
        while node is not None:
            if node.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A body cannot be federated into itself.")})
            node = node.parent

    @property
    def ledger_chain(self) -> str:
        """The name of this body's chain in the ledger."""
        return f"body:{self.pk}"

    def ancestors(self) -> list[Body]:
        """Parent first, root last; one recursive query, kept on this instance (a body is
        loaded per request, so this is a per-request cache)."""
        if "_ancestors" not in self.__dict__:
            self.__dict__["_ancestors"] = self._ancestors_query() if self.parent_id else []
        return list(self.__dict__["_ancestors"])

    def descendant_ids(self) -> set[int]:
        """Ids of this body and every body federated into it, at any depth; one recursive
        query, kept on this instance like :meth:`ancestors`."""
        if "_descendant_ids" not in self.__dict__:
            self.__dict__["_descendant_ids"] = self._descendant_ids_query()
        return set(self.__dict__["_descendant_ids"])

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.__dict__.pop("_ancestors", None)
        self.__dict__.pop("_descendant_ids", None)
        super().refresh_from_db(*args, **kwargs)

    def _ancestors_query(self) -> list[Body]:
        table = connection.ops.quote_name(Body._meta.db_table)
        # UNION (not UNION ALL) and the depth guard stop a cycle a bad write could leave.
        rows = Body.objects.raw(
            f"""
            WITH RECURSIVE up(id, parent_id, depth) AS (
                SELECT id, parent_id, 1 FROM {table} WHERE id = %s
                UNION
                SELECT b.id, b.parent_id, up.depth + 1 FROM {table} b
                JOIN up ON b.id = up.parent_id WHERE up.depth < %s
            )
            SELECT b.* FROM {table} b JOIN up ON b.id = up.id ORDER BY up.depth
            """,
            [self.parent_id, MAX_DEPTH],
        )
        return list(rows)

    def _descendant_ids_query(self) -> set[int]:
        table = connection.ops.quote_name(Body._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH RECURSIVE down(id) AS (
                    SELECT id FROM {table} WHERE id = %s
                    UNION
                    SELECT b.id FROM {table} b JOIN down ON b.parent_id = down.id
                )
                SELECT id FROM down
                """,
                [self.pk],
            )
            return {row[0] for row in cursor.fetchall()}

    def current_statute(self) -> StatuteVersion:
        from comuna.territory.statutes import current

        return current(self)


class StatuteVersion(models.Model):
    """One immutable version of a body's statute: every threshold a decision depends on.

    Amending a statute writes a new version; decisions keep a reference to the version they
    applied, so the rule in force at the time can always be shown and re-checked.
    """

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="statutes")
    number = models.PositiveIntegerField(_("version"))
    profile = models.CharField(_("based on profile"), max_length=40)
    note = models.CharField(_("reason for the change"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    voting_age = models.PositiveSmallIntegerField(_("voting age (years)"))
    voter_residence_months = models.PositiveSmallIntegerField(
        _("residence needed to vote (months)")
    )
    candidate_residence_months = models.PositiveSmallIntegerField(
        _("residence needed to stand as spokesperson (months)")
    )
    term_years = models.PositiveSmallIntegerField(_("spokesperson term (years)"))
    reelection_allowed = models.BooleanField(_("spokespersons may be re-elected"))
    quorum_first_call_pct = models.DecimalField(
        _("assembly quorum, first call (% of register)"), max_digits=5, decimal_places=2
    )
    quorum_second_call_pct = models.DecimalField(
        _("assembly quorum, second call (% of register)"), max_digits=5, decimal_places=2
    )
    decision_majority_pct = models.DecimalField(
        _("majority needed, above this % of those present"), max_digits=5, decimal_places=2
    )
    recall_initiative_pct = models.DecimalField(
        _("voters needed to start a recall (% of register)"), max_digits=5, decimal_places=2
    )
    recall_report_days = models.PositiveSmallIntegerField(_("days for the comptroller's report"))
    recall_assembly_days = models.PositiveSmallIntegerField(
        _("days from the report to the recall assembly")
    )
    commune_referendum_turnout_pct = models.DecimalField(
        _("turnout needed in a founding referendum (%)"), max_digits=5, decimal_places=2
    )
    parliament_initiative_pct = models.DecimalField(
        _("councils needed for the parliament to take up a matter (%)"),
        max_digits=5,
        decimal_places=2,
    )
    poll_quorum_pct = models.DecimalField(
        _("poll quorum (% of the register who must vote)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        db_default=Decimal("0"),  # rows written without it (older code, raw SQL) have no quorum
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Share of a poll's register that must cast a ballot for its result to bind; 0 "
            "means polls have no quorum. A poll that falls short is still counted and its "
            "result published, but it does not bind: the electoral commission may call the "
            "poll again."
        ),
    )

    # assemblies (added with issue 11; rows from before hold the defaults)
    assembly_notice_days = models.PositiveSmallIntegerField(
        _("notice before an assembly (days)"),
        default=3,
        db_default=3,
        validators=[MaxValueValidator(90)],
        help_text=_(
            "An assembly is convened at least this many days before it meets; its "
            "agenda may be amended until then."
        ),
    )
    second_call_minutes = models.PositiveSmallIntegerField(
        _("wait before the second call (minutes)"),
        default=30,
        db_default=30,
        validators=[MaxValueValidator(24 * 60)],
    )
    convening_petition_pct = models.DecimalField(
        _("signatures needed to convene an assembly (% of register)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        db_default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    minutes_correction_days = models.PositiveSmallIntegerField(
        _("days attendees have to propose corrections to the minutes"),
        default=5,
        db_default=5,
        validators=[MaxValueValidator(90)],
    )

    # mandates (added with issue 12; rows from before hold the defaults)
    candidate_age = models.PositiveSmallIntegerField(
        _("age needed to stand as spokesperson (years)"),
        default=15,
        db_default=15,
        validators=[MaxValueValidator(120)],
    )
    no_public_office = models.BooleanField(
        _("a spokesperson may not hold an elected public office"),
        default=True,
        db_default=True,
    )
    question_answer_days = models.PositiveSmallIntegerField(
        _("days a spokesperson has to answer a resident's question"),
        default=15,
        db_default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    accounts_months = models.PositiveSmallIntegerField(
        _("a spokesperson renders accounts to the assembly every (months)"),
        default=12,
        db_default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # the communal cycle (added with issue 13)
    cycle_public = models.BooleanField(
        _("anyone may read the needs, projects and budgets (not only members)"),
        default=True,
        db_default=True,
    )
    # social comptrollership (added with issue 14)
    finding_answer_days = models.PositiveSmallIntegerField(
        _("days an organ has to answer a finding of the comptroller unit"),
        default=15,
        db_default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    complaint_answer_days = models.PositiveSmallIntegerField(
        _("days the comptroller unit has to answer a resident's complaint"),
        default=15,
        db_default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # federation (added with issue 15)
    founding_majority_pct = models.DecimalField(
        _("yes votes needed in a founding referendum, above this % of the votes cast"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        db_default=Decimal("50"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    parliament_quorum_pct = models.DecimalField(
        _("parliament quorum: more than this % of its seated members present"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        db_default=Decimal("50"),
        validators=[MinValueValidator(0), MaxValueValidator(99)],
    )
    parliament_initiative_days = models.PositiveSmallIntegerField(
        _("days the parliament has to take up a matter its councils raised"),
        default=30,
        db_default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    dashboard_min_count = models.PositiveSmallIntegerField(
        _("dashboards hide any count of people below"),
        default=5,
        db_default=5,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text=_(
            "A count of fewer people than this is hidden (with another count when one could be "
            "worked out from the other by subtraction), so nobody can be singled out."
        ),
    )

    class Meta:
        ordering = ["body", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="one_statute_version_number")
        ]
        verbose_name = _("statute version")

    def __str__(self) -> str:
        return f"{self.body} · v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A statute version cannot be edited; amend it instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A statute version cannot be deleted."))

    def quorum(self, registered: int, second_call: bool = False) -> int:
        """Fewest people present for an assembly to be quorate (rounded up, exact)."""
        pct = self.quorum_second_call_pct if second_call else self.quorum_first_call_pct
        return _ceil_share(registered, pct)

    def poll_quorum(self, registered: int) -> int:
        """Fewest ballots for a poll's result to bind (rounded up, exact; 0: no quorum)."""
        return _ceil_share(registered, self.poll_quorum_pct)

    def petition_signatures(self, registered: int) -> int:
        """Fewest signatures for a petition to convene an assembly (rounded up, exact)."""
        return _ceil_share(registered, self.convening_petition_pct)

    def recall_signatures(self, registered: int) -> int:
        return _ceil_share(registered, self.recall_initiative_pct)

    def parliament_quorum(self, seated: int) -> int:
        """Fewest members present for a parliament session to be quorate: more than the
        statute's share of its seated members (exact)."""
        share = Fraction(seated) * Fraction(self.parliament_quorum_pct) / 100
        return min(seated, share.numerator // share.denominator + 1) if seated else 0

    def initiative_councils(self, members: int) -> int:
        """Fewest member bodies that must raise a matter for the parliament to take it up
        (rounded up, exact)."""
        return _ceil_share(members, self.parliament_initiative_pct)

    def founding_carried(self, yes: int, cast: int) -> bool:
        """A founding referendum's majority: yes strictly above the statute's share of the
        yes and no votes cast (blank ballots count for turnout, not here)."""
        return Fraction(yes) > Fraction(cast) * Fraction(self.founding_majority_pct) / 100

    def founding_turnout_met(self, voted: int, registered: int) -> bool:
        """At least the statute's share of the register voted (exact)."""
        return registered > 0 and Fraction(voted) * 100 >= Fraction(registered) * Fraction(
            self.commune_referendum_turnout_pct
        )

    def majority_reached(self, yes: int, present: int) -> bool:
        """True when ``yes`` is strictly more than the majority share of those present."""
        return Fraction(yes) > Fraction(present) * Fraction(self.decision_majority_pct) / 100


def _ceil_share(total: int, pct) -> int:
    share = Fraction(total) * Fraction(pct) / 100
    return -(-share.numerator // share.denominator)


class OrganKind(models.TextChoices):
    ASSEMBLY = "assembly", _("Citizens' assembly")
    EXECUTIVE = "executive", _("Executive unit")
    COMMITTEE = "committee", _("Work committee")
    FINANCIAL = "financial", _("Administrative and financial unit")
    COMPTROLLER = "comptroller", _("Social comptroller unit")
    ELECTORAL = "electoral", _("Permanent electoral commission")
    COORDINATION = "coordination", _("Coordination collective")
    PARLIAMENT = "parliament", _("Parliament")


class Counting(models.TextChoices):
    UNINOMINAL = "uninominal", _("One seat per race (most votes)")
    STV = "stv", _("Several seats in one count (single transferable vote)")


class Organ(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="organs")
    kind = models.CharField(_("kind"), max_length=20, choices=OrganKind.choices)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="committees",
        verbose_name=_("part of"),
    )
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    # how its seats are filled: one race per seat, or one STV count for all of them
    counting = models.CharField(
        _("how its seats are elected"),
        max_length=12,
        choices=Counting.choices,
        default=Counting.UNINOMINAL,
        db_default=Counting.UNINOMINAL,
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["body", "position", "name"]
        verbose_name = _("organ")

    def __str__(self) -> str:
        return self.name


class SeatSector(models.TextChoices):
    """Whom a seat of a federal parliament speaks for."""

    OPEN = "open", _("Elected by the body")
    MEMBER = "member", _("A member body, by its own assembly")
    ORGANISATION = "organisation", _("A socio-productive organisation")
    BANK = "bank", _("The commune bank")


class Seat(models.Model):
    """A seat of an organ, declared by the body (``mandate.seats_declared``): held by one
    spokesperson (principal) with one substitute, for the statute's term.

    A seat of a commune's or city's parliament may belong to a member body (``member``): its
    holder and substitute are elected and recalled by that member's own assembly at any time
    (``comuna.federation.delegations``)."""

    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="seat_rows")
    number = models.PositiveSmallIntegerField(_("seat"))
    sector = models.CharField(
        _("speaks for"),
        max_length=12,
        choices=SeatSector.choices,
        default=SeatSector.OPEN,
        db_default=SeatSector.OPEN,
    )
    member = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegated_seats",
        verbose_name=_("member body"),
    )
    label = models.CharField(_("organisation"), max_length=200, blank=True)

    class Meta:
        ordering = ["organ", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "number"], name="one_seat_number"),
            models.UniqueConstraint(
                fields=["organ", "member"],
                condition=Q(member__isnull=False),
                name="one_seat_per_member",
            ),
        ]
        verbose_name = _("seat")

    def __str__(self) -> str:
        return f"{self.organ} · {self.number}"


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other / not stated")


class Tenure(models.TextChoices):
    OWNED = "owned", _("Owned")
    RENTED = "rented", _("Rented")
    BORROWED = "borrowed", _("Lent or shared")
    OTHER = "other", _("Other")


class Dwelling(models.TextChoices):
    HOUSE = "house", _("House")
    APARTMENT = "apartment", _("Apartment")
    RANCH = "ranch", _("Rancho / improvised dwelling")
    ROOM = "room", _("Room")
    OTHER = "other", _("Other")


class Education(models.TextChoices):
    NONE = "none", _("None")
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    TECHNICAL = "technical", _("Technical")
    UNIVERSITY = "university", _("University")


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("One of a list")


class CensusQuestion(models.Model):
    """A census question a body adds to the standard ones (e.g. "receives a food bag?").

    Answers live in the ``extra`` field of the household or resident, keyed by ``key``.
    """

    class Target(models.TextChoices):
        HOUSEHOLD = "household", _("Household")
        RESIDENT = "resident", _("Resident")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="census_questions")
    target = models.CharField(_("asked of"), max_length=10, choices=Target.choices)
    key = models.SlugField(_("column name"), max_length=40)
    label = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("answer"), max_length=10, choices=QuestionKind.choices)
    choices = models.TextField(_("possible answers, one per line"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["body", "target", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["body", "key"], name="census_question_key_unique")
        ]
        verbose_name = _("census question")

    def __str__(self) -> str:
        return self.label

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Household(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="households")
    code = models.CharField(_("household code"), max_length=40)
    address = models.CharField(_("address"), max_length=300)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    tenure = models.CharField(
        _("tenure"), max_length=20, choices=Tenure.choices, default=Tenure.OWNED
    )
    dwelling = models.CharField(
        _("dwelling"), max_length=20, choices=Dwelling.choices, default=Dwelling.HOUSE
    )
    monthly_income = models.DecimalField(
        _("household monthly income"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    has_running_water = models.BooleanField(_("running water"), default=True)
    has_electricity = models.BooleanField(_("electricity"), default=True)
    has_gas = models.BooleanField(_("domestic gas"), default=True)
    extra = models.JSONField(_("answers to the body's own questions"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["body", "code"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="household_code_unique_in_body")
        ]
        verbose_name = _("household")

    def __str__(self) -> str:
        return f"{self.code} · {self.address}"


EARLIEST_BIRTH = date(1900, 1, 1)  # an earlier date of birth is a typing error


class Resident(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="residents")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="residents")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident",
    )
    given_name = models.CharField(_("given names"), max_length=120)
    family_name = models.CharField(_("family names"), max_length=120)
    document_id = models.CharField(_("identity document"), max_length=40, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    resident_since = models.DateField(_("living in the community since"))
    is_household_head = models.BooleanField(_("head of household"), default=False)
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    has_disability = models.BooleanField(_("lives with a disability"), default=False)
    # an elected public office (mayor, legislator...): the statute may bar its holder from
    # standing as spokesperson
    public_office = models.CharField(
        _("elected public office held"), max_length=200, blank=True, db_default=""
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    extra = models.JSONField(_("answers to the body's own questions"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "document_id"],
                condition=~models.Q(document_id=""),
                name="resident_document_unique_in_body",
            )
        ]
        verbose_name = _("resident")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def clean(self) -> None:
        if self.household_id and self.body_id and self.household.body_id != self.body_id:
            raise ValidationError({"household": _("The household belongs to another body.")})
        today = timezone.localdate()  # in the body's time zone (settings.TIME_ZONE)
        if self.birth_date and self.birth_date > today:
            raise ValidationError({"birth_date": _("The date of birth is in the future.")})
        if self.birth_date and self.birth_date < EARLIEST_BIRTH:
            raise ValidationError(
                {
                    "birth_date": _("A date of birth before %(year)s is surely a typing error.")
                    % {"year": EARLIEST_BIRTH.year}
                }
            )
        if self.resident_since and self.resident_since > today:
            raise ValidationError(
                {"resident_since": _("The date since living here is in the future.")}
            )
        if self.resident_since and self.birth_date and self.resident_since < self.birth_date:
            raise ValidationError(
                {"resident_since": _("Cannot live here since before being born.")}
            )

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class MandateKind(models.TextChoices):
    SPOKESPERSON = "spokesperson", _("Spokesperson")
    SUBSTITUTE = "substitute", _("Substitute")
    ADMINISTRATOR = "administrator", _("Administrator")


class MandateQuerySet(models.QuerySet):
    def active(self, on: date | None = None) -> MandateQuerySet:
        """Mandates in force on ``on`` (today by default): started, and not yet ended."""
        day = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day), starts_on__lte=day)


class Mandate(models.Model):
    """A resident's mandate in a body: spokesperson (or substitute) of an organ, or administrator.

    Spokespersons of a commune or city are residents of its member councils.
    """

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="mandates")
    organ = models.ForeignKey(
        Organ, null=True, blank=True, on_delete=models.CASCADE, related_name="mandates"
    )
    # the declared seat it holds (mandates conferred before seats were declared have none)
    seat = models.ForeignKey(
        Seat, null=True, blank=True, on_delete=models.PROTECT, related_name="mandates"
    )
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="mandates")
    kind = models.CharField(_("kind"), max_length=20, choices=MandateKind.choices)
    starts_on = models.DateField(_("starts"), default=timezone.localdate)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended early"), max_length=300, blank=True)
    statute = models.ForeignKey(
        StatuteVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Statute version in force when the mandate was conferred."),
    )

    objects = MandateQuerySet.as_manager()

    class Meta:
        ordering = ["body", "organ__position", "kind"]
        verbose_name = _("mandate")

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_kind_display()} · {self.organ or self.body}"

    def clean(self) -> None:
        if self.kind != MandateKind.ADMINISTRATOR and self.organ_id is None:
            raise ValidationError({"organ": _("A spokesperson speaks for an organ.")})
        if self.organ_id and self.organ.body_id != self.body_id:
            raise ValidationError({"organ": _("The organ belongs to another body.")})
        if self.resident_id and self.resident.body_id not in self.body.descendant_ids():
            raise ValidationError(
                {"resident": _("A mandate goes to a resident of the body or of a member body.")}
            )

    def is_active(self, day: date | None = None) -> bool:
        """In memory, the same test as ``Mandate.objects.active(day)``."""
        day = day or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


class Delivery(models.TextChoices):
    EMAIL = "email", _("E-mail")
    CODE = "code", _("Printed code")


class Invitation(models.Model):
    """A resident's one live invitation to make their login, by e-mail link or printed code.

    Only a keyed hash of its secret is kept. Accepting or revoking it deletes it, and a new
    invitation replaces it, so it can be used once at most.
    """

    resident = models.OneToOneField(Resident, on_delete=models.CASCADE, related_name="invitation")
    delivery = models.CharField(_("sent by"), max_length=10, choices=Delivery.choices)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_delivery_display()}"

    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at
