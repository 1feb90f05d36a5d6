"""The clearing house's pages: the archive (search, filters, pages, in Spanish, without
JavaScript), a lesson's page, the team's form recording a lesson, and "similar projects
elsewhere" on a project's page; who sees what."""

from decimal import Decimal

import pytest
from django.urls import reverse

from comuna.cycles.models import ExecutionStatus, Lesson
from comuna.ledger.models import Entry
from comuna.territory import statutes
from comuna.web import cycle_lessons
from tests.conftest import SETUP
from tests.cycles.lesson_factories import WATER, execution_in, lesson_in

ROAD = {
    "title": "Asfaltado de la calle 5",
    "description": "Tapar huecos y asfaltar 200 metros.",
    "category": "roads",
    "place": "Sector El Cují",
}
FORM = {
    "what_happened": "Se cambió la tubería en tres semanas.",
    "what_worked": "Comprar al por mayor.",
    "what_did_not": "La excavación sin permiso.",
    "cost_note": "Costó menos de lo estimado.",
    "advice": "Pedir el permiso antes.",
}


def _archive(client, **params):
    return client.get(reverse("lessons"), params)


# --- the archive -----------------------------------------------------------------------------


def test_the_archive_finds_a_lesson_by_a_word_with_or_without_accents_in_spanish(cast, client):
    lesson_in(cast, project=WATER, advice="Pedir la autorización del acueducto.")
    lesson_in(cast, project=ROAD)
    for query in ("tubería", "tuberia", "AUTORIZACION"):
        response = _archive(client, q=query)
        page = response.content.decode()
        assert response.status_code == 200
        assert '<html lang="es">' in page
        assert "Tubería de la calle 3" in page and "Asfaltado" not in page, query
    page = _archive(client).content.decode()
    assert "Tubería de la calle 3" in page and "Asfaltado de la calle 5" in page
    assert "<script" not in page and "style=" not in page


def test_the_archive_shows_the_estimate_against_what_was_spent_and_every_field(cast, client):
    lesson_in(cast, project=WATER, **FORM)
    page = _archive(client).content.decode()
    assert "Consejo A" in page and "Calle 3" in page
    for text in FORM.values():
        assert text in page
    assert "3.000,00" in page and "0,00" in page  # estimate and spent, in Spanish
    assert "por debajo" in page or "under the estimate" in page


def test_the_archive_filters_by_category_outcome_cost_and_place(cast, client):
    lesson_in(cast, project=WATER)
    lesson_in(cast, status=ExecutionStatus.ABANDONED, project={**ROAD, "cost": Decimal("800")})

    def titles(**params):
        page = _archive(client, **params).content.decode()
        return [t for t in ("Tubería de la calle 3", "Asfaltado de la calle 5") if t in page]

    assert titles(category="water") == ["Tubería de la calle 3"]
    assert titles(outcome="abandoned") == ["Asfaltado de la calle 5"]
    assert titles(max_cost="1000") == ["Asfaltado de la calle 5"]
    assert titles(min_cost="1.000,00") == ["Tubería de la calle 3"]
    assert titles(place="cují") == ["Asfaltado de la calle 5"]
    assert titles(q="calle", category="roads") == ["Asfaltado de la calle 5"]


def test_a_bad_filter_is_said_under_its_field_with_status_400(cast, client):
    lesson_in(cast, project=WATER)
    response = _archive(client, min_cost="mucho", q="tubería")
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert "Tubería de la calle 3" in response.content.decode()  # the valid fields still apply
    response = _archive(client, min_cost="500", max_cost="100")
    assert response.status_code == 400
    response = _archive(client, category="nonsense")
    assert response.status_code == 400


@pytest.mark.parametrize("query", ['"', "*", "OR", "NEAR(", "'", "a" * 10000, "tubería*"])
def test_a_hostile_query_is_never_an_error_page(cast, client, query):
    lesson_in(cast, project=WATER)
    assert _archive(client, q=query).status_code in (200, 400)


def test_the_archive_is_paginated_keeping_the_search(cast, client, monkeypatch):
    monkeypatch.setattr(cycle_lessons, "PER_PAGE", 1)
    lesson_in(cast, project=WATER)
    lesson_in(cast, project={**WATER, "title": "Tubería de la escuela"})
    lesson_in(cast, project=ROAD)
    first = _archive(client, q="tubería").content.decode()
    assert "?q=tuber%C3%ADa&amp;page=2" in first
    second = _archive(client, q="tubería", page="2").content.decode()
    assert "Asfaltado" not in second and "Tubería" in second
    assert _archive(client, q="tubería", page="99").status_code == 200


def test_a_lesson_of_a_body_whose_cycle_is_closed_is_for_its_members_only(cast, client, login):
    hidden = lesson_in(cast, body=cast.other, project=WATER)
    statutes.amend(cast.other, {"cycle_public": False}, by=SETUP)
    assert "Tubería de la calle 3" not in _archive(client, q="tubería").content.decode()
    url = reverse("lesson", kwargs={"pk": hidden.pk})
    assert client.get(url).status_code == 302  # to log in
    login(cast.resident.user)
    assert "Tubería de la calle 3" not in _archive(client, q="tubería").content.decode()
    assert client.get(url).status_code == 403
    login(cast.outsider.user)
    assert "Tubería de la calle 3" in _archive(client, q="tubería").content.decode()
    assert client.get(url).status_code == 200


# --- a lesson's page -------------------------------------------------------------------------


def test_a_lessons_page_shows_every_field_and_links_to_the_project(cast, client):
    lesson = lesson_in(cast, project=WATER, **FORM)
    response = client.get(reverse("lesson", kwargs={"pk": lesson.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    for text in FORM.values():
        assert text in page
    project = lesson.execution.project
    assert reverse("project", kwargs={"slug": "consejo-a", "pk": project.pk}) in page
    assert client.get(reverse("lesson", kwargs={"pk": 999999})).status_code == 404


# --- recording one ---------------------------------------------------------------------------


def _record_url(execution):
    return reverse("lesson-record", kwargs={"slug": "consejo-a", "pk": execution.pk})


def test_the_team_records_the_lesson_on_its_form_seeing_the_estimate_and_spent(cast, client, login):
    execution = execution_in(cast, ExecutionStatus.DONE, **WATER)
    login(cast.spokesperson.user)
    page = client.get(_record_url(execution)).content.decode()
    assert "3.000,00" in page and "0,00" in page
    assert 'name="what_happened"' in page and 'name="advice"' in page
    response = client.post(_record_url(execution), FORM)
    lesson = Lesson.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lesson", kwargs={"pk": lesson.pk})
    assert lesson.advice == FORM["advice"] and lesson.recorded_by == cast.spokesperson.user
    # once recorded, the form leads to the lesson
    assert client.get(_record_url(execution))["Location"] == response["Location"]


def test_a_lesson_with_nothing_said_is_refused_under_the_field(cast, client, login):
    execution = execution_in(cast, ExecutionStatus.DONE, **WATER)
    login(cast.spokesperson.user)
    before = Entry.objects.count()
    response = client.post(_record_url(execution), {**FORM, "what_happened": "  "})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Lesson.objects.exists() and Entry.objects.count() == before


def test_the_form_is_refused_before_the_project_ends_and_outside_the_team(cast, client, login):
    under_way = execution_in(cast, ExecutionStatus.IN_PROGRESS, **WATER)
    done = execution_in(cast, ExecutionStatus.DONE, **ROAD)
    login(cast.spokesperson.user)
    assert client.post(_record_url(under_way), FORM).status_code == 403
    for persona in ("resident", "outsider", "admin"):
        login(cast.user(persona))
        assert client.post(_record_url(done), FORM).status_code == 403, persona
    # a spokesperson of another committee may open the form, and reads why it is refused
    login(cast.electoral.user)
    assert "Comité de Salud" in client.get(_record_url(done)).content.decode()
    response = client.post(_record_url(done), FORM)
    assert response.status_code == 400 and 'class="errorlist' in response.content.decode()
    client.logout()
    assert client.post(_record_url(done), FORM).status_code == 302  # to log in
    assert not Lesson.objects.exists()


# --- similar projects elsewhere --------------------------------------------------------------


def test_a_projects_page_shows_similar_projects_elsewhere_with_costs_and_lessons(cast, client):
    from tests.cycles.factories import project_in

    lesson_in(cast, body=cast.other, project=WATER, advice="Comprar tubos de PVC.")
    project = project_in(cast, "planning")  # "Tanque de agua comunitario", water
    page = client.get(reverse("project", kwargs={"slug": "consejo-a", "pk": project.pk}))
    page = page.content.decode()
    assert "Tubería de la calle 3" in page and "Consejo B" in page
    assert "Comprar tubos de PVC." in page and "3.000,00" in page
    lesson = Lesson.objects.get()
    assert reverse("lesson", kwargs={"pk": lesson.pk}) in page
