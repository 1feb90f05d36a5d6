"""Reads of polls for the pages: what waits for a voter, and what a body has published."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from comuna.territory.models import Body
from comuna.voting.models import Option, Poll, Status


def waiting_for(user) -> QuerySet[Poll]:
    """Open polls whose frozen register has ``user`` on it, not yet voted online; the longest
    open first. (A vote on paper is not tied to anyone, so it does not take a poll off here.)
    A budget district's poll comes with its budget, whose one ballot page it links to."""
    if not user.is_authenticated:
        return Poll.objects.none()
    return (
        Poll.objects.filter(status=Status.OPEN, voters__user=user, voters__has_voted=False)
        .select_related("body", "district__budget__body")
        .order_by("opened_on", "pk")
    )


def waiting_ballots(user) -> list[Poll]:
    """:func:`waiting_for`, with a budget's district polls once per budget (its one ballot
    page takes them all)."""
    found, budgets = [], set()
    for poll in waiting_for(user):
        district = getattr(poll, "district", None)
        if district is not None:
            if district.budget_id in budgets:
                continue
            budgets.add(district.budget_id)
        found.append(poll)
    return found


@dataclass(frozen=True)
class Published:
    poll: Poll
    winners: list[Option]


def published(body: Body, limit: int) -> list[Published]:
    """The ``limit`` most recently closed polls of ``body``, each with its winning options:
    their results are public (anyone may read and recount them)."""
    polls = (
        Poll.objects.filter(body=body, status=Status.CLOSED)
        .prefetch_related("options")
        .order_by("-closed_on", "-pk")[:limit]
    )
    found = []
    for poll in polls:
        options = {o.key: o for o in poll.options.all()}
        keys = (poll.result or {}).get("winners", [])
        found.append(Published(poll, [options[k] for k in keys if k in options]))
    return found
