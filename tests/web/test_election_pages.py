"""The seats and elections pages: forms that call the services, refusals shown in words on the
form with nothing changed, and what each page shows."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from comuna.mandates import candidacy, seats
from comuna.mandates.models import Candidate, Election, ElectionPhase, Objection
from comuna.territory.models import Counting, Organ, Resident
from tests.conftest import SETUP
from tests.mandates.factories import election_in
from tests.mandates.pages_elections import convene_form


def _url(name, cast, **kwargs):
    return reverse(name, kwargs={"slug": cast.council.slug, **kwargs})


def test_the_seats_page_is_public_and_says_when_each_term_ends(cast, client):
    made = seats.declare_seats(cast.health, seats=2, counting=Counting.STV, by=SETUP)
    from comuna.territory import services

    services.confer_mandate(
        cast.council, cast.resident, organ=cast.health, seat=made[0], kind="spokesperson", by=SETUP
    )
    page = client.get(_url("seats", cast))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Residente Prueba" in text and "Vacante" in text
    ends = Resident.objects.get(pk=cast.resident.pk).mandates.get(seat=made[0]).ends_on
    assert str(ends.year) in text
    assert "2 años" in text  # the statute's term


def test_the_administrator_declares_seats_on_their_page_and_a_refusal_shows_on_the_form(
    cast, login
):
    client = login(cast.admin.user)
    url = _url("seats-declare", cast, pk=cast.health.pk)
    response = client.post(url, {"seats": "2", "counting": "stv"})
    assert response.status_code == 302
    from comuna.territory import services

    services.confer_mandate(
        cast.council,
        cast.resident,
        organ=cast.health,
        seat=cast.health.seat_rows.get(number=2),
        kind="spokesperson",
        by=SETUP,
    )
    response = client.post(url, {"seats": "1", "counting": "stv"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert Organ.objects.get(pk=cast.health.pk).seats == 2


def test_the_commission_convenes_on_the_page(cast, login):
    seats.declare_seats(cast.health, seats=1, counting=Counting.UNINOMINAL, by=SETUP)
    client = login(cast.electoral.user)
    form = client.get(_url("election-new", cast)).content.decode()
    assert 'type="date"' in form and "Comité de Salud" in form
    response = client.post(_url("election-new", cast), convene_form(cast))
    election = Election.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("election", cast, pk=election.pk)


def test_a_calendar_out_of_order_shows_under_its_field_and_nothing_is_convened(cast, login):
    seats.declare_seats(cast.health, seats=1, counting=Counting.UNINOMINAL, by=SETUP)
    client = login(cast.electoral.user)
    bad = convene_form(cast, vote_on=timezone.localdate().isoformat())
    response = client.post(_url("election-new", cast), bad)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["vote_on"]
    assert not Election.objects.exists()


def test_every_refusal_of_a_candidacy_is_listed_in_words(cast, login):
    election = election_in(cast, ElectionPhase.CANDIDACY)
    contest = election.contests.get()
    Resident.objects.filter(pk=cast.comptroller.pk).update(public_office="Concejal")
    client = login(cast.comptroller.user)
    before = Candidate.objects.count()
    response = client.post(
        _url("election-stand", cast, pk=election.pk), {"contest": contest.pk, "nominee": ""}
    )
    assert response.status_code == 400
    assert len(response.context["refusals"]) == 2
    text = response.content.decode()
    assert "Contraloría Social" in text and "Concejal" in text
    assert Candidate.objects.count() == before


def test_the_election_page_shows_the_phase_candidates_and_decided_objections(cast, login):
    election = election_in(cast, ElectionPhase.OBJECTIONS)
    first = election.contests.get().candidates.order_by("pk").first()
    objection = candidacy.object_to(first, grounds="Vive en otro sector", by=cast.admin.user)
    candidacy.decide_objection(
        objection, upheld=False, reason="El censo lo confirma aquí", by=cast.electoral.user
    )
    page = login(cast.resident.user).get(_url("election", cast, pk=election.pk))
    text = page.content.decode()
    assert 'aria-current="step"' in text
    assert "Vive en otro sector" in text and "El censo lo confirma aquí" in text
    assert "Vocera Prueba" in text and "Residente Prueba" in text
    assert _url("candidate-object", cast, pk=election.pk, cid=first.pk) in text
    assert Objection.objects.get().status == "dismissed"


def test_a_candidate_withdraws_on_their_page(cast, login):
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    client = login(cast.resident.user)
    assert (
        _url("election-withdraw", cast, pk=election.pk)
        in client.get(_url("election", cast, pk=election.pk)).content.decode()
    )
    response = client.post(_url("election-withdraw", cast, pk=election.pk), {"reason": "Viajo"})
    assert response.status_code == 302
    assert Candidate.objects.get(resident=cast.resident).status == "withdrawn"


def test_the_body_page_links_the_elections_and_the_seats(cast, login):
    page = login(cast.resident.user).get(reverse("body", kwargs={"slug": cast.council.slug}))
    text = page.content.decode()
    assert f'href="{_url("elections", cast)}"' in text and f'href="{_url("seats", cast)}"' in text
