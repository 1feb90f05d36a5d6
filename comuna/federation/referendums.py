"""Founding referendums (issue 15, point 1): members found a commune (councils) or a communal
city (communes) by a referendum in which each member is its own polling place
(``referendum.*``, ``federation.joined``, ``federation.founded``).

- :func:`propose`: the host's coordination collective (or administrator) starts the promoting
  commission with a draft charter, the question and the members invited. The host joins at
  once; ``referendum.proposed`` on the host's chain, ``referendum.invited`` on each invited
  member's (so each member's own ledger shows it was asked).
- :func:`join`: an invited member's coordination collective joins (``referendum.joined`` on the
  member's chain). :func:`amend_charter` and :func:`withdraw` while the commission drafts.
- :func:`open_voting`: once every member joined, the charter is frozen (its SHA-256) and the
  thresholds too (the strictest of the members' statutes), and each member gets its own poll
  (a ``voting.Poll`` of that member, yes or no, on that member's own register): its electoral
  commission opens, runs, closes and counts it on the poll pages. The referendum never holds a
  census row or a ballot, only the polls' recorded counts.
- :func:`count`: once every poll is counted, the host's electoral commission merges the counts
  (``referendum.counted``); carried, the new body is founded with the members federated into
  it and a parliament with one seat per member (``federation.joined`` on each member's chain,
  ``federation.founded`` on the new body's, with the sealed charter's SHA-256).

``comuna ledger verify`` re-derives every entry from the database: the charter against its
sealed hash, the merged count against the polls' recorded tallies, the new body, its members
and its parliament's seats.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.federation.errors import FederationError
from comuna.federation.models import Place, Referendum, ReferendumStatus
from comuna.federation.referendum_rules import ReferendumAction
from comuna.ledger import record
from comuna.ledger.checks import differs
from comuna.territory import services as territory
from comuna.territory import statutes
from comuna.territory.actors import SystemActor, acting_user, actor_label
from comuna.territory.models import Body, BodyKind, OrganKind, Seat, SeatSector, StatuteVersion
from comuna.territory.permissions import can

LIVE = (ReferendumStatus.DRAFT, ReferendumStatus.VOTING)
CHARTER_MAX = 20000
QUESTION_MAX = 200  # the members' polls' title
NAME_MAX = 200
TERRITORY_MAX = 300
YES, NO = "yes", "no"
# what a referendum founds, and of what its members are
MEMBER_KIND = {BodyKind.COMMUNE: BodyKind.COUNCIL, BodyKind.CITY: BodyKind.COMMUNE}


def sha256_text(text: str) -> str:
    """The SHA-256 of ``text``'s UTF-8 bytes, in hex: how a charter is sealed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def refuse(message: str, field: str | None = None) -> FederationError:
    return FederationError(message, field)


def _allowed(by: Any, action: str, obj: Any) -> bool:
    return isinstance(by, SystemActor) or can(by, action, obj)


def _commission_only(by: Any, action: str, obj: Any, body: Body) -> None:
    if not _allowed(by, action, obj):
        raise refuse(
            _("Only the coordination collective or the administrator of %(body)s does this.")
            % {"body": body.name}
        )


def _draft_only(referendum: Referendum) -> None:
    if referendum.status != ReferendumStatus.DRAFT:
        raise refuse(
            _("This referendum is no longer being drafted (%(status)s).")
            % {"status": referendum.get_status_display()}
        )


def _text(value: Any, field: str, empty: str, most: int) -> str:
    text = str(value or "").strip()
    if not text:
        raise refuse(empty, field)
    if len(text) > most:
        raise refuse(_("At most %(n)s characters.") % {"n": most}, field)
    return text


def clean_charter(value: Any) -> str:
    return _text(value, "charter", _("Write the founding charter."), CHARTER_MAX)


def places_of(referendum: Referendum) -> list[Place]:
    return list(referendum.places.select_related("member", "poll").order_by("member__name", "pk"))


# --- proposing -------------------------------------------------------------------------------


def proposed_payload(referendum: Referendum) -> dict[str, Any]:
    return {
        "referendum": referendum.pk,
        "host": referendum.host_id,
        "kind": referendum.kind,
        "name": referendum.name,
        "slug": referendum.slug,
        "territory": referendum.territory,
        "parent": referendum.parent_id,
        "question": referendum.question,
        "members": sorted(referendum.places.values_list("member_id", flat=True)),
    }


def _members(host: Body, members: Iterable[Any]) -> list[Body]:
    ids = {host.pk}
    for member in members or ():
        ids.add(member.pk if isinstance(member, Body) else int(member))
    found = list(
        Body.objects.select_for_update(of=("self",))
        .select_related("parent")
        .filter(pk__in=ids)
        .order_by("name", "pk")
    )
    if len(found) != len(ids):
        raise refuse(_("A member chosen does not exist."), "members")
    return found


def _check_members(kind: str, parent: Body | None, members: list[Body]) -> None:
    wanted = MEMBER_KIND[kind]
    if len(members) < 2:
        raise refuse(
            _("A founding referendum needs at least two members, this body among them."),
            "members",
        )
    for member in members:
        if member.kind != wanted:
            raise refuse(
                _("%(member)s is not a %(kind)s: a %(founded)s is founded by %(kind)s members.")
                % {
                    "member": member.name,
                    "kind": BodyKind(wanted).label,
                    "founded": BodyKind(kind).label,
                },
                "members",
            )
        above = member.parent
        if above is not None and (above.kind == kind or above.kind != BodyKind.CITY):
            raise refuse(
                _("%(member)s is already federated into %(body)s.")
                % {"member": member.name, "body": above.name},
                "members",
            )
        if above is not None and above.pk != getattr(parent, "pk", None):
            raise refuse(
                _(
                    "%(member)s is federated into %(body)s: the new %(founded)s must federate "
                    "into %(body)s too."
                )
                % {"member": member.name, "body": above.name, "founded": BodyKind(kind).label},
                "parent",
            )
    busy = (
        Place.objects.filter(member__in=members, referendum__status__in=LIVE)
        .select_related("member", "referendum")
        .order_by("member__name")
        .first()
    )
    if busy is not None:
        raise refuse(
            _("%(member)s is already a member of the referendum on founding %(name)s.")
            % {"member": busy.member.name, "name": busy.referendum.name},
            "members",
        )


def _check_parent(kind: str, parent: Body | None) -> None:
    if parent is None:
        return
    if kind == BodyKind.CITY or parent.kind != BodyKind.CITY:
        raise refuse(_("A commune may federate into a communal city, and nothing else."), "parent")


def _check_slug(value: Any) -> str:
    slug = str(value or "").strip()
    if not slug:
        raise refuse(_("Give the new body a short name for its address."), "slug")
    if len(slug) > 80:
        raise refuse(_("At most %(n)s characters.") % {"n": 80}, "slug")
    try:
        validate_slug(slug)
    except ValidationError:
        raise refuse(
            _("A short name has only letters, digits, hyphens and underscores."), "slug"
        ) from None
    if Body.objects.filter(slug=slug).exists():
        raise refuse(
            _("Another body already has the short name %(slug)s.") % {"slug": slug}, "slug"
        )
    if Referendum.objects.filter(slug=slug, status__in=LIVE).exists():
        raise refuse(
            _("Another referendum under way would found a body named %(slug)s.") % {"slug": slug},
            "slug",
        )
    return slug


@transaction.atomic
def propose(
    host: Body,
    *,
    kind: str,
    name: str,
    slug: str,
    territory: str = "",
    parent: Body | None = None,
    charter: str,
    question: str,
    members: Iterable[Any],
    by: Any,
) -> Referendum:
    """The host's promoting commission starts: a draft referendum founding a ``kind`` body
    (a commune of councils, a city of communes) named ``name`` and ``slug``, under ``parent``
    (a city, for a commune), with its draft ``charter`` and ``question``; ``members`` are
    invited (the host is a member and joins at once). Records ``referendum.proposed`` on the
    host's chain and ``referendum.invited`` on each invited member's."""
    actor = actor_label(by)
    host = Body.objects.select_for_update(of=("self",)).get(pk=host.pk)
    _commission_only(by, ReferendumAction.PROPOSE, host, host)
    if kind not in MEMBER_KIND:
        raise refuse(_("A referendum founds a commune or a communal city."), "kind")
    if host.kind != MEMBER_KIND[kind]:
        raise refuse(
            _("A %(founded)s is founded by %(kind)s members; %(body)s is not one.")
            % {
                "founded": BodyKind(kind).label,
                "kind": BodyKind(MEMBER_KIND[kind]).label,
                "body": host.name,
            },
            "kind",
        )
    name = _text(name, "name", _("Name the new body."), NAME_MAX)
    slug = _check_slug(slug)
    territory = str(territory or "").strip()
    if len(territory) > TERRITORY_MAX:
        raise refuse(_("At most %(n)s characters.") % {"n": TERRITORY_MAX}, "territory")
    question = _text(question, "question", _("Write the question on the ballot."), QUESTION_MAX)
    charter = clean_charter(charter)
    _check_parent(kind, parent)
    found = _members(host, members)
    _check_members(kind, parent, found)
    now = timezone.now()
    referendum = Referendum.objects.create(
        host=host,
        kind=kind,
        name=name,
        slug=slug,
        territory=territory,
        parent=parent,
        charter=charter,
        question=question,
        created_by=acting_user(by),
        created_at=now,
    )
    for member in found:
        joined = member.pk == host.pk
        Place.objects.create(
            referendum=referendum,
            member=member,
            joined_at=now if joined else None,
            joined_by=acting_user(by) if joined else None,
        )
    record(
        host.ledger_chain,
        "referendum.proposed",
        {**proposed_payload(referendum), "charter_sha256": sha256_text(charter)},
        actor=actor,
    )
    for member in found:
        if member.pk != host.pk:
            record(
                member.ledger_chain,
                "referendum.invited",
                {"referendum": referendum.pk, "host": host.pk, "member": member.pk},
                actor=actor,
            )
    return referendum


# --- the promoting commission ----------------------------------------------------------------


@transaction.atomic
def join(place: Place, *, by: Any) -> Place:
    """An invited member's coordination collective joins the promoting commission."""
    actor = actor_label(by)
    place = Place.objects.select_for_update(of=("self",)).select_related("member").get(pk=place.pk)
    referendum = place.referendum.locked()
    place.referendum = referendum
    _draft_only(referendum)
    _commission_only(by, ReferendumAction.JOIN, place, place.member)
    if place.joined_at is not None:
        raise refuse(_("%(member)s has already joined.") % {"member": place.member.name})
    place.joined_at, place.joined_by = timezone.now(), acting_user(by)
    place.save(update_fields=["joined_at", "joined_by"])
    record(
        place.member.ledger_chain,
        "referendum.joined",
        {"referendum": referendum.pk, "place": place.pk, "member": place.member_id},
        actor=actor,
    )
    return place


@transaction.atomic
def amend_charter(referendum: Referendum, charter: str, *, by: Any) -> Referendum:
    """The host's coordination collective rewrites the draft charter."""
    actor = actor_label(by)
    referendum = referendum.locked()
    _draft_only(referendum)
    _commission_only(by, ReferendumAction.AMEND, referendum, referendum.host)
    charter = clean_charter(charter)
    if charter == referendum.charter:
        raise refuse(_("The charter is unchanged."), "charter")
    previous = sha256_text(referendum.charter)
    referendum.charter = charter
    referendum.save(update_fields=["charter"])
    record(
        referendum.host.ledger_chain,
        "referendum.charter_amended",
        {
            "referendum": referendum.pk,
            "charter_sha256": sha256_text(charter),
            "previous_sha256": previous,
        },
        actor=actor,
    )
    return referendum


@transaction.atomic
def withdraw(referendum: Referendum, *, by: Any) -> Referendum:
    """The host's coordination collective withdraws a draft: nothing is voted on."""
    actor = actor_label(by)
    referendum = referendum.locked()
    _draft_only(referendum)
    _commission_only(by, ReferendumAction.WITHDRAW, referendum, referendum.host)
    referendum.status = ReferendumStatus.WITHDRAWN
    referendum.save(update_fields=["status"])
    record(
        referendum.host.ledger_chain,
        "referendum.withdrawn",
        {"referendum": referendum.pk},
        actor=actor,
    )
    return referendum


# --- voting ----------------------------------------------------------------------------------


def opened_payload(referendum: Referendum) -> dict[str, Any]:
    return {
        "referendum": referendum.pk,
        "charter_sha256": referendum.charter_sha256,
        "turnout_pct": str(referendum.turnout_pct),
        "majority_pct": str(referendum.majority_pct),
        "opens_at": referendum.opens_at.isoformat() if referendum.opens_at else None,
        "closes_at": referendum.closes_at.isoformat() if referendum.closes_at else None,
        "places": [
            {
                "member": p.member_id,
                "poll": p.poll_id,
                "statute_version": p.statute.number if p.statute_id else None,
            }
            for p in referendum.places.select_related("statute").order_by("member_id")
        ],
    }


def _when(value: Any, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise refuse(_("Give a date and time."), field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(UTC)  # as the database gives it back (the entry is re-derived)


def _poll_options() -> list[dict[str, str]]:
    # the poll is the member's, read on its poll pages: its labels in the site's language
    with translation.override(settings.LANGUAGE_CODE):
        return [
            {"key": YES, "label": _("Yes")},
            {"key": NO, "label": _("No")},
        ]


def _poll_description(referendum: Referendum) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Founding referendum: %(name)s (%(kind)s). Founding charter, SHA-256 %(sha)s.") % {
            "name": referendum.name,
            "kind": referendum.get_kind_display(),
            "sha": referendum.charter_sha256,
        }


@transaction.atomic
def open_voting(
    referendum: Referendum, *, opens_at: datetime, closes_at: datetime, by: Any
) -> Referendum:
    """Once every member joined: freeze the charter and the thresholds (the strictest of the
    members' statutes) and give each member its own yes/no poll, scheduled from ``opens_at``
    to ``closes_at`` (its electoral commission may open it earlier on the poll's page)."""
    from comuna.voting import services as voting

    actor = actor_label(by)
    referendum = referendum.locked()
    _draft_only(referendum)
    _commission_only(by, ReferendumAction.OPEN_VOTING, referendum, referendum.host)
    opens_at, closes_at = _when(opens_at, "opens_at"), _when(closes_at, "closes_at")
    if opens_at <= timezone.now():
        raise refuse(_("Voting must open later than now."), "opens_at")
    if closes_at <= opens_at:
        raise refuse(_("Voting must close after it opens."), "closes_at")
    places = places_of(referendum)
    waiting = [p.member.name for p in places if p.joined_at is None]
    if waiting:
        raise refuse(
            _("Voting opens once every member has joined; still to join: %(members)s.")
            % {"members": ", ".join(waiting)}
        )
    referendum.charter_sha256 = sha256_text(referendum.charter)
    referendum.opens_at, referendum.closes_at = opens_at, closes_at
    versions = {p.pk: statutes.current(p.member) for p in places}
    referendum.turnout_pct = max(v.commune_referendum_turnout_pct for v in versions.values())
    referendum.majority_pct = max(v.founding_majority_pct for v in versions.values())
    referendum.status = ReferendumStatus.VOTING
    for place in places:
        try:
            place.poll = voting.create_poll(
                place.member,
                title=referendum.question,
                description=_poll_description(referendum),
                method="single",
                rule="plurality",
                options=_poll_options(),
                opens_at=opens_at,
                closes_at=closes_at,
                by=by,
            )
        except voting.VotingError as exc:
            raise refuse(
                _("The poll of %(member)s could not be made: %(problem)s")
                % {"member": place.member.name, "problem": exc}
            ) from None
        place.statute = versions[place.pk]
        place.save(update_fields=["poll", "statute"])
    referendum.save(
        update_fields=[
            "charter_sha256",
            "opens_at",
            "closes_at",
            "turnout_pct",
            "majority_pct",
            "status",
        ]
    )
    record(
        referendum.host.ledger_chain, "referendum.opened", opened_payload(referendum), actor=actor
    )
    return referendum


# --- counting --------------------------------------------------------------------------------


def thresholds(referendum: Referendum) -> StatuteVersion:
    """The referendum's frozen thresholds, as a statute (unsaved) whose arithmetic decides."""
    return StatuteVersion(
        commune_referendum_turnout_pct=referendum.turnout_pct,
        founding_majority_pct=referendum.majority_pct,
    )


def _poll_problem(place: Place) -> str | None:
    """Why ``place``'s poll cannot be merged, or None: it must still ask yes or no."""
    poll = place.poll
    keys = sorted(poll.options.values_list("key", flat=True))
    if poll.method != "single" or keys != [NO, YES]:
        return _("The poll of %(member)s no longer asks yes or no: it cannot be merged.") % {
            "member": place.member.name
        }
    return None


def place_figures(place: Place) -> dict[str, Any]:
    """A member's counts, as its poll's closing recorded them (never a ballot or a voter)."""
    result = place.poll.result or {}
    tally = result.get("tally") or {}
    figures = result.get("turnout") or {}
    ballots = int(figures.get("ballots", result.get("ballots", 0)))
    yes, no = int(tally.get(YES, 0)), int(tally.get(NO, 0))
    return {
        "member": place.member_id,
        "poll": place.poll_id,
        "register": int(figures.get("register", 0)),
        "ballots": ballots,
        "yes": yes,
        "no": no,
        "blank": ballots - yes - no,
    }


def merged(referendum: Referendum, places: list[Place]) -> dict[str, Any]:
    """The merged count of the members' counted polls, decided by the frozen thresholds."""
    rows = [place_figures(p) for p in places]
    totals = {k: sum(r[k] for r in rows) for k in ("register", "ballots", "yes", "no", "blank")}
    rule = thresholds(referendum)
    turnout_met = rule.founding_turnout_met(totals["ballots"], totals["register"])
    majority = rule.founding_carried(totals["yes"], totals["yes"] + totals["no"])
    return {
        "places": rows,
        "totals": totals,
        "turnout_pct": str(referendum.turnout_pct),
        "majority_pct": str(referendum.majority_pct),
        "turnout_met": turnout_met,
        "majority": majority,
        "carried": turnout_met and majority,
    }


def still_voting(places: list[Place]) -> list[Place]:
    from comuna.voting.models import Status

    return [p for p in places if p.poll is None or p.poll.status != Status.CLOSED]


def _voting_over(
    referendum: Referendum, by: Any, action: str, not_voting: str, not_allowed: str
) -> tuple[Referendum, list[Place]]:
    """The referendum locked and its places, once it is being voted on, ``by`` may do
    ``action`` and every member's electoral commission has counted its own poll."""
    referendum = referendum.locked()
    if referendum.status != ReferendumStatus.VOTING:
        raise refuse(not_voting % {"status": referendum.get_status_display()})
    if not _allowed(by, action, referendum):
        raise refuse(not_allowed % {"body": referendum.host.name})
    places = places_of(referendum)
    waiting = still_voting(places)
    if waiting:
        raise refuse(
            _(
                "Every member's electoral commission counts its own poll first; still voting: "
                "%(members)s."
            )
            % {"members": ", ".join(p.member.name for p in waiting)}
        )
    return referendum, places


@transaction.atomic
def count(referendum: Referendum, *, by: Any) -> Referendum:
    """The host's electoral commission merges the members' counted polls. Carried (turnout
    and majority both met): the new body is founded, its members federated into it, with a
    parliament of one seat per member; not carried: nothing is founded."""
    actor = actor_label(by)
    referendum, places = _voting_over(
        referendum,
        by,
        ReferendumAction.COUNT,
        _("Only a referendum being voted on is counted (this one: %(status)s)."),
        _("Only the electoral commission of %(body)s counts this referendum."),
    )
    problem = obstacle(referendum, places)
    if problem:
        raise refuse(
            problem
            + " "
            + _("The electoral commission may close the referendum without founding, saying why.")
        )
    result = merged(referendum, places)
    referendum.result = result
    referendum.counted_at = timezone.now()
    referendum.status = ReferendumStatus.FOUNDED if result["carried"] else ReferendumStatus.FAILED
    record(
        referendum.host.ledger_chain,
        "referendum.counted",
        {"referendum": referendum.pk, "charter_sha256": referendum.charter_sha256, **result},
        actor=actor,
    )
    if result["carried"]:
        referendum.founded = _found(referendum, places, by=by)
    referendum.save(update_fields=["result", "counted_at", "status", "founded"])
    return referendum


def obstacle(referendum: Referendum, places: list[Place]) -> str | None:
    """What stops the count of a referendum whose polls are all closed, or None: a poll that
    no longer asks yes or no, or, when the count carries, what it would found cannot be (its
    short name taken meanwhile, a member federated elsewhere)."""
    for place in places:
        problem = _poll_problem(place)
        if problem:
            return problem
    if not merged(referendum, places)["carried"]:
        return None
    for place in places:
        if place.member.parent_id not in (None, referendum.parent_id):
            return _("%(member)s was federated into another body meanwhile.") % {
                "member": place.member.name
            }
    if Body.objects.filter(slug=referendum.slug).exists():
        return _("The short name %(slug)s was taken meanwhile.") % {"slug": referendum.slug}
    return None


REASON_MAX = 1000


@transaction.atomic
def close_unfounded(referendum: Referendum, *, reason: str, by: Any) -> Referendum:
    """The host's electoral commission closes a referendum whose count cannot found what it
    carried (:func:`obstacle`), saying why: nothing is founded, the merged count is kept, and
    the members are free to start another (``referendum.closed``)."""
    actor = actor_label(by)
    referendum, places = _voting_over(
        referendum,
        by,
        ReferendumAction.CLOSE,
        _("Only a referendum being voted on is closed (this one: %(status)s)."),
        _("Only the electoral commission of %(body)s closes this referendum."),
    )
    problem = obstacle(referendum, places)
    if problem is None:
        raise refuse(_("Nothing stops the count: count the referendum instead."))
    reason = str(reason or "").strip()
    if not reason:
        raise refuse(_("Say why the referendum is closed without founding."), field="reason")
    if len(reason) > REASON_MAX:
        raise refuse(_("At most %(n)s characters.") % {"n": REASON_MAX}, field="reason")
    result = merged(referendum, places)
    referendum.result = result
    referendum.counted_at = timezone.now()
    referendum.closed_reason = reason
    referendum.status = ReferendumStatus.VOID
    referendum.save(update_fields=["result", "counted_at", "closed_reason", "status"])
    record(
        referendum.host.ledger_chain,
        "referendum.closed",
        {
            "referendum": referendum.pk,
            "charter_sha256": referendum.charter_sha256,
            "reason": reason,
            "obstacle": problem,
            **result,
        },
        actor=actor,
    )
    return referendum


def _found(referendum: Referendum, places: list[Place], *, by: Any) -> Body:
    actor = actor_label(by)
    members = [p.member for p in places]
    for member in Body.objects.select_for_update(of=("self",)).filter(
        pk__in=[m.pk for m in members]
    ):
        if member.parent_id not in (None, referendum.parent_id):
            raise refuse(
                _("%(member)s was federated into another body meanwhile: nothing is founded.")
                % {"member": member.name}
            )
    try:
        body = territory.create_body(
            name=referendum.name,
            slug=referendum.slug,
            kind=referendum.kind,
            parent=referendum.parent,
            territory=referendum.territory,
            by=by,
        )
    except ValidationError:
        raise refuse(
            _("The short name %(slug)s was taken meanwhile: nothing is founded.")
            % {"slug": referendum.slug}
        ) from None
    for member in members:
        Body.objects.filter(pk=member.pk).update(parent=body)
        record(
            member.ledger_chain,
            "federation.joined",
            {"body": member.pk, "into": body.pk, "referendum": referendum.pk},
            actor=actor,
        )
    name = (
        _("Communal parliament")
        if referendum.kind == BodyKind.COMMUNE
        else _("Parliament of the communal city")
    )
    with translation.override(settings.LANGUAGE_CODE):
        organ = territory.create_organ(
            body, kind=OrganKind.PARLIAMENT, name=str(name), seats=len(members), by=by
        )
    for number, member in enumerate(members, start=1):
        Seat.objects.create(organ=organ, number=number, sector=SeatSector.MEMBER, member=member)
    record(body.ledger_chain, "federation.founded", founded_payload(referendum, body), actor=actor)
    return body


def founded_payload(referendum: Referendum, body: Body) -> dict[str, Any]:
    organ = body.organs.filter(kind=OrganKind.PARLIAMENT).order_by("pk").first()
    seats = (
        []
        if organ is None
        else [
            {"number": s.number, "member": s.member_id, "sector": s.sector}
            for s in organ.seat_rows.order_by("number")
        ]
    )
    return {
        "body": body.pk,
        "slug": body.slug,
        "kind": body.kind,
        "name": body.name,
        "parent": body.parent_id,
        "referendum": referendum.pk,
        "charter_sha256": sha256_text(referendum.charter),
        "result": (referendum.result or {}).get("totals"),
        "members": sorted(referendum.places.values_list("member_id", flat=True)),
        "parliament": organ.pk if organ else None,
        "seats": seats,
    }


# --- ledger checks ---------------------------------------------------------------------------


def _referendum_of(entry) -> tuple[Referendum | None, str | None]:
    found = (
        Referendum.objects.select_related("host")
        .filter(pk=(entry.data or {}).get("referendum"))
        .first()
    )
    if found is None:
        return None, _("referendum %(id)s is missing from the database") % {
            "id": (entry.data or {}).get("referendum")
        }
    return found, None


def _hosted(entry) -> tuple[Referendum | None, str | None]:
    referendum, problem = _referendum_of(entry)
    if referendum is not None and referendum.host.ledger_chain != entry.chain:
        return None, _("referendum %(id)s is not hosted by this body") % {"id": referendum.pk}
    return referendum, problem


def _latest_charter_entry(entry, referendum: Referendum) -> bool:
    from comuna.ledger import entries

    later = entries(entry.chain).filter(kind="referendum.charter_amended", seq__gt=entry.seq)
    return not any(e.data.get("referendum") == referendum.pk for e in later.only("payload"))


def _sealed(referendum: Referendum) -> str | None:
    """Once voting opened, the charter is the one its hash sealed."""
    if referendum.charter_sha256 and sha256_text(referendum.charter) != referendum.charter_sha256:
        return _("the charter of referendum %(id)s is not the one sealed") % {"id": referendum.pk}
    return None


def check_proposed(entry) -> str | None:
    referendum, problem = _hosted(entry)
    if referendum is None:
        return problem
    now = proposed_payload(referendum)
    if _latest_charter_entry(entry, referendum):
        now["charter_sha256"] = sha256_text(referendum.charter)
    return differs(_("referendum"), referendum.pk, entry.data, now) or _sealed(referendum)


def check_invited(entry) -> str | None:
    referendum, problem = _referendum_of(entry)
    if referendum is None:
        return problem
    place = referendum.places.select_related("member").filter(member=entry.data.get("member"))
    found = place.first()
    if found is None or found.member.ledger_chain != entry.chain:
        return _("member %(member)s was not invited to referendum %(id)s") % {
            "member": entry.data.get("member"),
            "id": referendum.pk,
        }
    return differs(_("referendum"), referendum.pk, entry.data, {"host": referendum.host_id})


def check_joined(entry) -> str | None:
    place = Place.objects.select_related("member").filter(pk=entry.data.get("place")).first()
    if place is None or place.member.ledger_chain != entry.chain:
        return _("place %(id)s is missing from the database") % {"id": entry.data.get("place")}
    if place.joined_at is None:
        return _("%(member)s joined, but the database says it did not") % {
            "member": place.member.name
        }
    return differs(
        _("place"),
        place.pk,
        entry.data,
        {"referendum": place.referendum_id, "member": place.member_id},
    )


def check_amended(entry) -> str | None:
    referendum, problem = _hosted(entry)
    if referendum is None:
        return problem
    if not _latest_charter_entry(entry, referendum):
        return None
    return differs(
        _("referendum"),
        referendum.pk,
        entry.data,
        {"charter_sha256": sha256_text(referendum.charter)},
    ) or _sealed(referendum)


def check_withdrawn(entry) -> str | None:
    referendum, problem = _hosted(entry)
    if referendum is None:
        return problem
    if referendum.status != ReferendumStatus.WITHDRAWN:
        return _("referendum %(id)s was withdrawn, but the database says %(status)s") % {
            "id": referendum.pk,
            "status": referendum.status,
        }
    return None


def check_opened(entry) -> str | None:
    referendum, problem = _hosted(entry)
    if referendum is None:
        return problem
    return (
        differs(
            _("referendum"), referendum.pk, entry.data, opened_payload(referendum), every_key=True
        )
        or _sealed(referendum)
        or _polls_are_the_members(referendum)
    )


def _polls_are_the_members(referendum: Referendum) -> str | None:
    for place in places_of(referendum):
        if place.poll is None or place.poll.body_id != place.member_id:
            return _("the poll of %(member)s in referendum %(id)s is not that member's") % {
                "member": place.member.name,
                "id": referendum.pk,
            }
    return None


def check_counted(entry) -> str | None:
    """The merged count is the one the members' polls' recorded tallies give now, and the one
    the referendum keeps."""
    referendum, problem = _hosted(entry)
    if referendum is None:
        return problem
    places = places_of(referendum)
    if still_voting(places):
        return _("referendum %(id)s was counted, but a member's poll is not closed") % {
            "id": referendum.pk
        }
    now = {
        "referendum": referendum.pk,
        "charter_sha256": referendum.charter_sha256,
        **merged(referendum, places),
    }
    problem = differs(_("referendum"), referendum.pk, entry.data, now, every_key=True)
    if problem:
        return problem
    kept = {"referendum": referendum.pk, "charter_sha256": referendum.charter_sha256}
    kept |= referendum.result or {}
    problem = differs(_("stored result of referendum"), referendum.pk, entry.data, kept)
    if problem:
        return problem
    status = ReferendumStatus.FOUNDED if now["carried"] else ReferendumStatus.FAILED
    if referendum.status != status:
        return _("referendum %(id)s is %(status)s, but its count says otherwise") % {
            "id": referendum.pk,
            "status": referendum.status,
        }
    return _sealed(referendum)


def check_closed(entry) -> str | None:
    """Closed without founding: the referendum says so, with the reason and the merged count
    the entry recorded."""
    referendum, problem = _hosted(entry)
    if referendum is None:
        return problem
    if referendum.status != ReferendumStatus.VOID or referendum.founded_id is not None:
        return _("referendum %(id)s was closed without founding, but it says otherwise") % {
            "id": referendum.pk
        }
    kept = {
        "referendum": referendum.pk,
        "charter_sha256": referendum.charter_sha256,
        "reason": referendum.closed_reason,
        **(referendum.result or {}),
    }
    return differs(_("closed referendum"), referendum.pk, entry.data, kept)


def check_federation_joined(entry) -> str | None:
    from comuna.ledger import entries

    member = Body.objects.filter(pk=entry.data.get("body")).first()
    if member is None or member.ledger_chain != entry.chain:
        return _("body %(id)s is missing from the database") % {"id": entry.data.get("body")}
    later = entries(entry.chain).filter(kind="federation.joined", seq__gt=entry.seq).exists()
    if not later and member.parent_id != entry.data.get("into"):
        return _("%(body)s is not federated into the body its entry names") % {"body": member.name}
    return None


def check_founded(entry) -> str | None:
    """The founded body, its members, its parliament's seats, and the charter sealed: the
    referendum's charter still hashes to what was recorded."""
    body = Body.objects.filter(pk=entry.data.get("body")).first()
    if body is None or body.ledger_chain != entry.chain:
        return _("body %(id)s is missing from the database") % {"id": entry.data.get("body")}
    referendum = Referendum.objects.filter(pk=entry.data.get("referendum"), founded=body).first()
    if referendum is None:
        return _("%(body)s was founded by a referendum the database does not hold") % {
            "body": body.name
        }
    return differs(
        _("founded body"), body.pk, entry.data, founded_payload(referendum, body), every_key=True
    )


def check_referendums(chain: str) -> list[tuple[int, str, str]]:
    """Per chain: every referendum the body hosts was recorded, and its status is the one its
    entries give (none was inserted, opened, counted or withdrawn with SQL)."""
    from comuna.ledger import entries
    from comuna.territory import records

    body = records.body_of_chain(chain)
    if body is None:
        return []
    status: dict[Any, str] = {}
    steps = {
        "referendum.proposed": ReferendumStatus.DRAFT,
        "referendum.opened": ReferendumStatus.VOTING,
        "referendum.withdrawn": ReferendumStatus.WITHDRAWN,
        "referendum.counted": None,
        "referendum.closed": ReferendumStatus.VOID,
    }
    for entry in (
        entries(chain).filter(kind__in=list(steps)).order_by("seq").only("payload", "kind")
    ):
        pk = entry.data.get("referendum")
        step = steps[entry.kind]
        if step is None:
            step = (
                ReferendumStatus.FOUNDED if entry.data.get("carried") else ReferendumStatus.FAILED
            )
        status[pk] = step
    problems = []
    for pk, now in Referendum.objects.filter(host=body).values_list("pk", "status"):
        if pk not in status:
            problems.append((0, "", _("referendum %(id)s was never recorded") % {"id": pk}))
        elif status[pk] != now:
            problems.append(
                (
                    0,
                    "",
                    _("referendum %(id)s is %(status)s, but no entry says so")
                    % {"id": pk, "status": now},
                )
            )
    # an invited member joined only by its own entry
    joined = {
        e.data.get("place")
        for e in entries(chain).filter(kind="referendum.joined").only("payload", "kind")
    }
    unrecorded = (
        Place.objects.filter(member=body, joined_at__isnull=False)
        .exclude(referendum__host=body)
        .exclude(pk__in=[pk for pk in joined if isinstance(pk, int)])
    )
    for place in unrecorded.values_list("referendum_id", flat=True):
        problems.append(
            (
                0,
                "",
                _("this body joined referendum %(id)s, but no entry says so") % {"id": place},
            )
        )
    return problems


# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {
    "referendum.proposed": (check_proposed, gettext_lazy("Founding referendum proposed")),
    "referendum.invited": (check_invited, gettext_lazy("Invited to a founding referendum")),
    "referendum.joined": (check_joined, gettext_lazy("Joined a founding referendum")),
    "referendum.charter_amended": (check_amended, gettext_lazy("Founding charter amended")),
    "referendum.withdrawn": (check_withdrawn, gettext_lazy("Founding referendum withdrawn")),
    "referendum.opened": (check_opened, gettext_lazy("Founding referendum opened for voting")),
    "referendum.counted": (check_counted, gettext_lazy("Founding referendum counted")),
    "referendum.closed": (
        check_closed,
        gettext_lazy("Founding referendum closed without founding"),
    ),
    "federation.joined": (check_federation_joined, gettext_lazy("Federated into a new body")),
    "federation.founded": (check_founded, gettext_lazy("Body founded by referendum")),
}
CHAIN_CHECKS: dict = {"referendum.rows": check_referendums}
