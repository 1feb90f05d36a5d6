"""Opening a cycle and amending its calendar (``cycle.opened``, ``cycle.amended``), the cycle in
force, and what a reader can do now in its phase.

The calendar, every date inclusive: the diagnosis runs from ``starts_on`` to
``diagnosis_until``; each later phase runs from the day after the previous one's last day to
its own last day (at least one day each); execution runs until ``ends_on``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.cycles.errors import CycleError
from comuna.cycles.models import Cycle, CyclePhase, NeedSupport, ProjectStatus
from comuna.cycles.rules import CycleAction
from comuna.ledger import record
from comuna.ledger.checks import differs
from comuna.territory.actors import acting_user, actor_label
from comuna.territory.models import Body
from comuna.territory.permissions import Role, allowed_roles, can

CALENDAR = (
    "starts_on",
    "diagnosis_until",
    "prioritisation_until",
    "planning_until",
    "review_until",
    "budget_until",
    "ends_on",
)
LABELS = {
    "starts_on": gettext_lazy("Diagnosis opens"),
    "diagnosis_until": gettext_lazy("Last day to report needs"),
    "prioritisation_until": gettext_lazy("Last day of the prioritisation"),
    "planning_until": gettext_lazy("Last day to propose projects"),
    "review_until": gettext_lazy("Last day of the feasibility review"),
    "budget_until": gettext_lazy("Last day of the budget vote"),
    "ends_on": gettext_lazy("The cycle ends on"),
}
EDITABLE = ("title", "description", *CALENDAR)


def refuse(message: str, field: str | None = None) -> CycleError:
    """A refusal; ``field`` names the form field it belongs under, when it belongs to one."""
    error = CycleError(message)
    error.field = field
    return error


def _check_calendar(calendar: dict[str, Any]) -> None:
    """Every date given, each phase at least one day: starts_on <= diagnosis_until <
    prioritisation_until < planning_until < review_until < budget_until < ends_on."""
    for name in CALENDAR:
        if not isinstance(calendar.get(name), date):
            raise refuse(_("Give the date: %(field)s.") % {"field": LABELS[name]}, name)
    if calendar["diagnosis_until"] < calendar["starts_on"]:
        raise refuse(
            _("The diagnosis must last at least one day: %(field)s cannot come before it opens.")
            % {"field": LABELS["diagnosis_until"]},
            "diagnosis_until",
        )
    for before, after in zip(CALENDAR[1:], CALENDAR[2:], strict=False):
        if calendar[after] <= calendar[before]:
            raise refuse(
                _("%(field)s must come after %(before)s (each phase lasts at least one day).")
                % {"field": LABELS[after], "before": LABELS[before]},
                after,
            )


def _check_text(title: str, description: str) -> tuple[str, str]:
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise refuse(_("Give the cycle a title (a year or a period)."), "title")
    if len(title) > 200:
        raise refuse(_("The title has at most 200 characters."), "title")
    if len(description) > 10000:
        raise refuse(_("The description has at most 10000 characters."), "description")
    return title, description


def payload(cycle: Cycle) -> dict[str, Any]:
    """What the ledger keeps of a cycle: its body, title, description and calendar."""
    return {
        "cycle": cycle.pk,
        "body": cycle.body_id,
        "title": cycle.title,
        "description": cycle.description,
        **{name: getattr(cycle, name).isoformat() for name in CALENDAR},
    }


@transaction.atomic
def open_cycle(
    body: Body,
    *,
    title: str,
    description: str = "",
    starts_on: date,
    diagnosis_until: date,
    prioritisation_until: date,
    planning_until: date,
    review_until: date,
    budget_until: date,
    ends_on: date,
    by: Any,
) -> Cycle:
    """Open a cycle of ``body`` with its calendar (no date in the past). Records
    ``cycle.opened``."""
    actor = actor_label(by)
    title, description = _check_text(title, description)
    calendar = {
        "starts_on": starts_on,
        "diagnosis_until": diagnosis_until,
        "prioritisation_until": prioritisation_until,
        "planning_until": planning_until,
        "review_until": review_until,
        "budget_until": budget_until,
        "ends_on": ends_on,
    }
    _check_calendar(calendar)
    if starts_on < timezone.localdate():
        raise refuse(_("A cycle cannot open in the past."), "starts_on")
    cycle = Cycle.objects.create(
        body=body, title=title, description=description, created_by=acting_user(by), **calendar
    )
    record(body.ledger_chain, "cycle.opened", payload(cycle), actor=actor)
    return cycle


@transaction.atomic
def amend(cycle: Cycle, *, by: Any, **changes: Any) -> Cycle:
    """Change the title, the description or dates not yet past (a past date stays; a new date
    cannot be in the past), before execution. Records ``cycle.amended`` with the changed
    fields and the whole cycle as it now stands."""
    actor = actor_label(by)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise refuse(_("These cannot be changed: %(names)s.") % {"names": ", ".join(unknown)})
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("body").get(pk=cycle.pk)
    today = timezone.localdate()
    if cycle.phase(today) in (CyclePhase.EXECUTION, CyclePhase.CLOSED):
        raise refuse(_("The calendar of a cycle in execution or closed cannot be changed."))
    title, description = _check_text(
        changes.get("title", cycle.title), changes.get("description", cycle.description)
    )
    calendar = {name: changes.get(name, getattr(cycle, name)) for name in CALENDAR}
    for name in CALENDAR:
        old, new = getattr(cycle, name), calendar[name]
        if isinstance(new, date) and new != old:
            if old < today:
                raise refuse(
                    _("%(field)s is already past and cannot be changed.") % {"field": LABELS[name]},
                    name,
                )
            if new < today:
                raise refuse(
                    _("%(field)s cannot be moved into the past.") % {"field": LABELS[name]}, name
                )
    _check_calendar(calendar)
    changed = sorted(
        name
        for name, value in {"title": title, "description": description, **calendar}.items()
        if getattr(cycle, name) != value
    )
    if not changed:
        raise refuse(_("Nothing was changed."))
    cycle.title, cycle.description = title, description
    for name, value in calendar.items():
        setattr(cycle, name, value)
    cycle.save(update_fields=["title", "description", *CALENDAR])
    record(
        cycle.body.ledger_chain,
        "cycle.amended",
        {**payload(cycle), "changed": changed},
        actor=actor,
    )
    return cycle


def current(body: Body, on: date | None = None) -> Cycle | None:
    """The body's cycle whose span (``starts_on`` to ``ends_on``) holds the day (the latest to
    start when several do), else the latest cycle."""
    day = on or timezone.localdate()
    cycles = Cycle.objects.filter(body=body).order_by("-starts_on", "-pk")
    return cycles.filter(starts_on__lte=day, ends_on__gte=day).first() or cycles.first()


def calendar(cycle: Cycle, on: date | None = None) -> list[dict[str, Any]]:
    """The phases as a timeline: each phase's code, first and last day, and whether it is the
    one on now, past or to come."""
    day = on or timezone.localdate()
    rows = []
    first = cycle.starts_on
    for field, phase in Cycle.CALENDAR:
        last = getattr(cycle, field)
        state = "past" if last < day else ("now" if first <= day else "next")
        rows.append(
            {
                "phase": phase,
                "label": CyclePhase(phase).label,
                "first": first,
                "last": last,
                "state": state,
            }
        )
        first = date.fromordinal(last.toordinal() + 1)
    return rows


# What each action of a cycle's phase lets someone do, and the page that does it.
STEPS = (
    (CycleAction.REPORT_NEED, "need-new"),
    (CycleAction.SUPPORT_NEED, "needs"),
    (CycleAction.PRIORITISE, "cycle-prioritise"),
    (CycleAction.PROPOSE_PROJECT, "project-new"),
    (CycleAction.REVISE_PROJECT, "projects"),
    (CycleAction.REVIEW_PROJECT, "projects"),
    (CycleAction.CREATE_BUDGET, "budget-new"),
    (CycleAction.EDIT, "cycle-edit"),
)


# what each step of "what you can do now" says, by its action
STEP_LABELS = {
    CycleAction.REPORT_NEED: gettext_lazy("Report a need of the community"),
    CycleAction.SUPPORT_NEED: gettext_lazy("Support the needs you share"),
    CycleAction.PRIORITISE: gettext_lazy("Put the needs to the assembly's prioritisation vote"),
    CycleAction.PROPOSE_PROJECT: gettext_lazy("Propose a project answering the needs"),
    CycleAction.REVISE_PROJECT: gettext_lazy("Revise and resubmit your project"),
    CycleAction.REVIEW_PROJECT: gettext_lazy("Review the projects' feasibility"),
    CycleAction.CREATE_BUDGET: gettext_lazy("Prepare the participatory budget vote"),
    CycleAction.EDIT: gettext_lazy("Amend the cycle's calendar"),
}


def next_steps(cycle: Cycle, user: Any) -> list[dict[str, Any]]:
    """What ``user`` can do now in the cycle's phase, from the permission table:
    ``{"action", "url_name", "kwargs", "allowed"}`` per step. A reader who may do none of
    what residents may do now gets those steps with ``allowed`` False and ``login`` True when
    not logged in (the page says a resident could, and how to join)."""
    phase = cycle.phase()
    kwargs = {"slug": cycle.body.slug, "pk": cycle.pk}
    mine = [
        {"action": action, "url_name": name, "kwargs": kwargs, "allowed": True, "login": False}
        for action, name in STEPS
        if can(user, action, cycle)
    ]
    if mine:
        return mine
    anonymous = not getattr(user, "is_authenticated", False)
    return [
        {
            "action": action,
            "url_name": name,
            "kwargs": kwargs,
            "allowed": False,
            "login": anonymous,
        }
        for action, name in STEPS
        if Role.RESIDENT in allowed_roles(action, phase)
    ]


def counts(cycle: Cycle) -> dict[str, int]:
    """The cycle in figures: needs and their supports (withdrawn ones left out), projects
    (feasible and rejected among them), budgets."""
    projects = dict(
        cycle.projects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "needs": cycle.needs.filter(withdrawn=False).count(),
        "supports": NeedSupport.objects.filter(need__cycle=cycle, need__withdrawn=False).count(),
        "projects": sum(projects.values()),
        "feasible": projects.get(ProjectStatus.FEASIBLE, 0),
        "rejected": projects.get(ProjectStatus.REJECTED, 0),
        "budgets": cycle.budgets.count(),
    }


LEDGER_CHECKS: dict = {}  # filled below, once the checks are defined


def _cycle_of(entry) -> tuple[Cycle | None, str | None]:
    cycle = Cycle.objects.filter(pk=entry.data.get("cycle")).first()
    if cycle is None:
        return None, _("cycle %(cycle)s is missing from the database") % {
            "cycle": entry.data.get("cycle")
        }
    return cycle, None


def _latest(cycle: Cycle, entry) -> bool:
    """Whether ``entry`` is the latest entry that set the cycle's fields (an earlier one was
    superseded by an amendment, and is not compared with today's row)."""
    from comuna.ledger import entries

    later = (
        entries(entry.chain)
        .filter(kind="cycle.amended", seq__gt=entry.seq)
        .only("payload")
        .iterator()
    )
    return not any(e.data.get("cycle") == cycle.pk for e in later)


def check_cycle(entry) -> str | None:
    """The cycle as opened or last amended: its body, title, description and calendar."""
    cycle, problem = _cycle_of(entry)
    if cycle is None:
        return problem
    if not _latest(cycle, entry):
        return None
    return differs(_("cycle"), cycle.pk, entry.data, payload(cycle))


LEDGER_CHECKS.update(
    {
        "cycle.opened": (check_cycle, gettext_lazy("Cycle opened")),
        "cycle.amended": (check_cycle, gettext_lazy("Cycle's calendar amended")),
    }
)
