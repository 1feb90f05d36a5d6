"""The plan's API: a body's projects and one project, public when the statute says so."""

from comuna.cycles import projects
from comuna.cycles.models import CyclePhase, ProjectStatus
from comuna.territory import statutes
from tests.conftest import SETUP
from tests.cycles.factories import project_in

BODIES = "/api/v1/bodies"


def test_a_project_reads_with_its_items_cost_and_every_review_reason(cast, client):
    project = project_in(cast, CyclePhase.REVIEW)
    projects.review(project, decision="rejected", reason="Falta el permiso.", by=SETUP)
    projects.revise(
        project, by=cast.resident.user, place="Calle 4", latitude="10.5", longitude="-66.9"
    )
    found = client.get(f"{BODIES}/{cast.council.slug}/projects/{project.pk}/").json()
    assert found["id"] == project.pk and found["cycle"] == project.cycle_id
    assert found["cost"] == "2000.00"
    assert found["needs"] == [project.needs.get().pk]
    assert found["committee"] == {"id": cast.health.pk, "name": cast.health.name}
    assert found["items"][1] == {
        "description": "Tubería",
        "quantity": "2.00",
        "unit_cost": "500.00",
        "subtotal": "1000.00",
    }
    assert (found["place"], found["latitude"], found["longitude"]) == (
        "Calle 4",
        "10.500000",
        "-66.900000",
    )
    assert found["status"]["code"] == "submitted" and found["revision"] == 2
    assert [(r["revision"], r["decision"]["code"], r["reason"]) for r in found["reviews"]] == [
        (1, "rejected", "Falta el permiso.")
    ]


def test_the_list_filters_by_cycle_and_status_and_pages(cast, client):
    first = project_in(cast, CyclePhase.REVIEW)
    second = project_in(cast, CyclePhase.REVIEW, status=ProjectStatus.FEASIBLE)
    url = f"{BODIES}/{cast.council.slug}/projects/"
    assert [p["id"] for p in client.get(url).json()["items"]] == [first.pk, second.pk]
    assert [p["id"] for p in client.get(f"{url}?status=feasible").json()["items"]] == [second.pk]
    assert [p["id"] for p in client.get(f"{url}?cycle={first.cycle_id}").json()["items"]] == [
        first.pk
    ]
    page = client.get(f"{url}?limit=1").json()
    assert [p["id"] for p in page["items"]] == [first.pk] and page["next_after"] == first.pk
    rest = client.get(f"{url}?limit=1&after={first.pk}").json()
    assert [p["id"] for p in rest["items"]] == [second.pk] and rest["next_after"] is None
    assert client.get(f"{url}?status=nonsense").status_code == 400


def test_a_project_of_another_body_is_not_found(cast, client):
    other = project_in(cast, CyclePhase.REVIEW, body=cast.other)
    assert client.get(f"{BODIES}/{cast.council.slug}/projects/{other.pk}/").status_code == 404


def test_a_closed_statute_keeps_the_projects_to_members(cast, client, login):
    project = project_in(cast, CyclePhase.REVIEW)
    statutes.amend(cast.council, {"cycle_public": False}, by=SETUP)
    url = f"{BODIES}/{cast.council.slug}/projects/{project.pk}/"
    assert client.get(url).status_code == 401
    assert client.get(f"{BODIES}/{cast.council.slug}/projects/").status_code == 401
    assert login(cast.outsider.user).get(url).status_code == 403
    assert login(cast.resident.user).get(url).status_code == 200
