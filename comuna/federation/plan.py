"""The commune plan built from its councils' plans (issue 15, point 4).

A commune's (or a communal city's) cycle takes projects from the plans of its members: the
commune's executive unit (its coordination collective, who reviews the feasibility of the
cycle's projects: ``CycleAction.REVIEW_PROJECT``) includes a member's feasible project in the
commune cycle's plan during its planning and review phases. :func:`include_project` makes a
new :class:`~comuna.cycles.models.Project` of the commune's cycle with the member's project as
its ``source`` (the member is its district of origin): the title, description, category,
place, cost items and cost copied, feasible already (the member's executive unit reviewed it),
proposed by the same resident. It refuses a project of a body not federated into the commune,
one not feasible, and one already in the plan; ``project.included`` on the commune's chain
records the copy and its source (``ledger verify`` re-derives it: ``comuna.cycles.projects``).

:func:`plan` reads the commune's plan per member: the projects each member brought and those
it could still bring; :func:`inclusions` says in which higher plans a member's project is.
A commune-wide budget (``comuna.cycles.budgets``) then gives each member a district of these
projects, voted on that member's own register, plus a commune-wide pot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comuna.cycles.errors import CycleError
from comuna.cycles.models import CostItem, Cycle, Project, ProjectStatus
from comuna.cycles.projects import REVISABLE, included_payload
from comuna.cycles.rules import CycleAction
from comuna.cycles.visibility import may_read
from comuna.ledger import record
from comuna.territory.actors import SystemActor, actor_label
from comuna.territory.models import Body
from comuna.territory.permissions import can

COPIED = ("title", "description", "category", "place", "latitude", "longitude", "cost")


def refuse(message: str) -> CycleError:
    return CycleError(message)


def members(body: Body) -> list[Body]:
    """The bodies federated straight into ``body`` (a commune's councils), by name."""
    return list(Body.objects.filter(parent=body).order_by("name", "pk"))


def _in_plan(cycle: Cycle):
    return Project.objects.filter(cycle=cycle, source__isnull=False).exclude(
        status=ProjectStatus.WITHDRAWN
    )


@transaction.atomic
def include_project(cycle: Cycle, project: Project, *, by: Any) -> Project:
    """Include the member's feasible ``project`` in ``cycle``'s plan (see the module's
    docstring); the copy is returned. CycleError, changing nothing, when refused."""
    actor = actor_label(by)
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("body").get(pk=cycle.pk)
    body = cycle.body
    if not isinstance(by, SystemActor) and not can(by, CycleAction.REVIEW_PROJECT, cycle):
        raise refuse(
            _(
                "Only the executive unit of %(body)s includes projects in its plan, during the "
                "planning and review phases."
            )
            % {"body": body.name}
        )
    if cycle.phase() not in REVISABLE:
        raise refuse(_("Projects are included during the planning and review phases only."))
    source = (
        Project.objects.select_related("cycle__body", "proposed_by").filter(pk=project.pk).first()
    )
    if source is None:
        raise refuse(_("That project does not exist."))
    member = source.cycle.body
    if member.parent_id != body.pk:
        raise refuse(
            _("“%(project)s” is a project of %(member)s, which is not a member of %(body)s.")
            % {"project": source.title, "member": member.name, "body": body.name}
        )
    if not isinstance(by, SystemActor) and not may_read(by, member):
        raise refuse(
            _(
                "The statute of %(member)s keeps its projects to its members: only one of them "
                "may bring “%(project)s” into the plan of %(body)s."
            )
            % {"member": member.name, "project": source.title, "body": body.name}
        )
    if source.status != ProjectStatus.FEASIBLE:
        raise refuse(
            _(
                "“%(project)s” is not feasible yet (%(status)s): only a project its council's "
                "executive unit found feasible goes into the plan of %(body)s."
            )
            % {
                "project": source.title,
                "status": source.get_status_display().lower(),
                "body": body.name,
            }
        )
    already = _in_plan(cycle).filter(source=source).first()
    if already is not None:
        raise refuse(
            _("“%(project)s” is already in the plan of %(body)s.")
            % {"project": source.title, "body": body.name}
        )
    copy = Project(
        cycle=cycle,
        proposed_by=source.proposed_by,
        status=ProjectStatus.FEASIBLE,
        source=source,
        **{name: getattr(source, name) for name in COPIED},
    )
    copy.save()
    CostItem.objects.bulk_create(
        CostItem(
            project=copy,
            description=item.description,
            quantity=item.quantity,
            unit_cost=item.unit_cost,
            position=item.position,
        )
        for item in source.items.order_by("position", "pk")
    )
    copy.source = source
    record(body.ledger_chain, "project.included", included_payload(copy), actor=actor)
    return copy


# --- reading -----------------------------------------------------------------------------------


@dataclass
class MemberPlan:
    """One member's share of the commune's plan: the projects it brought (the copies in the
    commune's cycle) and its feasible projects not brought yet."""

    member: Body
    included: list[Project] = field(default_factory=list)
    candidates: list[Project] = field(default_factory=list)


def plan(cycle: Cycle, user=None) -> list[MemberPlan]:
    """The commune cycle's plan per member, by the member's name. The projects a member could
    still bring are listed only to a reader who may read that member's cycle (a council whose
    statute keeps its cycle to its members shows them to its members only)."""
    rows = {m.pk: MemberPlan(m) for m in members(cycle.body)}
    readable = {pk for pk, row in rows.items() if user is None or may_read(user, row.member)}
    included = list(
        _in_plan(cycle).select_related("source__cycle__body").order_by("source__cycle__body", "pk")
    )
    brought = set()
    for copy in included:
        row = rows.get(copy.source.cycle.body_id)
        if row is not None:
            row.included.append(copy)
            brought.add(copy.source_id)
    for candidate in (
        Project.objects.filter(cycle__body_id__in=rows, status=ProjectStatus.FEASIBLE)
        .select_related("cycle")
        .order_by("cycle__body", "-cycle__starts_on", "pk")
    ):
        if candidate.pk not in brought and candidate.cycle.body_id in readable:
            rows[candidate.cycle.body_id].candidates.append(candidate)
    return list(rows.values())


def own_projects(cycle: Cycle) -> list[Project]:
    """The commune cycle's feasible projects of its own (not brought from a member)."""
    return list(
        Project.objects.filter(cycle=cycle, source__isnull=True, status=ProjectStatus.FEASIBLE)
    )


def inclusions(project: Project) -> list[Project]:
    """The copies of ``project`` in higher bodies' plans (not withdrawn), with their cycle
    and body."""
    return list(
        project.inclusions.exclude(status=ProjectStatus.WITHDRAWN).select_related("cycle__body")
    )
