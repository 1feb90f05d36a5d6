"""The plan: projects proposed, revised, resubmitted, withdrawn and reviewed (``project.*``).

A resident (alone, or filing for a committee they hold a seat in) proposes a project during the
planning phase: the needs of the cycle it answers, a cost estimate as items (quantity × unit
cost, the cost their exact sum), a responsible committee and a place. The executive unit (the
coordination collective) reviews the current revision of a submitted project during planning
and review: feasible, or not feasible with a public reason. Its proposer may revise a submitted
or rejected project while those phases last (the revision goes back to review, numbered + 1),
and withdraw it.

The ledger keeps each revision's full content (items and cost too) and each review with its
reason; ``ledger verify`` re-derives the latest of them from the rows, so a cost, an item or a
reason edited through SQL no longer matches.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.cycles.errors import CycleError
from comuna.cycles.models import (
    CostItem,
    Cycle,
    CyclePhase,
    Need,
    NeedCategory,
    Project,
    ProjectReview,
    ProjectStatus,
    ReviewDecision,
)
from comuna.ledger import entries, record
from comuna.ledger.checks import changed as changed_fields
from comuna.territory.actors import SystemActor, acting_user, actor_label
from comuna.territory.models import Mandate, MandateKind, Organ, Resident
from comuna.territory.permissions import Role, roles
from comuna.voting.money import amount_problem

PROPOSABLE = (CyclePhase.PLANNING,)
REVISABLE = (CyclePhase.PLANNING, CyclePhase.REVIEW)  # revise, withdraw and review
CENT = Decimal("0.01")
MICRO = Decimal("0.000001")
REVISED_FIELDS = frozenset(
    {
        "title",
        "description",
        "needs",
        "items",
        "committee",
        "proposing_committee",
        "category",
        "place",
        "latitude",
        "longitude",
    }
)
KINDS = ("project.proposed", "project.revised", "project.reviewed", "project.withdrawn")


def refuse(message: str, field: str | None = None) -> CycleError:
    """A refusal; ``field`` names the form field it belongs under, when it belongs to one."""
    error = CycleError(message)
    error.field = field
    return error


# --- reading ---------------------------------------------------------------------------------


def feasible(cycle: Cycle) -> QuerySet[Project]:
    """The cycle's projects the executive unit found feasible (what a budget may put on its
    ballot)."""
    return Project.objects.filter(cycle=cycle, status=ProjectStatus.FEASIBLE).order_by("pk")


def history(project: Project) -> list[dict[str, Any]]:
    """What happened to the project, oldest first: each revision submitted (``proposed`` or
    ``revised``, with its number and cost), each review (its decision and reason, from the
    rows) and the withdrawal, each with its moment."""
    events: list[dict[str, Any]] = []
    chain = project.cycle.body.ledger_chain
    for entry in entries(chain).filter(kind__in=("project.proposed", "project.revised")):
        data = entry.data
        if data.get("project") == project.pk:
            events.append(
                {
                    "kind": entry.kind.split(".", 1)[1],
                    "revision": data.get("revision"),
                    "cost": Decimal(data.get("cost", "0")),
                    "at": entry.recorded_at,
                }
            )
    for entry in entries(chain).filter(kind="project.withdrawn"):
        if entry.data.get("project") == project.pk:
            events.append({"kind": "withdrawn", "revision": None, "at": entry.recorded_at})
    for review in project.reviews.all():
        events.append(
            {
                "kind": "reviewed",
                "revision": review.revision,
                "decision": review.decision,
                "decision_label": review.get_decision_display(),
                "reason": review.reason,
                "at": review.reviewed_at,
            }
        )
    return sorted(events, key=lambda e: e["at"])


# --- checking what is given ------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace(" ", "").replace(",", "."))
        except InvalidOperation:
            return None
    return None


def clean_items(items: Any) -> tuple[list[dict[str, Any]], Decimal]:
    """The cost items as ``{"description", "quantity", "unit_cost"}`` (Decimals) and their
    exact total; refused naming the item line (1, 2, ...) at fault."""
    if not items:
        raise refuse(_("List at least one cost item."), "items")
    found: list[dict[str, Any]] = []
    total = Decimal(0)
    for line, item in enumerate(items, start=1):
        item = item if isinstance(item, dict) else {}
        description = str(item.get("description") or "").strip()
        if not description:
            raise refuse(_("Item %(line)s: say what it is.") % {"line": line}, "items")
        if len(description) > 200:
            raise refuse(
                _("Item %(line)s: describe it in at most 200 characters.") % {"line": line},
                "items",
            )
        quantity = _decimal(item.get("quantity", 1))
        if quantity is None or not quantity.is_finite() or quantity <= 0:
            raise refuse(
                _("Item %(line)s: the quantity must be a number greater than zero.")
                % {"line": line},
                "items",
            )
        if quantity != quantity.quantize(CENT) or quantity >= Decimal(10) ** 10:
            raise refuse(
                _("Item %(line)s: the quantity has at most ten digits and two decimals.")
                % {"line": line},
                "items",
            )
        unit_cost = _decimal(item.get("unit_cost"))
        if unit_cost is None or not unit_cost.is_finite() or unit_cost <= 0:
            raise refuse(
                _("Item %(line)s: the unit cost must be an amount greater than zero.")
                % {"line": line},
                "items",
            )
        problem = amount_problem(unit_cost)
        if problem:
            raise refuse(_("Item %(line)s: %(problem)s") % {"line": line, "problem": problem})
        subtotal = quantity * unit_cost
        if subtotal != subtotal.quantize(CENT):
            raise refuse(
                _(
                    "Item %(line)s: %(quantity)s × %(unit_cost)s = %(subtotal)s is not a whole "
                    "number of cents; give a unit cost or quantity that needs no rounding."
                )
                % {
                    "line": line,
                    "quantity": quantity,
                    "unit_cost": unit_cost,
                    "subtotal": subtotal,
                },
                "items",
            )
        total += subtotal
        found.append(
            {
                "description": description,
                "quantity": quantity.quantize(CENT),
                "unit_cost": unit_cost.quantize(CENT),
            }
        )
    problem = amount_problem(total)
    if problem:
        raise refuse(_("The total cost: %(problem)s") % {"problem": problem}, "items")
    return found, total.quantize(CENT)


def _needs(cycle: Cycle, needs: Any) -> list[Need]:
    ids = []
    for need in needs or []:
        ids.append(need.pk if isinstance(need, Need) else need)
    if not ids:
        raise refuse(_("Choose at least one need of the cycle the project answers."), "needs")
    found = {n.pk: n for n in Need.objects.filter(pk__in=ids)}
    for pk in ids:
        need = found.get(pk)
        if need is None or need.cycle_id != cycle.pk:
            raise refuse(_("A project answers needs of its own cycle only."), "needs")
        if need.withdrawn:
            raise refuse(
                _("The need “%(need)s” was withdrawn; a project cannot answer it.")
                % {"need": need.title},
                "needs",
            )
    return [found[pk] for pk in sorted(set(ids))]


def _organ(cycle: Cycle, organ: Any, field: str) -> Organ | None:
    if organ in (None, ""):
        return None
    pk = organ.pk if isinstance(organ, Organ) else organ
    found = Organ.objects.filter(pk=pk, body=cycle.body).first()
    if found is None:
        raise refuse(_("Choose a committee of %(body)s.") % {"body": cycle.body.name}, field)
    return found


def _point(latitude: Any, longitude: Any) -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    lat, lon = _decimal(latitude), _decimal(longitude)
    if lat is None or lon is None or not lat.is_finite() or not lon.is_finite():
        raise refuse(_("Give both the latitude and the longitude of the point, or neither."))
    if not -90 <= lat <= 90:
        raise refuse(_("The latitude is between -90 and 90."), "latitude")
    if not -180 <= lon <= 180:
        raise refuse(_("The longitude is between -180 and 180."), "longitude")
    return lat.quantize(MICRO), lon.quantize(MICRO)


def _text(value: Any, field: str, *, required: bool, most: int) -> str:
    text = str(value or "").strip()
    if required and not text:
        messages = {
            "title": _("Give the project a title."),
            "description": _("Describe the project."),
        }
        raise refuse(messages.get(field, _("This field is required.")), field)
    if len(text) > most:
        raise refuse(_("At most %(most)s characters.") % {"most": most}, field)
    return text


def _content(cycle: Cycle, resident: Resident, fields: dict[str, Any]) -> dict[str, Any]:
    """Every field of a proposal checked and normalised (before anything is written)."""
    title = _text(fields.get("title"), "title", required=True, most=200)
    description = _text(fields.get("description"), "description", required=True, most=10000)
    needs = _needs(cycle, fields.get("needs"))
    category = str(fields.get("category") or "")
    if category and category not in NeedCategory.values:
        raise refuse(_("Choose one of the categories."), "category")
    committee = _organ(cycle, fields.get("committee"), "committee")
    proposing = _organ(cycle, fields.get("proposing_committee"), "proposing_committee")
    if proposing is not None:
        seated = (
            Mandate.objects.active()
            .filter(resident=resident, organ=proposing, kind=MandateKind.SPOKESPERSON)
            .exists()
        )
        if not seated:
            raise refuse(
                _("Only a spokesperson of %(committee)s proposes a project in its name.")
                % {"committee": proposing.name},
                "proposing_committee",
            )
    place = _text(fields.get("place"), "place", required=False, most=200)
    latitude, longitude = _point(fields.get("latitude"), fields.get("longitude"))
    items, cost = clean_items(fields.get("items"))
    return {
        "title": title,
        "description": description,
        "needs": needs,
        "category": category,
        "committee": committee,
        "proposing_committee": proposing,
        "place": place,
        "latitude": latitude,
        "longitude": longitude,
        "items": items,
        "cost": cost,
    }


def _write(project: Project, content: dict[str, Any]) -> None:
    for name in (
        "title",
        "description",
        "category",
        "committee",
        "proposing_committee",
        "place",
        "latitude",
        "longitude",
        "cost",
    ):
        setattr(project, name, content[name])
    project.save()
    project.needs.set(content["needs"])
    project.items.all().delete()
    CostItem.objects.bulk_create(
        CostItem(project=project, position=n, **item)
        for n, item in enumerate(content["items"], start=1)
    )


# --- who acts --------------------------------------------------------------------------------


def _resident_of(by: Any) -> Resident | None:
    if isinstance(by, SystemActor):
        return None
    return Resident.objects.filter(user_id=getattr(by, "pk", None)).first()


def _refuse_unless_proposer(project: Project, by: Any, message: str) -> None:
    if isinstance(by, SystemActor):
        return
    me = _resident_of(by)
    if me is None or me.pk != project.proposed_by_id:
        raise refuse(message)


def _locked(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("cycle__body")
        .get(pk=project.pk)
    )


# --- the ledger's view of a project ----------------------------------------------------------


def _money(value: Decimal) -> str:
    return format(Decimal(value).quantize(CENT), "f")


def _coordinate(value: Decimal | None) -> str | None:
    return None if value is None else format(Decimal(value).quantize(MICRO), "f")


def project_payload(project: Project) -> dict[str, Any]:
    """A revision of the project as the ledger keeps it: its content, items and cost."""
    return {
        "cycle": project.cycle_id,
        "project": project.pk,
        "revision": project.revision,
        "proposed_by": project.proposed_by_id,
        "proposing_committee": project.proposing_committee_id,
        "title": project.title,
        "description": project.description,
        "needs": sorted(project.needs.values_list("pk", flat=True)),
        "category": project.category,
        "committee": project.committee_id,
        "place": project.place,
        "latitude": _coordinate(project.latitude),
        "longitude": _coordinate(project.longitude),
        "items": [
            {
                "description": item.description,
                "quantity": _money(item.quantity),
                "unit_cost": _money(item.unit_cost),
            }
            for item in project.items.order_by("position", "pk")
        ],
        "cost": _money(project.cost),
    }


def review_payload(review: ProjectReview) -> dict[str, Any]:
    return {
        "project": review.project_id,
        "review": review.pk,
        "revision": review.revision,
        "decision": review.decision,
        "reason": review.reason,
    }


# --- services --------------------------------------------------------------------------------


@transaction.atomic
def propose(
    cycle: Cycle,
    *,
    resident: Resident,
    title: str,
    description: str,
    needs: list,
    items: list,
    committee: Organ | None = None,
    proposing_committee: Organ | None = None,
    category: str = "",
    place: str = "",
    latitude: Any = None,
    longitude: Any = None,
    by: Any,
) -> Project:
    """Propose a project answering needs of ``cycle``, during its planning phase: by the
    resident themselves (the acting user's own resident), or filed by one of the proposing
    committee's spokespersons. Records ``project.proposed`` with the items and the cost."""
    actor = actor_label(by)
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("body").get(pk=cycle.pk)
    if cycle.phase() not in PROPOSABLE:
        raise refuse(_("Projects are proposed during the cycle's planning phase only."))
    if not isinstance(by, SystemActor):
        me = _resident_of(by)
        if me is None or me.pk != resident.pk:
            raise refuse(_("A project is proposed in the proposing resident's own name."))
        if Role.RESIDENT not in roles(by, cycle.body):
            raise refuse(_("Only residents of this body propose projects."))
    resident = Resident.objects.get(pk=resident.pk)
    if resident.body_id not in cycle.body.descendant_ids():
        raise refuse(
            _("%(name)s is not in the census of %(body)s.")
            % {"name": resident, "body": cycle.body.name}
        )
    content = _content(
        cycle,
        resident,
        {
            "title": title,
            "description": description,
            "needs": needs,
            "items": items,
            "committee": committee,
            "proposing_committee": proposing_committee,
            "category": category,
            "place": place,
            "latitude": latitude,
            "longitude": longitude,
        },
    )
    project = Project(cycle=cycle, proposed_by=resident, status=ProjectStatus.SUBMITTED)
    _write(project, content)
    record(cycle.body.ledger_chain, "project.proposed", project_payload(project), actor=actor)
    return project


@transaction.atomic
def revise(project: Project, *, by: Any, **fields: Any) -> Project:
    """The proposer revises a submitted or rejected project while the planning and review
    phases last and resubmits it: the fields given replace the old ones (``items`` replaces
    every item), the status goes back to submitted and the revision number up by one.
    Records ``project.revised`` with the new content."""
    unknown = set(fields) - REVISED_FIELDS
    if unknown:
        raise TypeError(f"revise() got unexpected fields: {', '.join(sorted(unknown))}")
    actor = actor_label(by)
    project = _locked(project)
    cycle = project.cycle
    if cycle.phase() not in REVISABLE:
        raise refuse(_("Projects are revised during the planning and review phases only."))
    _refuse_unless_proposer(project, by, _("Only its proposer revises a project."))
    if project.status not in (ProjectStatus.SUBMITTED, ProjectStatus.REJECTED):
        raise refuse(
            _("A project %(status)s cannot be revised.")
            % {"status": project.get_status_display().lower()}
        )
    current = {
        "title": project.title,
        "description": project.description,
        "needs": list(project.needs.all()),
        "items": [
            {"description": i.description, "quantity": i.quantity, "unit_cost": i.unit_cost}
            for i in project.items.order_by("position", "pk")
        ],
        "committee": project.committee,
        "proposing_committee": project.proposing_committee,
        "category": project.category,
        "place": project.place,
        "latitude": project.latitude,
        "longitude": project.longitude,
    }
    content = _content(cycle, project.proposed_by, {**current, **fields})
    project.revision += 1
    project.status = ProjectStatus.SUBMITTED
    _write(project, content)
    record(cycle.body.ledger_chain, "project.revised", project_payload(project), actor=actor)
    return project


@transaction.atomic
def withdraw(project: Project, *, by: Any) -> Project:
    """The proposer withdraws the project while the planning and review phases last.
    Records ``project.withdrawn``."""
    actor = actor_label(by)
    project = _locked(project)
    if project.cycle.phase() not in REVISABLE:
        raise refuse(_("Projects are withdrawn during the planning and review phases only."))
    _refuse_unless_proposer(project, by, _("Only its proposer withdraws a project."))
    if project.status == ProjectStatus.WITHDRAWN:
        raise refuse(_("This project is already withdrawn."))
    project.status = ProjectStatus.WITHDRAWN
    project.save(update_fields=["status"])
    record(
        project.cycle.body.ledger_chain,
        "project.withdrawn",
        {"project": project.pk, "revision": project.revision},
        actor=actor,
    )
    return project


@transaction.atomic
def review(project: Project, *, decision: str, reason: str, by: Any) -> ProjectReview:
    """The executive unit (the coordination collective) reviews the current revision of a
    submitted project, during the planning and review phases: feasible, or not feasible with a
    reason the public reads. Records ``project.reviewed``."""
    actor = actor_label(by)
    project = _locked(project)
    body = project.cycle.body
    if project.cycle.phase() not in REVISABLE:
        raise refuse(_("Projects are reviewed during the planning and review phases only."))
    if not isinstance(by, SystemActor) and Role.COORDINATION not in roles(by, body):
        raise refuse(_("Only the executive unit (the coordination collective) reviews projects."))
    if decision not in ReviewDecision.values:
        raise refuse(_("Say whether the project is feasible."), "decision")
    if project.status != ProjectStatus.SUBMITTED:
        if project.reviews.filter(revision=project.revision).exists():
            raise refuse(
                _("Revision %(revision)s of this project is already reviewed.")
                % {"revision": project.revision}
            )
        raise refuse(_("Only a project waiting for its review is reviewed."))
    reason = (reason or "").strip()
    if decision == ReviewDecision.REJECTED and not reason:
        raise refuse(_("Say why the project is not feasible: the reason is public."), "reason")
    if len(reason) > 5000:
        raise refuse(_("At most %(most)s characters.") % {"most": 5000}, "reason")
    made = ProjectReview.objects.create(
        project=project,
        revision=project.revision,
        decision=decision,
        reason=reason,
        reviewed_by=acting_user(by),
    )
    project.status = (
        ProjectStatus.FEASIBLE if decision == ReviewDecision.FEASIBLE else ProjectStatus.REJECTED
    )
    project.save(update_fields=["status"])
    record(body.ledger_chain, "project.reviewed", review_payload(made), actor=actor)
    return made


# --- ledger verify ---------------------------------------------------------------------------


def _project_of(entry) -> tuple[Project | None, str | None]:
    pk = entry.data.get("project")
    project = Project.objects.select_related("cycle__body").filter(pk=pk).first()
    if project is None or project.cycle.body.ledger_chain != entry.chain:
        return None, _("project %(project)s is missing from the database") % {"project": pk}
    return project, None


def _last_about(entry, project: Project) -> bool:
    """Whether ``entry`` is the last ``project.*`` entry about ``project`` (so the project's
    status is the one it left)."""
    later = entries(entry.chain).filter(kind__in=KINDS, seq__gt=entry.seq)
    return not any(e.data.get("project") == project.pk for e in later)


def _status_after(entry) -> str:
    if entry.kind == "project.withdrawn":
        return ProjectStatus.WITHDRAWN
    if entry.kind == "project.reviewed":
        return (
            ProjectStatus.FEASIBLE
            if entry.data.get("decision") == ReviewDecision.FEASIBLE
            else ProjectStatus.REJECTED
        )
    return ProjectStatus.SUBMITTED


def check_submitted(entry) -> str | None:
    """A revision as submitted (``project.proposed`` or ``project.revised``): the whole content
    while it is the project's current revision; its cycle and proposer once revised again."""
    project, problem = _project_of(entry)
    if project is None:
        return problem
    recorded = entry.data
    now = project_payload(project)
    if recorded.get("revision") != project.revision:
        if project.revision < (recorded.get("revision") or 0):
            return changed_fields(_("project"), project.pk, ["revision"])
        now = {k: now[k] for k in ("cycle", "project", "proposed_by")}
    changed = [k for k in now if now[k] != recorded.get(k)]
    if not changed and _last_about(entry, project) and project.status != _status_after(entry):
        changed = ["status"]
    return changed_fields(_("project"), project.pk, changed)


def check_reviewed(entry) -> str | None:
    """The review row as recorded (revision, decision, reason), and the project's status while
    it is the project's last step."""
    project, problem = _project_of(entry)
    if project is None:
        return problem
    made = ProjectReview.objects.filter(pk=entry.data.get("review"), project=project).first()
    if made is None:
        return _("review %(review)s of project %(project)s is missing from the database") % {
            "review": entry.data.get("review"),
            "project": project.pk,
        }
    now = review_payload(made)
    changed = [k for k in now if now[k] != entry.data.get(k)]
    if changed:
        return changed_fields(_("review"), made.pk, changed)
    if _last_about(entry, project) and project.status != _status_after(entry):
        return changed_fields(_("project"), project.pk, ["status"])
    return None


def check_withdrawn(entry) -> str | None:
    project, problem = _project_of(entry)
    if project is None:
        return problem
    changed = []
    if project.status != ProjectStatus.WITHDRAWN:
        changed.append("status")
    if project.revision != entry.data.get("revision"):
        changed.append("revision")
    return changed_fields(_("project"), project.pk, changed)


def included_payload(project: Project) -> dict[str, Any]:
    """A member's project a commune's (or city's) cycle took into its plan (issue 15,
    ``comuna.federation.plan``): the copy's content and where it came from."""
    source = project.source
    return project_payload(project) | {
        "source": project.source_id,
        "source_body": source.cycle.body_id if source is not None else None,
        "source_cycle": source.cycle_id if source is not None else None,
    }


def check_included(entry) -> str | None:
    """The included copy as recorded: its content, items, cost and source."""
    project, problem = _project_of(entry)
    if project is None:
        return problem
    now = included_payload(project)
    return changed_fields(_("project"), project.pk, [k for k in now if now[k] != entry.data.get(k)])


LEDGER_CHECKS: dict = {
    "project.included": (check_included, gettext_lazy("Project taken from a member's plan")),
    "project.proposed": (check_submitted, gettext_lazy("Project proposed")),
    "project.revised": (check_submitted, gettext_lazy("Project revised and resubmitted")),
    "project.reviewed": (check_reviewed, gettext_lazy("Project's feasibility reviewed")),
    "project.withdrawn": (check_withdrawn, gettext_lazy("Project withdrawn")),
}
