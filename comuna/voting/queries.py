"""Reads of polls for the pages: what waits for a voter, and what a body has published."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from comuna.territory.models import Body
from comuna.voting.models import Option, Poll, Status


def waiting_for(user) -> QuerySet[Poll]:
    """Open polls whose frozen register has ``user`` on it, not yet voted online; the longest
    open first. (A vote on paper is not tied to anyone, so it does not take a poll off here.)"""
    if not user.is_authenticated:
        return Poll.objects.none()
    return (
        Poll.objects.filter(status=Status.OPEN, voters__user=user, voters__has_voted=False)
        .select_related("body")
        .order_by("opened_on", "pk")
    )


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
