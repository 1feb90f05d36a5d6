"""Diagnosis: needs reported, supported and withdrawn (``need.*``), the census's figures beside
them, and the assembly's prioritisation (``cycle.prioritisation_opened``,
``cycle.prioritised``).

A need names its reporter, and a support its supporter, in the public ledger by resident id
only, as a petition's signature does (``assembly.petition_signed``); the pages and the API show
counts, never who supported.

The prioritised order (:func:`order`): an approval vote orders the needs by their approvals; a
ranked vote by their Borda score (with n needs on the ballot, a need ranked i-th on a ballot
gets n - i points, an unranked need none). Ties are broken explicitly: more supports during the
diagnosis first, then the need reported earlier (then the lower id).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.cycles.cycle import refuse
from comuna.cycles.models import Cycle, CyclePhase, Need, NeedCategory, NeedSupport
from comuna.cycles.rules import CycleAction
from comuna.i18n import site_language
from comuna.ledger import entries, record
from comuna.ledger.checks import differs
from comuna.territory import records
from comuna.territory.actors import SystemActor, actor_label
from comuna.territory.census import years_before
from comuna.territory.models import Body, Household, Resident
from comuna.territory.permissions import can
from comuna.voting.images import validate_option_image

METHODS = ("approval", "ranked")
SIX_PLACES = Decimal("0.000001")
AGE_BANDS = ((0, 14), (15, 29), (30, 59), (60, None))


# --- who acts -------------------------------------------------------------------------------


def _acting_resident(by: Any, resident: Resident, cycle: Cycle) -> Resident:
    """``resident``, once the acting user is that resident (or a system actor) and they live
    in the cycle's body or a body federated into it."""
    resident = Resident.objects.get(pk=resident.pk)
    if not isinstance(by, SystemActor) and resident.user_id != getattr(by, "pk", None):
        raise refuse(_("A resident reports and supports needs in their own name only."))
    if resident.body_id not in cycle.body.descendant_ids():
        raise refuse(
            _("Only residents of %(body)s report and support its needs.")
            % {"body": cycle.body.name}
        )
    return resident


def _in_diagnosis(cycle: Cycle) -> None:
    if cycle.phase() != CyclePhase.DIAGNOSIS:
        raise refuse(
            _(
                "Needs are reported, supported and withdrawn during the diagnosis only (now: %(phase)s)."
            )
            % {"phase": cycle.get_phase_display()}
        )


def _point(latitude: Any, longitude: Any) -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        field = "longitude" if latitude not in (None, "") else "latitude"
        raise refuse(_("Give both the latitude and the longitude of the point, or neither."), field)
    try:
        lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
    except ArithmeticError:
        raise refuse(_("The latitude and the longitude are numbers."), "latitude") from None
    if not lat.is_finite() or not -90 <= lat <= 90:
        raise refuse(_("The latitude lies between -90 and 90."), "latitude")
    if not lon.is_finite() or not -180 <= lon <= 180:
        raise refuse(_("The longitude lies between -180 and 180."), "longitude")
    return lat.quantize(SIX_PLACES), lon.quantize(SIX_PLACES)


def need_payload(need: Need) -> dict[str, Any]:
    """What the ledger keeps of a reported need (its reporter by resident id)."""
    return {
        "need": need.pk,
        "cycle": need.cycle_id,
        "category": need.category,
        "title": need.title,
        "description": need.description,
        "place": need.place,
        "latitude": None if need.latitude is None else str(need.latitude),
        "longitude": None if need.longitude is None else str(need.longitude),
        "photo": need.photo.name or "",
        "resident": need.reported_by_id,
    }


# --- services -------------------------------------------------------------------------------


@transaction.atomic
def report(
    cycle: Cycle,
    *,
    resident: Resident,
    category: str,
    title: str,
    description: str,
    place: str = "",
    latitude: Any = None,
    longitude: Any = None,
    photo: Any = None,
    by: Any,
) -> Need:
    """A resident reports a need during the diagnosis. Records ``need.reported``."""
    actor = actor_label(by)
    cycle = Cycle.objects.select_related("body").get(pk=cycle.pk)
    _in_diagnosis(cycle)
    resident = _acting_resident(by, resident, cycle)
    if category not in NeedCategory.values:
        raise refuse(_("Choose the need's category."), "category")
    title, description = (title or "").strip(), (description or "").strip()
    place = (place or "").strip()
    if not title:
        raise refuse(_("Say in a few words what is needed."), "title")
    if len(title) > 200:
        raise refuse(_("The title has at most 200 characters."), "title")
    if not description:
        raise refuse(_("Describe the need: what is missing, for whom, since when."), "description")
    if len(description) > 10000:
        raise refuse(_("The description has at most 10000 characters."), "description")
    if len(place) > 200:
        raise refuse(_("The place has at most 200 characters."), "place")
    lat, lon = _point(latitude, longitude)
    if photo:
        try:
            validate_option_image(photo)
        except ValidationError as exc:
            raise refuse(" ".join(exc.messages), "photo") from None
    need = Need.objects.create(
        cycle=cycle,
        category=category,
        title=title,
        description=description,
        place=place,
        latitude=lat,
        longitude=lon,
        photo=photo or "",
        reported_by=resident,
    )
    record(cycle.body.ledger_chain, "need.reported", need_payload(need), actor=actor)
    return need


def _locked_need(need: Need) -> Need:
    return (
        Need.objects.select_for_update(of=("self",)).select_related("cycle__body").get(pk=need.pk)
    )


@transaction.atomic
def support(need: Need, *, resident: Resident, by: Any) -> NeedSupport:
    """A resident supports a need during the diagnosis, once; not a withdrawn need. Records
    ``need.supported``."""
    actor = actor_label(by)
    need = _locked_need(need)
    _in_diagnosis(need.cycle)
    resident = _acting_resident(by, resident, need.cycle)
    if need.withdrawn:
        raise refuse(_("This need was withdrawn by its reporter; it takes no more supports."))
    if NeedSupport.objects.filter(need=need, resident=resident).exists():
        raise refuse(_("You already support this need; a support counts once."))
    try:
        with transaction.atomic():
            made = NeedSupport.objects.create(need=need, resident=resident)
    except IntegrityError:
        raise refuse(_("You already support this need; a support counts once.")) from None
    record(
        need.cycle.body.ledger_chain,
        "need.supported",
        {"need": need.pk, "support": made.pk, "resident": resident.pk},
        actor=actor,
    )
    return made


@transaction.atomic
def withdraw(need: Need, *, by: Any) -> Need:
    """Its reporter withdraws a need during the diagnosis. Records ``need.withdrawn``."""
    actor = actor_label(by)
    need = _locked_need(need)
    _in_diagnosis(need.cycle)
    if need.withdrawn:
        raise refuse(_("This need is already withdrawn."))
    if not isinstance(by, SystemActor) and need.reported_by.user_id != getattr(by, "pk", None):
        raise refuse(_("Only the resident who reported a need withdraws it."))
    need.withdrawn = True
    need.save(update_fields=["withdrawn"])
    record(
        need.cycle.body.ledger_chain,
        "need.withdrawn",
        {"need": need.pk, "resident": need.reported_by_id},
        actor=actor,
    )
    return need


# --- the census beside the needs ------------------------------------------------------------


def census_figures(body: Body, on: date | None = None) -> dict[str, Any]:
    """The census's own figures of the body and the bodies federated into it, numbers only:
    households (total; without running water, electricity, domestic gas) and residents (total,
    by age band on ``on``, with a disability)."""
    day = on or timezone.localdate()
    ids = body.descendant_ids()
    households = Household.objects.filter(body_id__in=ids).aggregate(
        total=Count("pk"),
        without_water=Count("pk", filter=Q(has_running_water=False)),
        without_electricity=Count("pk", filter=Q(has_electricity=False)),
        without_gas=Count("pk", filter=Q(has_gas=False)),
    )
    bands = {}
    for low, high in AGE_BANDS:
        # aged at least ``low``: born on or before ``low`` years before the day
        where = Q(birth_date__lte=years_before(day, low))
        if high is not None:
            where &= Q(birth_date__gt=years_before(day, high + 1))
        key = f"{low}_{high}" if high is not None else f"{low}_plus"
        bands[key] = Count("pk", filter=where)
    residents = Resident.objects.filter(body_id__in=ids).aggregate(
        total=Count("pk"),
        with_disability=Count("pk", filter=Q(has_disability=True)),
        **bands,
    )
    return {
        "on": day,
        "households": households,
        "residents": {
            "total": residents["total"],
            "with_disability": residents["with_disability"],
            "ages": {key: residents[key] for key in bands},
        },
    }


# --- the prioritisation ---------------------------------------------------------------------


def _may_prioritise(cycle: Cycle, by: Any) -> None:
    if cycle.phase() != CyclePhase.PRIORITISATION:
        raise refuse(
            _("The needs are prioritised during the prioritisation phase only (now: %(phase)s).")
            % {"phase": cycle.get_phase_display()}
        )
    if not isinstance(by, SystemActor) and not can(by, CycleAction.PRIORITISE, cycle):
        raise refuse(_("Only the electoral commission runs the prioritisation vote."))


def _labels(needs: list[Need]) -> list[str]:
    """The needs' titles as poll options, made distinct (a repeated title gets its number)."""
    seen = Counter(" ".join(n.title.split()).casefold() for n in needs)
    labels = []
    for need in needs:
        if seen[" ".join(need.title.split()).casefold()] > 1:
            labels.append(f"{need.title[:180]} (#{need.pk})")
        else:
            labels.append(need.title)
    return labels


PRIORITISATION_TITLE = gettext_lazy("Prioritisation of needs: %(cycle)s")


def _body_language(message, cycle_title: str) -> str:
    """The poll's title in the site's language: the poll is the body's, not its reader's."""
    return site_language(message) % {"cycle": cycle_title}


@transaction.atomic
def open_prioritisation(cycle: Cycle, *, method: str, by: Any):
    """Open the assembly's vote over the cycle's needs not withdrawn (option keys: need ids),
    approval or ranked, for the body's register, at once. Records
    ``cycle.prioritisation_opened``."""
    from comuna.voting import services as voting
    from comuna.voting.services import VotingError

    actor = actor_label(by)
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("body").get(pk=cycle.pk)
    _may_prioritise(cycle, by)
    if cycle.priority_poll_id is not None:
        raise refuse(_("The prioritisation vote of this cycle is already open."))
    if method not in METHODS:
        raise refuse(_("Choose approval or ranked ballots."), "method")
    needs = list(cycle.needs.filter(withdrawn=False).order_by("pk"))
    if len(needs) < 2:
        raise refuse(_("A prioritisation needs at least two needs reported and not withdrawn."))
    options = [
        {"key": str(n.pk), "label": label, "description": n.description[:2000]}
        for n, label in zip(needs, _labels(needs), strict=True)
    ]
    try:
        poll = voting.create_poll(
            cycle.body,
            title=_body_language(PRIORITISATION_TITLE, cycle.title)[:200],
            method=method,
            rule="approval" if method == "approval" else "irv",
            options=options,
            by=by,
        )
        voting.open_poll(poll, by=by)
    except VotingError as exc:
        raise refuse(str(exc)) from None
    cycle.priority_poll = poll
    cycle.save(update_fields=["priority_poll"])
    record(
        cycle.body.ledger_chain,
        "cycle.prioritisation_opened",
        {"cycle": cycle.pk, "poll": poll.pk, "method": method, "needs": [n.pk for n in needs]},
        actor=actor,
    )
    return poll


def scores(poll) -> dict[str, int]:
    """Each option's score from the poll's ballots: approvals, or the Borda score of ranked
    ballots (paper totals count as one-option ballots)."""
    from comuna.voting import tally

    keys = list(poll.options.order_by("pk").values_list("key", flat=True))
    counted = tally.load(poll)
    found = dict.fromkeys(keys, 0)
    n = len(keys)
    ranked = poll.method == "ranked"
    for ballot in counted.ballots:
        for i, key in enumerate(ballot.choices):
            found[key] += (n - 1 - i) if ranked else 1
    for batch in counted.totals:
        for key, votes in batch.totals.items():
            found[key] += int(votes) * ((n - 1) if ranked else 1)
    return found


def order(cycle: Cycle) -> list[tuple[Need, int, int]]:
    """The needs on the cycle's prioritisation ballot in their order: ``(need, score,
    supports)``; ties by more supports, then the earlier report, then the lower id."""
    poll = cycle.priority_poll
    found = scores(poll)
    needs = (
        Need.objects.filter(cycle=cycle, pk__in=[int(k) for k in found])
        .annotate(n_supports=Count("supports"))
        .order_by("pk")
    )
    ranked = sorted(needs, key=lambda n: (-found[str(n.pk)], -n.n_supports, n.reported_at, n.pk))
    return [(n, found[str(n.pk)], n.n_supports) for n in ranked]


@transaction.atomic
def record_priorities(cycle: Cycle, *, by: Any) -> list[Need]:
    """Once the prioritisation vote is closed, give its needs their places 1, 2, ... Records
    ``cycle.prioritised`` with the ordered need ids and their scores."""
    from comuna.voting.models import Status

    actor = actor_label(by)
    cycle = (
        Cycle.objects.select_for_update(of=("self",))
        .select_related("body", "priority_poll")
        .get(pk=cycle.pk)
    )
    _may_prioritise(cycle, by)
    poll = cycle.priority_poll
    if poll is None:
        raise refuse(_("The prioritisation vote has not been opened yet."))
    if poll.status != Status.CLOSED:
        raise refuse(
            _("The prioritisation vote is still open: the order is recorded once it closes.")
        )
    if cycle.needs.filter(priority__isnull=False).exists():
        raise refuse(_("The order of the needs is already recorded."))
    ordered = order(cycle)
    for place, (need, _score, _supports) in enumerate(ordered, start=1):
        need.priority = place
        need.save(update_fields=["priority"])
    record(
        cycle.body.ledger_chain,
        "cycle.prioritised",
        {
            "cycle": cycle.pk,
            "poll": poll.pk,
            "method": poll.method,
            "order": [n.pk for n, _s, _n in ordered],
            "scores": [s for _n, s, _x in ordered],
        },
        actor=actor,
    )
    return [n for n, _s, _x in ordered]


def priorities(cycle: Cycle) -> list[Need]:
    """The cycle's needs in the order the assembly gave them (empty before it is recorded)."""
    return list(
        cycle.needs.filter(priority__isnull=False)
        .annotate(n_supports=Count("supports"))
        .order_by("priority", "pk")
    )


# --- ledger verify --------------------------------------------------------------------------


def _need_of(entry) -> tuple[Need | None, str | None]:
    need = Need.objects.filter(pk=entry.data.get("need")).first()
    if need is None:
        return None, _("need %(need)s is missing from the database") % {
            "need": entry.data.get("need")
        }
    return need, None


def check_reported(entry) -> str | None:
    """The need as reported: cycle, category, title, description, place, point, photo and
    reporter."""
    need, problem = _need_of(entry)
    if need is None:
        return problem
    return differs(_("need"), need.pk, entry.data, need_payload(need))


def check_supported(entry) -> str | None:
    """The support as given: the need and the resident."""
    found = NeedSupport.objects.filter(pk=entry.data.get("support")).first()
    if found is None:
        return _("support %(support)s of need %(need)s is missing from the database") % {
            "support": entry.data.get("support"),
            "need": entry.data.get("need"),
        }
    now = {"need": found.need_id, "resident": found.resident_id}
    return differs(_("support"), found.pk, entry.data, now)


def check_withdrawn(entry) -> str | None:
    need, problem = _need_of(entry)
    if need is None:
        return problem
    now = {"resident": need.reported_by_id, "withdrawn": need.withdrawn}
    return differs(_("need"), need.pk, {**entry.data, "withdrawn": True}, now)


def check_prioritisation_opened(entry) -> str | None:
    """The cycle's prioritisation poll is the one recorded, over the needs recorded."""
    cycle = Cycle.objects.filter(pk=entry.data.get("cycle")).select_related("priority_poll").first()
    if cycle is None:
        return _("cycle %(cycle)s is missing from the database") % {
            "cycle": entry.data.get("cycle")
        }
    poll = cycle.priority_poll
    keys = sorted(int(k) for k in poll.options.values_list("key", flat=True)) if poll else []
    now = {"poll": cycle.priority_poll_id, "method": poll.method if poll else None, "needs": keys}
    return differs(_("cycle"), cycle.pk, entry.data, now)


def check_prioritised(entry) -> str | None:
    """The order re-derived from the prioritisation ballots and the supports, and the needs'
    places as recorded."""
    cycle = Cycle.objects.filter(pk=entry.data.get("cycle")).select_related("priority_poll").first()
    if cycle is None or cycle.priority_poll is None:
        return _("cycle %(cycle)s or its prioritisation vote is missing from the database") % {
            "cycle": entry.data.get("cycle")
        }
    ordered = order(cycle)
    places = dict(cycle.needs.filter(priority__isnull=False).values_list("pk", "priority"))
    now = {
        "poll": cycle.priority_poll_id,
        "order": [n.pk for n, _s, _x in ordered],
        "scores": [s for _n, s, _x in ordered],
    }
    problem = differs(_("cycle"), cycle.pk, entry.data, now)
    if problem is None:
        recorded = {pk: place for place, pk in enumerate(entry.data.get("order", []), start=1)}
        if places != recorded:
            return _("the places of the needs of cycle %(cycle)s differ from its entry") % {
                "cycle": cycle.pk
            }
    return problem


def check_needs_and_supports(chain: str) -> list[tuple[int, str, str]]:
    """Per chain: the supports of every need reported through the ledger are exactly those
    recorded (none slipped in or out with SQL)."""
    body = records.body_of_chain(chain)
    if body is None:
        return []
    reported: set[int] = set()
    supported: Counter = Counter()
    kinds = ("need.reported", "need.supported")
    for entry in entries(chain).filter(kind__in=kinds).only("payload", "kind"):
        if entry.kind == "need.reported":
            reported.add(entry.data["need"])
        else:
            supported[entry.data["need"]] += 1
    problems = []
    needs = Need.objects.filter(cycle__body=body).annotate(n=Count("supports"))
    # a need made outside the services (a test's factory) has no entry: only recorded needs
    # are compared
    for need in needs.filter(pk__in=reported).order_by("pk"):
        if need.n != supported.get(need.pk, 0):
            problems.append(
                (
                    0,
                    "",
                    _("need %(need)s has %(rows)s supports but the ledger recorded %(recorded)s")
                    % {"need": need.pk, "rows": need.n, "recorded": supported.get(need.pk, 0)},
                )
            )
    return problems


LEDGER_CHECKS: dict = {
    "need.reported": (check_reported, gettext_lazy("Need reported")),
    "need.supported": (check_supported, gettext_lazy("Need supported")),
    "need.withdrawn": (check_withdrawn, gettext_lazy("Need withdrawn")),
    "cycle.prioritisation_opened": (
        check_prioritisation_opened,
        gettext_lazy("Prioritisation of needs opened"),
    ),
    "cycle.prioritised": (check_prioritised, gettext_lazy("Needs prioritised")),
}
CHAIN_CHECKS = {"cycles.needs": check_needs_and_supports}
