"""Elections: convened by the electoral commission with their calendar and contests, amended
before candidacies close, cancelled before the vote. [Owned by the elections part of issue 12.]

The calendar, every date inclusive: candidacies open on ``candidacy_opens`` and close at the
end of ``candidacy_closes``; objections are filed until ``objections_close``; the campaign runs
until the commission opens the vote (on ``vote_on``); the elected take their seats on
``term_starts``, the day the previous holders' terms end.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.ledger import entries, record
from comuna.mandates.errors import MandateError
from comuna.mandates.models import Contest, Election, ElectionPhase, ElectionStatus
from comuna.mandates.seats import declared
from comuna.territory import statutes
from comuna.territory.actors import acting_user, actor_label
from comuna.territory.models import Body, Organ, Seat

CALENDAR = ("candidacy_opens", "candidacy_closes", "objections_close", "vote_on", "term_starts")
LABELS = {
    "candidacy_opens": gettext_lazy("Candidacies open"),
    "candidacy_closes": gettext_lazy("Candidacies close"),
    "objections_close": gettext_lazy("Objections close"),
    "vote_on": gettext_lazy("Voting day"),
    "term_starts": gettext_lazy("The elected take their seats on"),
}
AMENDABLE = (ElectionPhase.CONVENED, ElectionPhase.CANDIDACY)
BEFORE_VOTE = (
    ElectionPhase.CONVENED,
    ElectionPhase.CANDIDACY,
    ElectionPhase.OBJECTIONS,
    ElectionPhase.CAMPAIGN,
)


def refuse(message: str, field: str | None = None) -> MandateError:
    """A refusal; ``field`` names the form field it belongs under, when it belongs to one."""
    error = MandateError(message)
    error.field = field
    return error


def _check_calendar(calendar: dict[str, date | None], today: date, *, opened: bool) -> None:
    """today <= opens <= closes < objections close < vote <= term starts (``opened``: the
    candidacies are already open, so the opening day is not checked against today)."""
    for name in CALENDAR:
        if not isinstance(calendar.get(name), date):
            raise refuse(_("Give the date: %(field)s.") % {"field": LABELS[name]}, name)
    c = calendar
    if not opened and c["candidacy_opens"] < today:
        raise refuse(_("Candidacies cannot open in the past."), "candidacy_opens")
    if c["candidacy_closes"] < c["candidacy_opens"]:
        raise refuse(_("Candidacies must close on or after the day they open."), "candidacy_closes")
    if opened and c["candidacy_closes"] < today:
        raise refuse(_("Candidacies cannot close in the past."), "candidacy_closes")
    if c["objections_close"] <= c["candidacy_closes"]:
        raise refuse(
            _("Objections must close after candidacies close (they are filed in between)."),
            "objections_close",
        )
    if c["vote_on"] <= c["objections_close"]:
        raise refuse(_("The vote must come after objections close."), "vote_on")
    if c["term_starts"] < c["vote_on"]:
        raise refuse(_("The elected cannot take their seats before the vote."), "term_starts")


def _contests(
    body: Body, contests: list[Organ] | list[tuple[Organ, list[Seat]]]
) -> list[tuple[Organ, list[Seat]]]:
    if not contests:
        raise refuse(_("Choose at least one organ whose seats are elected."), "contests")
    found: list[tuple[Organ, list[Seat]]] = []
    for given in contests:
        organ, seats = given if isinstance(given, tuple) else (given, None)
        organ = Organ.objects.get(pk=organ.pk)
        if organ.body_id != body.pk:
            raise refuse(_("%(organ)s is an organ of another body.") % {"organ": organ}, "contests")
        own = declared(organ)
        if not own or len(own) != organ.seats:
            raise refuse(
                _("%(organ)s has not declared its seats: the administrator declares them first.")
                % {"organ": organ},
                "contests",
            )
        if seats is None:
            seats = own
        elif not seats or any(s.pk not in {o.pk for o in own} for s in seats):
            raise refuse(_("Choose seats declared by %(organ)s.") % {"organ": organ}, "contests")
        if any(o.pk == organ.pk for o, _s in found):
            raise refuse(_("%(organ)s is chosen twice.") % {"organ": organ}, "contests")
        found.append((organ, sorted(seats, key=lambda s: s.number)))
    return found


def calendar_of(election: Election) -> dict[str, str]:
    return {name: getattr(election, name).isoformat() for name in CALENDAR}


def contests_payload(election: Election) -> list[dict[str, Any]]:
    return [
        {
            "contest": c.pk,
            "organ": c.organ_id,
            "counting": c.counting,
            "seats": sorted(c.seats.values_list("pk", flat=True)),
        }
        for c in election.contests.order_by("position", "pk")
    ]


def convened_payload(election: Election) -> dict[str, Any]:
    return {
        "body": election.body.slug,
        "election": election.pk,
        "title": election.title,
        "description": election.description,
        "calendar": calendar_of(election),
        "contests": contests_payload(election),
        "statute_version": election.statute.number,
        "recall": election.recall_id,
    }


@transaction.atomic
def convene(
    body: Body,
    *,
    title: str,
    contests: list[Organ] | list[tuple[Organ, list[Seat]]],
    candidacy_opens: date,
    candidacy_closes: date,
    objections_close: date,
    vote_on: date,
    term_starts: date,
    description: str = "",
    recall: Any = None,
    by: Any,
) -> Election:
    """Convene an election of ``body`` (by its electoral commission): one contest per organ,
    for all its declared seats or the seats given (a recall's empty seat), each counted as the
    organ declares (``counting`` is copied). Records ``election.convened``."""
    actor = actor_label(by)
    title = (title or "").strip()
    if not title:
        raise refuse(_("Give the election a title."), "title")
    if len(title) > 200:
        raise refuse(_("The title has at most 200 characters."), "title")
    calendar = {
        "candidacy_opens": candidacy_opens,
        "candidacy_closes": candidacy_closes,
        "objections_close": objections_close,
        "vote_on": vote_on,
        "term_starts": term_starts,
    }
    _check_calendar(calendar, timezone.localdate(), opened=False)
    chosen = _contests(body, contests)
    election = Election.objects.create(
        body=body,
        title=title,
        description=(description or "").strip(),
        statute=statutes.current(body),
        recall=recall,
        created_by=acting_user(by),
        **calendar,
    )
    for position, (organ, seats) in enumerate(chosen, start=1):
        contest = Contest.objects.create(
            election=election, organ=organ, counting=organ.counting, position=position
        )
        contest.seats.set(seats)
    record(body.ledger_chain, "election.convened", convened_payload(election), actor=actor)
    return election


@transaction.atomic
def amend(election: Election, *, by: Any, **calendar: date) -> Election:
    """Change the calendar before candidacies close (once they are open, the opening day
    stays). Records ``election.amended`` with the dates before and after."""
    actor = actor_label(by)
    election = election.locked()
    unknown = sorted(set(calendar) - set(CALENDAR))
    if unknown:
        raise TypeError(f"amend() takes calendar dates only, not {unknown}")
    phase = election.phase()
    if phase not in AMENDABLE:
        raise refuse(_("The calendar can no longer be changed: candidacies have closed."))
    opened = phase == ElectionPhase.CANDIDACY
    if (
        opened
        and "candidacy_opens" in calendar
        and calendar["candidacy_opens"] != (election.candidacy_opens)
    ):
        raise refuse(
            _("Candidacies are already open: the day they opened cannot change."),
            "candidacy_opens",
        )
    before = calendar_of(election)
    new = {name: calendar.get(name, getattr(election, name)) for name in CALENDAR}
    _check_calendar(new, timezone.localdate(), opened=opened)
    changed = [name for name in CALENDAR if new[name] != getattr(election, name)]
    if not changed:
        raise refuse(_("Nothing was changed."))
    for name in changed:
        setattr(election, name, new[name])
    election.save(update_fields=changed)
    record(
        election.body.ledger_chain,
        "election.amended",
        {
            "election": election.pk,
            "changed": changed,
            "before": {k: before[k] for k in changed},
            "calendar": calendar_of(election),
        },
        actor=actor,
    )
    return election


@transaction.atomic
def cancel(election: Election, *, reason: str, by: Any) -> Election:
    """Cancel the election before the vote, saying why. Records ``election.cancelled``."""
    actor = actor_label(by)
    election = election.locked()
    if election.phase() not in BEFORE_VOTE:
        raise refuse(_("The election can no longer be cancelled: the vote has begun."))
    reason = (reason or "").strip()
    if not reason:
        raise refuse(_("Say why the election is cancelled."), "reason")
    election.status = ElectionStatus.CANCELLED
    election.save(update_fields=["status"])
    record(
        election.body.ledger_chain,
        "election.cancelled",
        {"election": election.pk, "reason": reason[:1000]},
        actor=actor,
    )
    return election


def cancellation(election: Election) -> str | None:
    """Why a cancelled election was cancelled, as its ledger entry says."""
    if election.status != ElectionStatus.CANCELLED:
        return None
    for entry in entries(election.body.ledger_chain).filter(kind="election.cancelled"):
        if entry.data.get("election") == election.pk:
            return entry.data.get("reason")
    return None


# --- ledger verify --------------------------------------------------------------------------


def election_of(entry) -> tuple[Election | None, str | None]:
    data = entry.data if isinstance(entry.data, dict) else {}
    election = (
        Election.objects.select_related("body", "statute").filter(pk=data.get("election")).first()
    )
    if election is None:
        return None, _("election %(election)s is missing from the database") % {
            "election": data.get("election")
        }
    if election.body.ledger_chain != entry.chain:
        return None, _("election %(election)s belongs to another body") % {"election": election.pk}
    return election, None


def _later_amendment(entry, election: Election) -> bool:
    return any(
        e.data.get("election") == election.pk
        for e in entries(entry.chain).filter(kind="election.amended", seq__gt=entry.seq)
    )


def _differs(election: Election, fields: list[str]) -> str:
    return _("election %(election)s differs from its entry: %(fields)s") % {
        "election": election.pk,
        "fields": ", ".join(fields),
    }


def check_convened(entry) -> str | None:
    """The election as convened: title, description, contests with their seats and counting,
    statute version; and its calendar, unless a later amendment changed it."""
    election, problem = election_of(entry)
    if election is None:
        return problem
    now = convened_payload(election)
    if _later_amendment(entry, election):
        now.pop("calendar")
    changed = sorted(k for k in now if now[k] != entry.data.get(k))
    return _differs(election, changed) if changed else None


def check_amended(entry) -> str | None:
    """The calendar as amended, unless a later amendment changed it again."""
    election, problem = election_of(entry)
    if election is None:
        return problem
    if not _later_amendment(entry, election) and entry.data.get("calendar") != calendar_of(
        election
    ):
        return _differs(election, ["calendar"])
    return None


def check_cancelled(entry) -> str | None:
    election, problem = election_of(entry)
    if election is None:
        return problem
    if election.status != ElectionStatus.CANCELLED:
        return _differs(election, ["status"])
    return None


LEDGER_CHECKS: dict = {
    "election.convened": (check_convened, gettext_lazy("Election convened")),
    "election.amended": (check_amended, gettext_lazy("Election calendar amended")),
    "election.cancelled": (check_cancelled, gettext_lazy("Election cancelled")),
}
