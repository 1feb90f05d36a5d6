"""The plan's pages: proposing with cost rows (added without JavaScript) and a running total,
the public project page with its costs, needs and every rejection's reason, revising,
withdrawing and reviewing, each refusal shown on the form with nothing saved."""

from decimal import Decimal

from django.urls import reverse

from comuna.cycles import projects
from comuna.cycles.models import CyclePhase, Project, ProjectStatus
from comuna.territory import statutes
from tests.conftest import SETUP
from tests.cycles.factories import cycle_in, project_in
from tests.cycles.pages_projects import _with_a_need, proposal_form

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _new_url(cast, cycle):
    return reverse("project-new", kwargs={"slug": cast.council.slug, "pk": cycle.pk})


def _url(cast, name, project):
    return reverse(name, kwargs={"slug": cast.council.slug, "pk": project.pk})


def _planning(cast):
    cycle = cycle_in(cast, CyclePhase.PLANNING)
    _with_a_need(cast, cycle)
    return cycle


def test_a_resident_proposes_a_project_through_the_form(cast, login):
    cycle = _planning(cast)
    response = login(cast.resident.user).post(_new_url(cast, cycle), proposal_form(cast, cycle))
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(cast, "project", project)
    assert project.cost == Decimal("2801.00")
    assert project.proposed_by == cast.resident and project.committee == cast.health


def test_add_a_row_re_renders_what_was_typed_with_one_more_row_and_the_total(cast, login):
    cycle = _planning(cast)
    data = proposal_form(cast, cycle, add_row="1", title="")
    response = login(cast.resident.user).post(_new_url(cast, cycle), data, **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert not Project.objects.exists()
    assert 'name="item-3-description"' in page and 'name="item-4-description"' not in page
    assert 'value="Asfalto (toneladas)"' in page
    assert "2,801.00" in page  # 2 × 1,250.50 + 300, shown before anything is saved
    assert "This field is required" not in page  # nothing judged yet


def test_a_bad_item_is_refused_on_the_form_naming_its_line(cast, login):
    cycle = _planning(cast)
    data = proposal_form(cast, cycle, **{"item-1-unit_cost": "-300"})
    response = login(cast.resident.user).post(_new_url(cast, cycle), data, **EN)
    assert response.status_code == 400
    assert "Item 2: the unit cost must be an amount greater than zero." in response.content.decode()
    assert not Project.objects.exists()


def test_a_proposal_without_needs_is_refused_on_the_form(cast, login):
    cycle = _planning(cast)
    response = login(cast.resident.user).post(
        _new_url(cast, cycle), proposal_form(cast, cycle, needs=[])
    )
    assert response.status_code == 400 and not Project.objects.exists()


def test_the_project_page_shows_costs_needs_and_every_rejection_reason_to_anyone(cast, client):
    project = project_in(cast, CyclePhase.REVIEW)
    projects.review(project, decision="rejected", reason="El terreno es privado.", by=SETUP)
    projects.revise(project, by=cast.resident.user, place="Terreno comunal")
    page = client.get(_url(cast, "project", project), **EN).content.decode()
    assert "Tanque de agua comunitario" in page
    assert "Tubería" in page and "2,000.00" in page
    assert "Falta agua en la calle 3" in page
    assert "El terreno es privado." in page
    assert "Revised and resubmitted (revision 2)" in page
    assert _url(cast, "project-review", project) not in page  # no button for a visitor


def test_the_page_offers_the_proposer_revise_and_withdraw_and_the_unit_review(cast, login):
    project = project_in(cast, CyclePhase.REVIEW)
    own = login(cast.resident.user).get(_url(cast, "project", project)).content.decode()
    assert _url(cast, "project-revise", project) in own
    assert _url(cast, "project-withdraw", project) in own
    assert _url(cast, "project-review", project) not in own
    unit = login(cast.comptroller.user).get(_url(cast, "project", project)).content.decode()
    assert _url(cast, "project-review", project) in unit
    assert _url(cast, "project-revise", project) not in unit


def test_the_proposer_revises_through_the_form(cast, login):
    project = project_in(cast, CyclePhase.REVIEW, status=ProjectStatus.REJECTED)
    client = login(cast.resident.user)
    form = client.get(_url(cast, "project-revise", project)).content.decode()
    assert 'value="Tanque"' in form and 'value="Tanque de agua comunitario"' in form
    data = proposal_form(cast, project.cycle, title="Tanque más grande")
    response = client.post(_url(cast, "project-revise", project), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.revision, project.status) == (
        "Tanque más grande",
        2,
        "submitted",
    )


def test_another_resident_cannot_revise_or_withdraw_it(cast, login):
    project = project_in(cast, CyclePhase.REVIEW)
    client = login(cast.spokesperson.user)
    data = proposal_form(cast, project.cycle, title="Mío")
    response = client.post(_url(cast, "project-revise", project), data, **EN)
    assert response.status_code == 400
    assert "Only its proposer revises a project." in response.content.decode()
    response = client.post(_url(cast, "project-withdraw", project))
    assert response.status_code == 400
    project.refresh_from_db()
    assert (project.title, project.status) == ("Tanque de agua comunitario", "submitted")


def test_the_proposer_withdraws_it(cast, login):
    project = project_in(cast, CyclePhase.PLANNING)
    response = login(cast.resident.user).post(_url(cast, "project-withdraw", project))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.WITHDRAWN


def test_a_rejection_without_reason_is_refused_on_the_review_form(cast, login):
    project = project_in(cast, CyclePhase.REVIEW)
    client = login(cast.financial.user)
    response = client.post(
        _url(cast, "project-review", project), {"decision": "rejected", "reason": ""}, **EN
    )
    assert response.status_code == 400
    assert "the reason is public" in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED and not project.reviews.exists()
    response = client.post(
        _url(cast, "project-review", project), {"decision": "rejected", "reason": "Muy caro."}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.REJECTED


def test_the_list_filters_by_status_and_need(cast, client):
    project = project_in(cast, CyclePhase.REVIEW)
    url = reverse("projects", kwargs={"slug": cast.council.slug, "pk": project.cycle_id})
    assert project.title in client.get(url).content.decode()
    assert project.title not in client.get(url + "?status=feasible").content.decode()
    need = project.needs.get()
    assert project.title in client.get(f"{url}?need={need.pk}").content.decode()


def test_a_closed_statute_keeps_projects_to_members(cast, client, login):
    project = project_in(cast, CyclePhase.REVIEW)
    statutes.amend(cast.council, {"cycle_public": False}, by=SETUP)
    url = _url(cast, "project", project)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert login(cast.outsider.user).get(url).status_code == 403
    assert login(cast.resident.user).get(url).status_code == 200


def test_a_resident_reads_why_a_project_was_rejected_in_spanish(cast, client):
    project = project_in(cast, CyclePhase.REVIEW)
    projects.review(project, decision="rejected", reason="El terreno es privado.", by=SETUP)
    page = client.get(_url(cast, "project", project), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "No factible" in page
    assert "La unidad ejecutiva halló no factible la versión 1. Razón:" in page
    assert "2.000,00" in page
