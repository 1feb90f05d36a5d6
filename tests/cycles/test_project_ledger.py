"""``ledger verify`` re-derives every project.* entry from the rows: a cost, an item, a need,
a status or a review's reason edited through SQL no longer matches."""

from decimal import Decimal

import pytest
from django.db import connection

from comuna.cycles import projects
from comuna.cycles.models import CostItem, CyclePhase, Need, NeedCategory, Project, ProjectReview
from comuna.ledger import verify
from tests.cycles.factories import cycle_in

ITEMS = [
    {"description": "Bloques", "quantity": "500", "unit_cost": "1.50"},
    {"description": "Cemento (sacos)", "quantity": "20", "unit_cost": "9"},
]


@pytest.fixture
def project(cast):
    cycle = cycle_in(cast, CyclePhase.PLANNING)
    need = Need.objects.create(
        cycle=cycle,
        category=NeedCategory.EDUCATION,
        title="La escuela se llueve",
        description="Filtraciones en dos aulas.",
        reported_by=cast.resident,
    )
    return projects.propose(
        cycle,
        resident=cast.resident,
        title="Techo de la escuela",
        description="Reparar el techo de dos aulas.",
        needs=[need],
        items=ITEMS,
        by=cast.resident.user,
    )


def _sql(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _problems(kind):
    report = verify()
    assert not report.ok
    return [p for p in report.problems if p.kind == kind]


def test_verify_passes_after_every_step(cast, project):
    assert verify().ok
    projects.review(
        project, decision="rejected", reason="Falta el plano.", by=cast.comptroller.user
    )
    projects.revise(project, by=cast.resident.user, description="Con plano del ingeniero.")
    projects.review(project, decision="feasible", reason="", by=cast.comptroller.user)
    assert verify().ok


def test_verify_catches_a_cost_edited_in_sql(project):
    _sql(f"UPDATE {Project._meta.db_table} SET cost = %s WHERE id = %s", ["9999.00", project.pk])
    found = _problems("project.proposed")
    assert found and "cost" in found[0].what


def test_verify_catches_an_item_edited_in_sql(project):
    item = project.items.first()
    _sql(
        f"UPDATE {CostItem._meta.db_table} SET unit_cost = %s WHERE id = %s",
        [Decimal("1.00"), item.pk],
    )
    found = _problems("project.proposed")
    assert found and "items" in found[0].what


def test_verify_catches_an_item_added_in_sql(project):
    CostItem.objects.create(project=project, description="Pintura", unit_cost=Decimal("50"))
    assert _problems("project.proposed")


def test_verify_catches_a_review_reason_edited_in_sql(cast, project):
    made = projects.review(
        project, decision="rejected", reason="El presupuesto no alcanza.", by=cast.comptroller.user
    )
    assert verify().ok
    _sql(
        f"UPDATE {ProjectReview._meta.db_table} SET reason = %s WHERE id = %s",
        ["Otro motivo.", made.pk],
    )
    found = _problems("project.reviewed")
    assert found and "reason" in found[0].what


def test_verify_catches_a_status_edited_in_sql(cast, project):
    projects.review(project, decision="rejected", reason="No cabe.", by=cast.comptroller.user)
    _sql(f"UPDATE {Project._meta.db_table} SET status = %s WHERE id = %s", ["feasible", project.pk])
    found = _problems("project.reviewed")
    assert found and "status" in found[0].what


def test_verify_catches_a_deleted_review(cast, project):
    made = projects.review(project, decision="feasible", reason="", by=cast.comptroller.user)
    _sql(f"DELETE FROM {ProjectReview._meta.db_table} WHERE id = %s", [made.pk])
    assert _problems("project.reviewed")


def test_verify_catches_an_answered_need_removed_in_sql(project):
    table = Project.needs.through._meta.db_table
    _sql(f"DELETE FROM {table} WHERE project_id = %s", [project.pk])
    found = _problems("project.proposed")
    assert found and "needs" in found[0].what


def test_verify_catches_a_revision_edited_after_a_resubmission(cast, project):
    projects.review(project, decision="rejected", reason="Caro.", by=cast.comptroller.user)
    projects.revise(project, by=cast.resident.user, items=ITEMS[:1])
    assert verify().ok
    item = project.items.get()
    _sql(
        f"UPDATE {CostItem._meta.db_table} SET quantity = %s WHERE id = %s",
        [Decimal("400"), item.pk],
    )
    found = _problems("project.revised")
    assert found and "items" in found[0].what
