"""The commune plan from its councils' plans (issue 15, point 4): the commune's executive unit
includes a member council's feasible project in the commune cycle's plan (a copy linked to its
source, ``project.included``); every refusal changes nothing; `ledger verify` re-derives the
entry and catches an edit through SQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from comuna.cycles.errors import CycleError
from comuna.cycles.models import CyclePhase, Project, ProjectStatus
from comuna.federation import plan
from comuna.ledger import entries, verify
from comuna.territory import services
from comuna.territory.models import BodyKind
from tests.conftest import SETUP, make_resident
from tests.cycles.factories import cycle_in
from tests.federation.test_commune_budget import World, feasible

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return World(cast)


def test_an_included_project_is_a_feasible_copy_linked_to_its_source(world):
    (copy, _second) = world.included[world.a]
    source = world.sources[world.a][0]
    assert (copy.cycle, copy.source, copy.status) == (world.cycle, source, ProjectStatus.FEASIBLE)
    assert (copy.title, copy.description, copy.cost) == (
        source.title,
        source.description,
        source.cost,
    )
    assert [(i.description, i.unit_cost) for i in copy.items.all()] == [
        ("Materiales", Decimal("900.00"))
    ]
    entry = next(
        e
        for e in entries(world.commune.ledger_chain).filter(kind="project.included")
        if e.data["project"] == copy.pk
    )
    assert (entry.data["source"], entry.data["source_body"], entry.data["cost"]) == (
        source.pk,
        world.a.pk,
        "900.00",
    )
    assert verify().ok


def test_the_plan_lists_per_council_what_it_brought_and_what_it_could_bring(world):
    extra = feasible(world.sources[world.b][0].cycle, ("B3", 300))[0]
    rows = {row.member: row for row in plan.plan(world.cycle)}
    assert list(rows) == [world.c, world.a, world.b]  # by name: "Consejo 3", A, B
    assert rows[world.a].included == world.included[world.a]
    assert rows[world.b].candidates == [extra]
    assert rows[world.a].candidates == []
    assert plan.inclusions(world.sources[world.a][0]) == world.included[world.a][:1]
    assert plan.own_projects(world.cycle) == world.own


def refused(world, project, message, by=None, cycle=None):
    before = (Project.objects.count(), entries(world.commune.ledger_chain).count())
    with pytest.raises(CycleError) as caught:
        plan.include_project(cycle or world.cycle, project, by=by or world.coordinator.user)
    assert message in str(caught.value)
    assert (Project.objects.count(), entries(world.commune.ledger_chain).count()) == before


def test_a_project_already_included_is_refused(world):
    refused(world, world.sources[world.a][0], "“A1” is already in the plan of Comuna")


def test_a_project_not_feasible_yet_is_refused(world):
    for status in (ProjectStatus.SUBMITTED, ProjectStatus.REJECTED, ProjectStatus.WITHDRAWN):
        (project,) = feasible(world.sources[world.c][0].cycle, (f"C {status}", 100))
        Project.objects.filter(pk=project.pk).update(status=status)
        refused(world, project, f"“C {status}” is not feasible yet")


def test_a_project_of_a_body_not_federated_into_the_commune_is_refused(world, cast):
    elsewhere = services.create_body(
        name="Otra Comuna", slug="otra", kind=BodyKind.COMMUNE, parent=cast.city, by=SETUP
    )
    council = services.create_body(
        name="Consejo Lejano", slug="lejano", kind=BodyKind.COUNCIL, parent=elsewhere, by=SETUP
    )
    make_resident(council, "Lejana")
    (far,) = feasible(cycle_in(cast, CyclePhase.BUDGET, council), ("Lejos", 100))
    refused(world, far, "“Lejos” is a project of Consejo Lejano, which is not a member of Comuna")
    # the commune's own project is not a member's either
    refused(world, world.own[0], "is a project of Comuna, which is not a member of Comuna")


def test_only_the_communes_executive_unit_includes_and_only_while_planning(world, cast):
    (project,) = feasible(world.sources[world.b][0].cycle, ("B4", 100))
    for user in (cast.resident.user, world.electoral.user, cast.parliamentarian.user):
        refused(world, project, "Only the executive unit of Comuna", by=user)
    in_budget = cycle_in(cast, CyclePhase.BUDGET, world.commune)
    refused(world, project, "Only the executive unit of Comuna", cycle=in_budget)
    copy = plan.include_project(world.cycle, project, by=world.coordinator.user)
    assert copy.source == project


def test_ledger_verify_catches_an_included_copy_edited_through_sql(world):
    copy = world.included[world.c][0]
    assert verify().ok
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cycles_project SET cost = 1 WHERE id = %s", [copy.pk])
    report = verify()
    problems = [p for c in report.chains.values() for p in c.problems]
    assert not report.ok
    assert any(f"project {copy.pk} differs from its entry: cost" in str(p) for p in problems)


def test_a_council_that_keeps_its_cycle_to_its_members_is_not_shown_or_brought_by_a_stranger(
    world,
):
    """Council A's statute keeps its projects to its members: the commune's plan lists what A
    could bring only to A's members, and the commune's coordinator (a resident of B) cannot
    bring it (nothing changes)."""
    from django.contrib.auth.models import AnonymousUser

    from comuna.territory import statutes

    assert world.coordinator.body == world.b
    extra = feasible(world.sources[world.a][0].cycle, ("A3", 300))[0]
    statutes.amend(world.a, {"cycle_public": False}, by=SETUP)
    for stranger in (AnonymousUser(), world.coordinator.user):
        rows = {row.member: row for row in plan.plan(world.cycle, stranger)}
        assert rows[world.a].candidates == []
        assert rows[world.a].included == world.included[world.a]  # the commune's, already
    rows = {row.member: row for row in plan.plan(world.cycle, world.cast.resident.user)}
    assert rows[world.a].candidates == [extra]
    refused(world, extra, "keeps its projects to its members")
