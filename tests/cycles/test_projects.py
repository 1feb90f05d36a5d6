"""The plan's services: proposing, revising and resubmitting, withdrawing and reviewing a
project, each refusal said before anything is written."""

from decimal import Decimal

import pytest

from comuna.cycles import projects
from comuna.cycles.errors import CycleError
from comuna.cycles.models import (
    CostItem,
    CyclePhase,
    Need,
    NeedCategory,
    Project,
    ProjectReview,
    ProjectStatus,
)
from comuna.ledger import entries, verify
from comuna.territory.actors import DEMO
from comuna.territory.models import Organ, OrganKind
from tests.cycles.factories import cycle_in, need_in, project_in

ITEMS = [
    {"description": "Tanque de 10.000 litros", "quantity": Decimal("1"), "unit_cost": "1500"},
    {"description": "Tubería (metros)", "quantity": "40", "unit_cost": Decimal("12.25")},
]


def _need(cycle, cast, title="Falta agua"):
    return Need.objects.create(
        cycle=cycle,
        category=NeedCategory.WATER,
        title=title,
        description="El agua llega dos días por semana.",
        reported_by=cast.resident,
    )


def _propose(cast, cycle=None, **changes):
    cycle = cycle or cycle_in(cast, CyclePhase.PLANNING)
    fields = {
        "resident": cast.resident,
        "title": "Tanque comunitario",
        "description": "Un tanque para la calle 3.",
        "needs": [cycle.needs.first() or _need(cycle, cast)],
        "items": ITEMS,
        "committee": cast.health,
        "place": "Calle 3",
        "by": cast.resident.user,
    }
    fields.update(changes)
    return projects.propose(cycle, **fields)


def _counts():
    from comuna.ledger.models import Entry

    return Project.objects.count(), CostItem.objects.count(), Entry.objects.count()


# --- proposing -------------------------------------------------------------------------------


def test_a_resident_proposes_a_project_costing_the_exact_sum_of_its_items(cast):
    project = _propose(cast)
    assert project.cost == Decimal("1990.00")  # 1 × 1500 + 40 × 12.25
    assert project.status == ProjectStatus.SUBMITTED and project.revision == 1
    assert [i.description for i in project.items.all()] == [i["description"] for i in ITEMS]
    entry = entries(cast.council.ledger_chain).filter(kind="project.proposed").get()
    assert entry.data["cost"] == "1990.00"
    assert entry.data["items"][1] == {
        "description": "Tubería (metros)",
        "quantity": "40.00",
        "unit_cost": "12.25",
    }
    assert entry.data["proposed_by"] == cast.resident.pk
    assert verify().ok


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"needs": []}, "at least one need"),
        ({"items": []}, "at least one cost item"),
        (
            {"items": [ITEMS[0], {"description": "Bomba", "quantity": 1, "unit_cost": "-5"}]},
            "Item 2: the unit cost",
        ),
        ({"items": [{"description": "", "quantity": 1, "unit_cost": "5"}]}, "Item 1: say"),
        ({"items": [{"description": "Bomba", "quantity": 0, "unit_cost": "5"}]}, "Item 1: the qu"),
        ({"items": [{"description": "Bomba", "quantity": "1", "unit_cost": "x"}]}, "Item 1"),
        (
            {"items": [{"description": "Cable", "quantity": "0.5", "unit_cost": "0.25"}]},
            "not a whole number of cents",
        ),
        ({"title": "  "}, "title"),
        ({"latitude": "10.5"}, "both the latitude and the longitude"),
    ],
)
def test_a_proposal_is_refused_with_its_reason_and_nothing_is_written(cast, changes, message):
    cycle = cycle_in(cast, CyclePhase.PLANNING)
    _need(cycle, cast)
    before = _counts()
    with pytest.raises(CycleError, match=message):
        _propose(cast, cycle, **changes)
    assert _counts() == before


def test_a_project_answers_needs_of_its_own_cycle_only(cast):
    elsewhere = need_in(cast, CyclePhase.PLANNING)
    with pytest.raises(CycleError, match="its own cycle"):
        _propose(cast, needs=[elsewhere])


def test_a_withdrawn_need_cannot_be_answered(cast):
    cycle = cycle_in(cast, CyclePhase.PLANNING)
    need = _need(cycle, cast)
    need.withdrawn = True
    need.save()
    with pytest.raises(CycleError, match="withdrawn"):
        _propose(cast, cycle, needs=[need])


def test_the_committees_are_organs_of_the_body(cast):
    foreign = Organ.objects.create(body=cast.other, kind=OrganKind.COMMITTEE, name="Salud B")
    with pytest.raises(CycleError, match="committee of"):
        _propose(cast, committee=foreign)


def test_a_committee_proposes_through_one_of_its_spokespersons_only(cast):
    with pytest.raises(CycleError, match="Only a spokesperson of"):
        _propose(cast, proposing_committee=cast.health)
    project = _propose(
        cast,
        resident=cast.spokesperson,
        proposing_committee=cast.health,
        by=cast.spokesperson.user,
    )
    assert project.proposing_committee == cast.health


def test_a_resident_proposes_in_their_own_name_only(cast):
    with pytest.raises(CycleError, match="own name"):
        _propose(cast, resident=cast.spokesperson)


@pytest.mark.parametrize("phase", sorted(set(CyclePhase.values) - {CyclePhase.PLANNING}))
def test_projects_are_proposed_in_the_planning_phase_only(cast, phase):
    cycle = cycle_in(cast, phase)
    _need(cycle, cast)
    with pytest.raises(CycleError, match="planning phase"):
        _propose(cast, cycle)


# --- revising --------------------------------------------------------------------------------


def _rejected(cast):
    project = _propose(cast)
    projects.review(
        project, decision="rejected", reason="El terreno es privado.", by=cast.comptroller.user
    )
    project.refresh_from_db()
    return project


def test_the_proposer_revises_a_rejected_project_and_resubmits_it(cast):
    project = _rejected(cast)
    assert project.status == ProjectStatus.REJECTED
    revised = projects.revise(
        project,
        by=cast.resident.user,
        place="Terreno comunal de la calle 4",
        items=[{"description": "Tanque", "quantity": 2, "unit_cost": "1000"}],
    )
    assert revised.status == ProjectStatus.SUBMITTED and revised.revision == 2
    assert revised.cost == Decimal("2000.00")
    assert list(revised.items.values_list("description", flat=True)) == ["Tanque"]
    assert revised.title == "Tanque comunitario"  # what was not given stays
    entry = entries(cast.council.ledger_chain).filter(kind="project.revised").get()
    assert entry.data["revision"] == 2 and entry.data["cost"] == "2000.00"
    # the new revision is reviewed again
    projects.review(revised, decision="feasible", reason="", by=cast.financial.user)
    revised.refresh_from_db()
    assert revised.status == ProjectStatus.FEASIBLE
    assert list(revised.reviews.values_list("revision", "decision")) == [
        (1, "rejected"),
        (2, "feasible"),
    ]
    assert verify().ok


def test_revising_is_refused_after_the_review_phase(cast):
    project = project_in(cast, CyclePhase.BUDGET, status=ProjectStatus.REJECTED)
    with pytest.raises(CycleError, match="planning and review phases"):
        projects.revise(project, by=cast.resident.user, title="Otro título")


def test_revising_is_allowed_during_the_review_phase(cast):
    project = project_in(cast, CyclePhase.REVIEW, status=ProjectStatus.REJECTED)
    revised = projects.revise(project, by=cast.resident.user, title="Tanque más pequeño")
    assert revised.revision == 2 and revised.status == ProjectStatus.SUBMITTED


def test_nobody_revises_someone_elses_project(cast):
    project = _propose(cast)
    with pytest.raises(CycleError, match="Only its proposer"):
        projects.revise(project, by=cast.spokesperson.user, title="Mío ahora")
    project.refresh_from_db()
    assert project.title == "Tanque comunitario" and project.revision == 1


def test_a_feasible_project_is_not_revised(cast):
    project = _propose(cast)
    projects.review(project, decision="feasible", reason="", by=cast.comptroller.user)
    with pytest.raises(CycleError, match="cannot be revised"):
        projects.revise(project, by=cast.resident.user, title="Otro")


def test_a_revision_is_checked_as_a_proposal_is(cast):
    project = _propose(cast)
    with pytest.raises(CycleError, match="Item 1"):
        projects.revise(project, by=cast.resident.user, items=[{"description": "x"}])
    project.refresh_from_db()
    assert project.revision == 1 and project.items.count() == 2


# --- withdrawing -----------------------------------------------------------------------------


def test_the_proposer_withdraws_a_project_and_only_once(cast):
    project = _propose(cast)
    with pytest.raises(CycleError, match="Only its proposer"):
        projects.withdraw(project, by=cast.spokesperson.user)
    projects.withdraw(project, by=cast.resident.user)
    project.refresh_from_db()
    assert project.status == ProjectStatus.WITHDRAWN
    with pytest.raises(CycleError, match="already withdrawn"):
        projects.withdraw(project, by=cast.resident.user)
    assert entries(cast.council.ledger_chain).filter(kind="project.withdrawn").count() == 1
    assert verify().ok


def test_withdrawing_is_refused_once_the_budget_vote_began(cast):
    project = project_in(cast, CyclePhase.BUDGET, status=ProjectStatus.FEASIBLE)
    with pytest.raises(CycleError, match="planning and review"):
        projects.withdraw(project, by=cast.resident.user)


# --- reviewing -------------------------------------------------------------------------------


def test_a_rejection_needs_a_public_reason(cast):
    project = _propose(cast)
    with pytest.raises(CycleError, match="Say why"):
        projects.review(project, decision="rejected", reason="  ", by=cast.comptroller.user)
    assert not ProjectReview.objects.exists()
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_a_revision_is_reviewed_once(cast):
    project = _propose(cast)
    projects.review(project, decision="feasible", reason="", by=cast.comptroller.user)
    with pytest.raises(CycleError, match="already reviewed"):
        projects.review(project, decision="rejected", reason="Mejor no", by=cast.financial.user)
    assert ProjectReview.objects.count() == 1


def test_only_the_executive_unit_reviews(cast):
    project = _propose(cast)
    with pytest.raises(CycleError, match="executive unit"):
        projects.review(project, decision="feasible", reason="", by=cast.spokesperson.user)


def test_the_review_records_the_revision_decision_and_reason(cast):
    project = _propose(cast)
    made = projects.review(
        project, decision="rejected", reason="Cuesta más que el presupuesto.", by=DEMO
    )
    assert (made.revision, made.decision) == (1, "rejected")
    entry = entries(cast.council.ledger_chain).filter(kind="project.reviewed").get()
    assert entry.data == {
        "project": project.pk,
        "review": made.pk,
        "revision": 1,
        "decision": "rejected",
        "reason": "Cuesta más que el presupuesto.",
    }


def test_feasible_lists_the_cycles_feasible_projects_only(cast):
    cycle = cycle_in(cast, CyclePhase.PLANNING)
    _need(cycle, cast)
    good, bad, waiting = (_propose(cast, cycle, title=t) for t in ("A", "B", "C"))
    projects.review(good, decision="feasible", reason="", by=DEMO)
    projects.review(bad, decision="rejected", reason="No.", by=DEMO)
    assert list(projects.feasible(cycle)) == [good]
    assert waiting.status == ProjectStatus.SUBMITTED


def test_the_history_holds_every_revision_and_review_in_order(cast):
    project = _rejected(cast)
    projects.revise(project, by=cast.resident.user, title="Tanque pequeño")
    projects.review(project, decision="feasible", reason="", by=DEMO)
    kinds = [(e["kind"], e.get("revision")) for e in projects.history(project)]
    assert kinds == [("proposed", 1), ("reviewed", 1), ("revised", 2), ("reviewed", 2)]
    assert projects.history(project)[1]["reason"] == "El terreno es privado."
