"""The paper-ballots page: double entry of tally sheets, from a phone without JavaScript."""

import re

from django.test import Client
from django.urls import reverse

from comuna.ledger import verify
from comuna.voting.models import BatchState, PaperBatch, PaperSheet
from tests.conftest import COUNCIL_A_VOTERS

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page_url(poll):
    return reverse("poll-paper", kwargs={"slug": poll.body.slug, "pk": poll.pk})


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def sheet(yes, no, **extra):
    return {
        "polling_place": "Casa comunal",
        "n_ballots": str(yes + no),
        "total_1": str(yes),
        "total_2": str(no),
        **extra,
    }


def test_two_members_entering_the_same_sheet_count_it(cast, poll, electoral_2):
    first = client_of(cast.electoral.user).post(page_url(poll), sheet(3, 1), **EN)
    assert first.status_code == 302 and not PaperBatch.objects.exists()
    second = client_of(electoral_2).post(page_url(poll), sheet(3, 1), follow=True, **EN)
    assert "it is counted" in second.content.decode()
    assert PaperBatch.objects.get(state=BatchState.ACTIVE).totals == {"1": 3, "2": 1}
    assert verify().ok


def test_the_second_member_does_not_see_the_first_entry(cast, poll, electoral_2):
    client_of(cast.electoral.user).post(page_url(poll), sheet(5, 2), **EN)
    page = client_of(electoral_2).get(page_url(poll), **EN).content.decode()
    assert "Entered once, by electoral" in page
    assert 'class="compare"' not in page
    assert 'value="5"' not in page and 'value="7"' not in page


def test_a_disagreement_is_shown_side_by_side_with_the_differing_lines_marked(
    cast, poll, electoral_2
):
    client_of(cast.electoral.user).post(page_url(poll), sheet(3, 1), **EN)
    answer = client_of(electoral_2).post(page_url(poll), sheet(2, 2), follow=True, **EN)
    page = answer.content.decode()
    assert "differs from the other entry" in page and not PaperBatch.objects.exists()
    table = page[page.index('class="compare"') :]
    assert '<th scope="col">electoral</th>' in table and "electoral2" in table
    rows = re.findall(r"<tr( class=\"differs\")?><th scope=\"row\">(.*?)</th>", table)
    marked = {label: bool(differs) for differs, label in rows}
    assert marked == {
        "Ballots cast": False,
        "<strong>≠ 1. Sí</strong>": True,
        "<strong>≠ 2. No</strong>": True,
    }


def test_closing_says_which_places_wait(cast, poll, login):
    client = login(cast.electoral.user)
    client.post(page_url(poll), sheet(3, 1), **EN)
    closing = reverse("poll-close", kwargs={"slug": poll.body.slug, "pk": poll.pk})
    page = client.post(closing, follow=True, **EN).content.decode()
    assert "The tally sheet of Casa comunal waits for a second" in page


def test_correcting_a_place_with_no_earlier_entry_is_refused(cast, poll, login):
    client = login(cast.electoral.user)
    answer = client.post(page_url(poll), sheet(3, 1, correct="1", reason="recuento"), **EN)
    assert answer.status_code == 400
    assert "There is no earlier entry of Casa comunal to correct" in answer.content.decode()
    assert not PaperSheet.objects.exists()


def test_more_ballot_lines_than_the_register_are_refused_with_the_figures(cast, poll, login):
    client = login(cast.electoral.user)
    lines = "\n".join(["1"] * 500_000)
    answer = client.post(page_url(poll), {"polling_place": "Escuela", "ballots": lines}, **EN)
    assert answer.status_code == 400
    said = answer.content.decode()
    assert f"at most {COUNCIL_A_VOTERS} voters" in said and "0 voted online" in said
    assert not PaperSheet.objects.exists() and not PaperBatch.objects.exists()
