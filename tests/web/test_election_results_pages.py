"""The results part's pages: the commission opens the vote, counts it and confers the mandates
from confirmation pages; the results panel shows the elected and their substitutes seat by
seat, with how each count went."""

from __future__ import annotations

from datetime import timedelta

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from comuna.mandates.models import Contest, Election, ElectionPhase, ElectionStatus
from comuna.territory.models import Mandate, MandateKind
from comuna.voting import services as voting
from comuna.web import mandate_results
from tests.mandates.factories import election_in


def _url(name, election):
    return reverse(name, kwargs={"slug": election.body.slug, "pk": election.pk})


def test_the_commission_opens_counts_and_confers_from_its_pages(cast, login):
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    client = login(cast.electoral.user)

    page = client.get(_url("election-open-vote", election))
    assert page.status_code == 200
    assert 'id="results"' in page.content.decode()
    assert client.post(_url("election-open-vote", election)).status_code == 302
    poll = election.contests.get().poll
    assert poll is not None and poll.status == "open"
    voting.cast(poll, cast.admin.user, "2")  # the spokesperson, registered second

    counting = client.get(_url("election-count", election)).content.decode()
    assert reverse("poll", kwargs={"slug": "consejo-a", "pk": poll.pk}) in counting
    assert client.post(_url("election-count", election)).status_code == 302

    shown = client.get(_url("election-confer", election)).content.decode()
    seats = shown[shown.index('class="seats"') :]
    assert seats.index("Vocera Prueba") < seats.index("Residente Prueba")  # elected, substitute
    assert 'id="substitute-rule"' in shown
    assert shown.count('class="cards explanation"') == 2  # the count and the substitutes' count
    assert client.post(_url("election-confer", election)).status_code == 302
    election.refresh_from_db()
    assert election.status == ElectionStatus.CONFERRED
    assert Mandate.objects.filter(
        resident=cast.spokesperson,
        kind=MandateKind.SPOKESPERSON,
        starts_on=election.term_starts,
        seat__isnull=False,
    ).exists()


def test_a_refused_step_says_why_on_its_page_and_changes_nothing(cast, login):
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    later = timezone.localdate() + timedelta(days=3)
    Election.objects.filter(pk=election.pk).update(vote_on=later, term_starts=later)
    response = login(cast.electoral.user).post(_url("election-open-vote", election))
    assert response.status_code == 400
    assert 'id="refused"' in response.content.decode()
    election.refresh_from_db()
    assert election.status == ElectionStatus.SCHEDULED
    assert election.contests.get().poll is None


def test_the_panel_offers_each_member_only_the_steps_they_may_take(cast):
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    request = RequestFactory().get("/")
    request.user = cast.electoral.user
    assert mandate_results.panel(request, cast.council, election)["results_panel"]["can_open"]
    request.user = cast.resident.user
    shown = mandate_results.panel(request, cast.council, election)["results_panel"]
    assert not (shown["can_open"] or shown["can_count"] or shown["can_confer"])
    assert [row["contest"].organ for row in shown["contests"]] == [cast.health]


def test_a_result_that_disagrees_with_the_ledger_is_not_shown(cast, login):
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    client = login(cast.electoral.user)
    client.post(_url("election-open-vote", election))
    voting.cast(election.contests.get().poll, cast.admin.user, "1")
    client.post(_url("election-count", election))
    contest = election.contests.get()
    shown = client.get(_url("election-confer", election)).content.decode()
    assert 'class="seats"' in shown and "result-refused" not in shown
    first, second = contest.result["principals"][0], contest.result["substitutes"][0]
    swapped = dict(contest.result, principals=[second], substitutes=[first])
    Contest.objects.filter(pk=contest.pk).update(result=swapped)
    shown = client.get(_url("election-confer", election)).content.decode()
    assert f'id="result-refused-{contest.pk}"' in shown and 'class="seats"' not in shown
