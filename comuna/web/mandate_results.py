"""Election pages: the results part. Thin views over comuna.mandates.results; their URLs are in
``urlpatterns`` (included by comuna/web/urls.py).

The electoral commission opens the vote (one secret ballot per contest: members vote on the
ballot's poll page, paper is entered on its paper pages), counts it (principals, and
substitutes counted again with the principals withdrawn) and confers the mandates; each step
is a confirmation page (GET) and its POST. The election's page shows :func:`panel`: per
contest, its ballot, the elected and their substitutes seat by seat, and how the count went."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _

from comuna.mandates import results
from comuna.mandates.errors import MandateError
from comuna.mandates.models import Contest, Election, ElectionStatus
from comuna.mandates.rules import ElectionAction
from comuna.territory.models import Body, Counting
from comuna.territory.permissions import can
from comuna.voting.explain import explain
from comuna.voting.models import Poll
from comuna.voting.names import rule_name
from comuna.web.access import body_view

# --- the panel on the election's page -------------------------------------------------------


def _contest_rows(contest: Contest, poll: Poll | None) -> dict[str, Any]:
    """One contest's ballot and result, ready for web/mandates/_results.html."""
    result = contest.result or {}
    row: dict[str, Any] = {
        "contest": contest,
        "poll": poll,
        "stv": contest.counting == Counting.STV,
        "counted": "principals" in result,
    }
    if not row["counted"] or poll is None:
        return row
    row["refused"] = results.recorded_disagreement(contest)
    if row["refused"]:
        return row
    row["seats"] = results.elected_by_seat(contest)
    options = list(poll.options.all())
    if poll.result:
        row["explained"] = explain(poll, options)
        row["rule"] = rule_name(poll.rule)
        row["ballots"] = poll.result.get("ballots", 0)
    count = result.get("substitute_count")
    if count:
        withdrawn = set(count.get("withdrawn", []))
        remaining = [o for o in options if o.key not in withdrawn]
        counted = SimpleNamespace(result=count, method=poll.method)
        row["substitutes_explained"] = explain(counted, remaining)
        row["withdrawn"] = [o for o in options if o.key in withdrawn]
    return row


def panel(request, body, election) -> dict:
    """What the results part adds to the election's page (mandate_elections merges it):
    ``{"results_panel": ...}`` for web/mandates/_results.html."""
    contests = list(
        Contest.objects.filter(election=election).select_related("organ").order_by("position", "pk")
    )
    polls = {
        p.pk: p for p in Poll.objects.filter(pk__in=[c.poll_id for c in contests if c.poll_id])
    }
    user = request.user
    return {
        "results_panel": {
            "body": body,
            "election": election,
            "contests": [_contest_rows(c, polls.get(c.poll_id)) for c in contests],
            "can_open": can(user, ElectionAction.OPEN_VOTE, election),
            "can_count": can(user, ElectionAction.COUNT, election),
            "can_confer": can(user, ElectionAction.CONFER, election),
            "Status": ElectionStatus,
        }
    }


def _election_page(body: Body, election: Election) -> str:
    """The election's page, at its results (the elections part's page; until it is there, the
    body's page)."""
    try:
        return reverse("election", kwargs={"slug": body.slug, "pk": election.pk}) + "#results"
    except NoReverseMatch:
        return reverse("body", kwargs={"slug": body.slug})


# --- the electoral commission's steps -------------------------------------------------------

STEPS = {
    "open": (results.open_vote, "election-open-vote"),
    "count": (results.count, "election-count"),
    "confer": (results.confer, "election-confer"),
}


def _step(request, body, election, step: str):
    """GET: what the step does, with the results panel; POST: do it, or say why not."""
    service, _name = STEPS[step]
    error = None
    if request.method == "POST":
        try:
            service(election, by=request.user)
        except MandateError as exc:
            error = str(exc)
        else:
            messages.success(request, _done(step))
            return redirect(_election_page(body, election))
    context = {
        "body": body,
        "election": election,
        "step": step,
        "error": error,
        "back": _election_page(body, election),
        **panel(request, body, election),
    }
    return render(
        request, "web/mandates/results_confirm.html", context, status=400 if error else 200
    )


def _done(step: str) -> str:
    if step == "open":
        return _("The vote is open: one secret ballot per contest.")
    if step == "count":
        return _("The vote was counted: the elected and their substitutes are below.")
    return _("The mandates were conferred.")


@body_view(ElectionAction.OPEN_VOTE, Election)
def open_vote(request, body, election):
    return _step(request, body, election, "open")


@body_view(ElectionAction.COUNT, Election)
def count(request, body, election):
    return _step(request, body, election, "count")


@body_view(ElectionAction.CONFER, Election)
def confer(request, body, election):
    return _step(request, body, election, "confer")


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/elections/<int:pk>/open-vote/", open_vote, name="election-open-vote"),
    path("b/<slug:slug>/elections/<int:pk>/count/", count, name="election-count"),
    path("b/<slug:slug>/elections/<int:pk>/confer/", confer, name="election-confer"),
]
