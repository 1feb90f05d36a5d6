"""The paper page says what is wrong with each field, and never drops a figure silently."""

from django.urls import reverse

from comuna.voting.models import PaperSheet


def _paper(cast, poll):
    return reverse("poll-paper", kwargs={"slug": cast.council.slug, "pk": poll.pk})


def test_an_empty_polling_place_and_a_negative_count_are_named_on_their_fields(cast, login, poll):
    response = login(cast.electoral.user).post(
        _paper(cast, poll), {"polling_place": "", "n_ballots": "-4"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Este campo es obligatorio" in page
    assert "mayor o igual a 0" in page or "mayor o igual que 0" in page
    assert not PaperSheet.objects.exists()


def test_a_count_of_ballots_without_totals_or_beside_ballot_lines_is_refused(cast, login, poll):
    client = login(cast.electoral.user)
    alone = client.post(_paper(cast, poll), {"polling_place": "Escuela", "n_ballots": "5"})
    assert "Indica los votos de cada opción" in alone.content.decode()
    both = client.post(
        _paper(cast, poll), {"polling_place": "Escuela", "n_ballots": "3", "ballots": "1\n2"}
    )
    assert "El número de boletas va con los totales" in both.content.decode()
    assert not PaperSheet.objects.exists()
