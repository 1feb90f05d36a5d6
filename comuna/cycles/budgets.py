"""The participatory budget: created, opened, voted, counted, explained, compared with other
rules, and deviations decided by the assembly (``budget.*``).

- :func:`create` a budget over the FEASIBLE projects of a cycle: one district (the body, every
  feasible project, the amount) or several districts or categories, each with its own amount
  and projects; each district is a draft ``voting.Poll`` (method "budget") whose options are
  its projects, keyed "1", "2", ... across the whole budget in the order given (the ids of the
  projects in the exported ``.pb``). :func:`edit` rebuilds a draft. A district may be a
  member's (``voters_body``, issue 15: a commune-wide budget's council): its poll is a poll of
  that member, on its own register, over projects that member brought to the plan; the others
  are the budget's body's (a commune-wide pot: every voter of the commune).
- Ballot kinds and the poll's vote type: approval → "approval"; cart → "approval" with a most a
  ballot may spend (by default the district's amount); points → "cumulative" with the points
  each voter shares out; ranked → "ordinal". The rule must accept that vote type.
- :func:`open` opens every district's poll; :func:`cast` casts one ballot per district with
  ONE receipt code (its hash differs per poll), checking every district's ballot before
  casting any (a district whose register does not hold the voter is refused, naming whose
  it is); :func:`spent` is the running total of a ballot, per district.
- :func:`count` closes and counts every district's poll (the voting service counts it with the
  rule; ties broken by the engine's default order, the projects' ids) and computes once what
  the other rules would have funded on the same ballots (greedy by votes, Phragmén when the
  ballots are approval-like), kept on the district (``BudgetDistrict.comparison``).
- :func:`outcome` reads it all back for the pages and the API, :func:`overall` the whole of
  it (spent of the amount, the funded projects per member); :func:`funded` is the funded
  list after the deviations the assembly carried (and only those: nothing else changes it).
- :func:`propose_deviation` puts a change to the outcome on an assembly's agenda (simple
  majority); :func:`on_decided` records the assembly's decision. A change its assembly ended
  without deciding lapses when the next change to that project is proposed
  (``budget.deviation_lapsed``), instead of blocking it (``comuna.cycles.matters``).

Every step writes its ``budget.*`` entry in its transaction; each kind has its ``ledger
verify`` check at the end, re-deriving the entry from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.assemblies import convening
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import Assembly, Majority, Motion, Status
from comuna.choice import pb
from comuna.choice.registry import lookup
from comuna.cycles import matters
from comuna.cycles.errors import CycleError
from comuna.cycles.models import (
    BallotKind,
    Budget,
    BudgetDistrict,
    BudgetProject,
    BudgetStatus,
    Cycle,
    Deviation,
    DeviationChange,
    DeviationStatus,
    Project,
    ProjectStatus,
)
from comuna.i18n import site_language
from comuna.ledger import record
from comuna.ledger.checks import changed, differs
from comuna.territory.actors import acting_user, actor_label
from comuna.territory.models import Body
from comuna.voting import ballots as voting_ballots
from comuna.voting import services as voting
from comuna.voting import tally
from comuna.voting.models import Method, Option, Poll
from comuna.voting.models import Status as PollStatus

__all__ = [
    "cast",
    "count",
    "create",
    "edit",
    "funded",
    "on_decided",
    "open",
    "outcome",
    "overall",
    "propose_deviation",
    "spent",
]

# ballot kind -> the vote type of its polls (Pabulib's names)
VOTE_TYPES = {
    BallotKind.APPROVAL: "approval",
    BallotKind.CART: "approval",
    BallotKind.POINTS: "cumulative",
    BallotKind.RANKED: "ordinal",
    BallotKind.SINGLE: "choose-1",
}
# the ballot kinds a budget of a cycle may be created with (choose-1 comes from imported files)
CREATABLE = (BallotKind.APPROVAL, BallotKind.CART, BallotKind.POINTS, BallotKind.RANKED)
# rules a budget poll cannot take: greedy-threshold needs a META threshold no budget gives
LEFT_OUT = ("greedy-threshold",)
# the rules of the side-by-side comparison, besides the budget's own
COMPARED = ("greedy-cost", "phragmen")
APPROVAL_LIKE = ("approval", "choose-1")


def vote_type(budget: Budget) -> str:
    return VOTE_TYPES.get(budget.ballot_kind, "approval")


def rules_for(kind: str) -> list[str]:
    """The engine's rule ids a budget of ballot ``kind`` may be counted with, the default
    first."""
    wanted = VOTE_TYPES[kind]
    ids = [r.id for r in pb.RULES.values() if wanted in r.accepts and r.id not in LEFT_OUT]
    if "mes-cost-complete" in ids:
        ids.remove("mes-cost-complete")
        ids.insert(0, "mes-cost-complete")
    return ids


# --- creating ------------------------------------------------------------------------------


@dataclass
class _District:
    name: str
    amount: Decimal
    projects: list[Project] = field(default_factory=list)
    voters_body: Body | None = None  # a member's district: that member's register votes


def _origin(project: Project) -> Body | None:
    """The member whose plan ``project`` came from (issue 15), None for the body's own."""
    if project.source_id is None:
        return None
    return project.source.cycle.body


def _voters_body(cycle: Cycle, given: Any, name: str) -> Body | None:
    """A member district's voters: a body federated straight into the cycle's body."""
    if given in (None, ""):
        return None
    pk = given.pk if isinstance(given, Body) else given
    found = Body.objects.filter(pk=pk, parent_id=cycle.body_id).first() if pk else None
    if found is None:
        raise CycleError(
            _("%(name)s: its voters must be a member federated into %(body)s.")
            % {"name": name, "body": cycle.body.name}
        )
    return found


def _money(value: Any, what: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise CycleError(_("%(what)s must be an amount of money.") % {"what": what}) from None
    if not amount.is_finite() or amount <= 0:
        raise CycleError(_("%(what)s must be more than zero.") % {"what": what})
    if amount != amount.quantize(Decimal("0.01")):
        raise CycleError(_("%(what)s takes at most two decimals.") % {"what": what})
    return amount


def _feasible(cycle: Cycle, project: Project) -> Project:
    if project.cycle_id != cycle.pk:
        raise CycleError(
            _("“%(project)s” is a project of another cycle.") % {"project": project.title}
        )
    if project.status != ProjectStatus.FEASIBLE:
        raise CycleError(
            _("“%(project)s” is not feasible: only projects found feasible go to the vote.")
            % {"project": project.title}
        )
    return project


def _districts(cycle: Cycle, amount: Any, districts: list[dict] | None) -> list[_District]:
    """The districts as given, checked: names, amounts, feasible projects of the cycle, each
    in one district at most."""
    if not districts:
        if amount in (None, ""):
            raise CycleError(_("Say how much money the budget shares out."))
        projects = list(
            Project.objects.filter(cycle=cycle, status=ProjectStatus.FEASIBLE).order_by("pk")
        )
        return [_District(cycle.body.name, _money(amount, _("The budget")), projects)]
    found: list[_District] = []
    seen_names: set[str] = set()
    seen: dict[int, str] = {}
    members: dict[int, str] = {}
    for given in districts:
        name = " ".join(str(given.get("name") or "").split())
        if not name:
            raise CycleError(_("Every district or category needs a name."))
        if name.casefold() in seen_names:
            raise CycleError(_("Two districts are named “%(name)s”.") % {"name": name})
        seen_names.add(name.casefold())
        what = _("The budget of %(name)s") % {"name": name}
        voters_body = _voters_body(cycle, given.get("voters_body"), name)
        if voters_body is not None:
            if voters_body.pk in members:
                raise CycleError(
                    _("%(body)s votes in two districts: %(first)s and %(second)s.")
                    % {"body": voters_body.name, "first": members[voters_body.pk], "second": name}
                )
            members[voters_body.pk] = name
        district = _District(name[:200], _money(given.get("amount"), what), voters_body=voters_body)
        for project in given.get("projects") or []:
            _feasible(cycle, project)
            origin = _origin(project)
            if voters_body is not None and (origin is None or origin.pk != voters_body.pk):
                raise CycleError(
                    _(
                        "“%(project)s” is not from the plan of %(body)s: the district of "
                        "%(body)s takes only the projects %(body)s brought to the plan."
                    )
                    % {"project": project.title, "body": voters_body.name}
                )
            if project.pk in seen:
                raise CycleError(
                    _("“%(project)s” is in two districts: %(first)s and %(second)s.")
                    % {"project": project.title, "first": seen[project.pk], "second": name}
                )
            seen[project.pk] = name
            district.projects.append(project)
        found.append(district)
    return found


@dataclass
class _Settings:
    title: str
    ballot_kind: str
    rule: str
    min_projects: int
    max_projects: int | None
    max_cost: Decimal | None
    max_points: int | None


def _settings(
    *,
    title: str,
    ballot_kind: str,
    rule: str,
    min_projects: Any,
    max_projects: Any,
    max_cost: Any,
    max_points: Any,
) -> _Settings:
    title = " ".join((title or "").split())
    if not title:
        raise CycleError(_("Give the budget a title."))
    if ballot_kind not in CREATABLE:
        raise CycleError(_("Choose a kind of ballot."))
    kind_type = VOTE_TYPES[ballot_kind]
    try:
        lookup(pb.RULES, rule, kind_type)
    except ValueError:
        raise CycleError(
            _("The counting rule %(rule)s cannot count this kind of ballot (%(kind)s).")
            % {"rule": rule, "kind": BallotKind(ballot_kind).label}
        ) from None
    if rule in LEFT_OUT:
        raise CycleError(_("This counting rule needs a threshold a budget does not set."))
    try:
        low = int(min_projects if min_projects not in (None, "") else 1)
        high = int(max_projects) if max_projects not in (None, "") else None
        points = int(max_points) if max_points not in (None, "") else None
    except (TypeError, ValueError):
        raise CycleError(_("The numbers of projects and points are whole numbers.")) from None
    if low < 1:
        raise CycleError(_("A ballot chooses at least one project."))
    if high is not None and high < low:
        raise CycleError(
            _("The most projects on a ballot (%(high)s) cannot be fewer than the fewest (%(low)s).")
            % {"high": high, "low": low}
        )
    if ballot_kind == BallotKind.POINTS:
        if not points or points < 1:
            raise CycleError(_("Say how many points each voter shares out."))
    else:
        points = None
    cost = None
    if max_cost not in (None, ""):
        cost = _money(max_cost, _("The most a ballot may spend"))
    return _Settings(title[:200], ballot_kind, rule, low, high, cost, points)


def _poll_settings(budget: Budget, district: _District, n_districts: int) -> dict[str, Any]:
    max_cost = budget.max_cost
    if budget.ballot_kind == BallotKind.CART:
        max_cost = min(max_cost, district.amount) if max_cost is not None else district.amount
    elif budget.ballot_kind != BallotKind.APPROVAL:
        max_cost = None
    title = budget.title if n_districts == 1 else f"{budget.title} · {district.name}"
    return {
        "title": title[:200],
        "method": Method.BUDGET,
        "rule": budget.rule,
        "budget": district.amount,
        "min_choices": budget.min_projects,
        "max_choices": budget.max_projects,
        "max_cost": max_cost,
        "max_points": budget.max_points,
        "vote_type": vote_type(budget),
    }


def _build(budget: Budget, districts: list[_District], by: Any) -> None:
    """The districts of ``budget`` with their entries and draft polls; CycleError (the
    transaction undone) when a poll could not be voted on or counted."""
    key = 0
    for position, district in enumerate(districts):
        if len(district.projects) < 2:
            raise CycleError(
                _("%(name)s needs at least two feasible projects to vote on.")
                % {"name": district.name}
            )
        row = BudgetDistrict.objects.create(
            budget=budget,
            name=district.name,
            amount=district.amount,
            voters_body=district.voters_body,
            position=position,
        )
        options = []
        for project in district.projects:
            key += 1
            BudgetProject.objects.create(district=row, project=project, key=str(key))
            options.append(
                {
                    "key": str(key),
                    "label": project.title,
                    "description": project.description,
                    "cost": project.cost,
                }
            )
        settings_ = _poll_settings(budget, district, len(districts))
        try:
            # a member's district is a poll of that member: its register votes there
            voters = district.voters_body or budget.body
            row.poll = voting.create_poll(voters, options=options, by=by, **settings_)
        except voting.PollSettingsError as exc:
            raise CycleError(
                _("%(name)s: %(problems)s")
                % {"name": district.name, "problems": " ".join(exc.messages)}
            ) from None
        except voting.VotingError as exc:
            raise CycleError(str(exc)) from None
        row.save(update_fields=["poll"])


def settings_payload(budget: Budget) -> dict[str, Any]:
    """What ``budget.created`` and ``budget.edited`` record: the settings, and per district its
    amount, poll and projects (key and project id), and the member whose register votes there
    when it is a member's district (issue 15)."""
    return {
        "budget": budget.pk,
        "cycle": budget.cycle_id,
        "title": budget.title,
        "amount": str(budget.amount),
        "currency": budget.currency,
        "ballot_kind": budget.ballot_kind,
        "rule": budget.rule,
        "min_projects": budget.min_projects,
        "max_projects": budget.max_projects,
        "max_cost": None if budget.max_cost is None else str(budget.max_cost),
        "max_points": budget.max_points,
        "districts": [
            {
                "district": d.pk,
                "name": d.name,
                "amount": str(d.amount),
                "poll": d.poll_id,
                "projects": [[e.key, e.project_id] for e in d.entries.all()],
            }
            | ({"voters_body": d.voters_body_id} if d.voters_body_id else {})
            for d in budget.districts.all()
        ],
    }


@transaction.atomic
def create(
    cycle: Cycle,
    *,
    title: str,
    amount: Any = None,
    ballot_kind: str,
    rule: str = "mes-cost-complete",
    districts: list[dict] | None = None,
    min_projects: int = 1,
    max_projects: int | None = None,
    max_cost: Any = None,
    max_points: int | None = None,
    by: Any,
) -> Budget:
    """A draft budget of ``cycle`` over its feasible projects (see the module's docstring);
    CycleError, saving nothing, when it could not be voted on or counted."""
    actor = actor_label(by)
    chosen = _settings(
        title=title,
        ballot_kind=ballot_kind,
        rule=rule,
        min_projects=min_projects,
        max_projects=max_projects,
        max_cost=max_cost,
        max_points=max_points,
    )
    found = _districts(cycle, amount, districts)
    body = cycle.body
    budget = Budget.objects.create(
        body=body,
        cycle=cycle,
        title=chosen.title,
        amount=sum((d.amount for d in found), Decimal(0)),
        currency=body.currency,
        ballot_kind=chosen.ballot_kind,
        rule=chosen.rule,
        min_projects=chosen.min_projects,
        max_projects=chosen.max_projects,
        max_cost=chosen.max_cost,
        max_points=chosen.max_points,
        created_by=acting_user(by),
    )
    _build(budget, found, by)
    budget.refresh_from_db()
    record(body.ledger_chain, "budget.created", settings_payload(budget), actor=actor)
    return budget


def _locked(budget: Budget) -> Budget:
    return (
        Budget.objects.select_for_update(of=("self",))
        .select_related("body", "cycle")
        .get(pk=budget.pk)
    )


def current_districts(budget: Budget) -> list[dict] | None:
    """The budget's districts as :func:`create` takes them (None: the one district of the
    body with every feasible project)."""
    rows = list(
        budget.districts.select_related("voters_body").prefetch_related(
            "entries__project__source__cycle__body"
        )
    )
    if len(rows) == 1 and rows[0].name == budget.body.name:
        return None
    return [
        {
            "name": d.name,
            "amount": d.amount,
            "projects": [e.project for e in d.entries.all()],
            "voters_body": d.voters_body,
        }
        for d in rows
    ]


@transaction.atomic
def edit(budget: Budget, *, by: Any, **changes: Any) -> Budget:
    """Change a draft budget: any of :func:`create`'s settings (those not given are kept);
    its districts and their polls are made again."""
    actor = actor_label(by)
    budget = _locked(budget)
    if budget.status != BudgetStatus.DRAFT:
        raise CycleError(_("Only a draft budget can be edited."))
    if budget.cycle is None:
        raise CycleError(_("An imported budget cannot be edited: import the file again."))
    known = {
        "title",
        "amount",
        "ballot_kind",
        "rule",
        "districts",
        "min_projects",
        "max_projects",
        "max_cost",
        "max_points",
    }
    unknown = set(changes) - known
    if unknown:
        raise CycleError(
            _("These settings cannot be edited: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    now = {
        "title": budget.title,
        "ballot_kind": budget.ballot_kind,
        "rule": budget.rule,
        "min_projects": budget.min_projects,
        "max_projects": budget.max_projects,
        "max_cost": budget.max_cost,
        "max_points": budget.max_points,
    }
    now.update({k: v for k, v in changes.items() if k in now})
    chosen = _settings(**now)
    districts = changes["districts"] if "districts" in changes else current_districts(budget)
    amount = changes.get("amount", budget.amount)
    found = _districts(budget.cycle, amount, districts)
    old = list(budget.districts.select_related("poll"))
    for district in old:
        poll = district.poll
        district.delete()
        if poll is not None:
            voting.delete_poll(poll, by=by)
    budget.title, budget.ballot_kind, budget.rule = chosen.title, chosen.ballot_kind, chosen.rule
    budget.min_projects, budget.max_projects = chosen.min_projects, chosen.max_projects
    budget.max_cost, budget.max_points = chosen.max_cost, chosen.max_points
    budget.amount = sum((d.amount for d in found), Decimal(0))
    budget.save()
    _build(budget, found, by)
    budget.refresh_from_db()
    record(budget.body.ledger_chain, "budget.edited", settings_payload(budget), actor=actor)
    return budget


# --- the vote ------------------------------------------------------------------------------


def _polls(budget: Budget) -> list[BudgetDistrict]:
    return list(budget.districts.select_related("poll", "voters_body").order_by("position", "pk"))


@transaction.atomic
def open(budget: Budget, *, by: Any) -> Budget:  # noqa: A001 - the service's public name
    """Open every district's poll (its register: the census today of the body whose poll it
    is: the budget's body, or the member whose district it is)."""
    actor = actor_label(by)
    budget = _locked(budget)
    if budget.status != BudgetStatus.DRAFT:
        raise CycleError(_("Only a draft budget can be opened."))
    voters = {}
    for district in _polls(budget):
        try:
            voters[district.pk] = voting.open_poll(district.poll, by=by)
        except voting.VotingError as exc:
            raise CycleError(str(exc)) from None
    budget.status = BudgetStatus.OPEN
    budget.save(update_fields=["status"])
    record(
        budget.body.ledger_chain,
        "budget.opened",
        {
            "budget": budget.pk,
            "polls": [d.poll_id for d in _polls(budget)],
            "voters": [voters[d.pk] for d in _polls(budget)],
        },
        actor=actor,
    )
    return budget


def _options(district: BudgetDistrict) -> list[Option]:
    return list(Option.objects.filter(poll_id=district.poll_id).order_by("id"))


def voting_districts(budget: Budget, user) -> list[BudgetDistrict]:
    """The districts whose register holds ``user`` (a commune-wide budget: their own
    council's district and the commune-wide one)."""
    if user is None or not getattr(user, "pk", None):
        return []
    return [d for d in _polls(budget) if d.poll.voters.filter(user_id=user.pk).exists()]


def cast(budget: Budget, *, user, choices: dict[int, Any], receipt_code: str | None = None) -> str:
    """Cast ``user``'s ballot in each district named in ``choices`` (district id -> the choices
    as the voting service takes them) with ONE receipt code, which it returns; every district's
    ballot is checked before any is cast, so a bad one casts nothing. ``receipt_code``: the
    code of the voter's earlier ballot, to change it."""
    budget.refresh_from_db(fields=["status"])
    if budget.status != BudgetStatus.OPEN:
        raise CycleError(_("This budget vote is not open."))
    districts = {d.pk: d for d in _polls(budget)}
    if not choices:
        raise CycleError(_("Choose at least one project."))
    checked: list[tuple[BudgetDistrict, list[Option], Any]] = []
    for district_id, raw in choices.items():
        district = districts.get(int(district_id))
        if district is None:
            raise CycleError(_("This budget has no such district."))
        if user is None or not district.poll.voters.filter(user_id=user.pk).exists():
            raise CycleError(refused_district(budget, district))
        options = _options(district)
        try:
            voting_ballots.normalise(district.poll, options, raw)
        except voting_ballots.BallotError as exc:
            raise CycleError(
                _("%(district)s: %(problem)s") % {"district": district.name, "problem": exc}
            ) from None
        checked.append((district, options, raw))
    code = voting.normalise_code(receipt_code) if receipt_code else voting.new_receipt_code()
    try:
        with transaction.atomic():
            for district, options, raw in checked:
                voting.cast(
                    district.poll,
                    user,
                    raw,
                    receipt_code=receipt_code or None,
                    new_code=code,
                    options=options,
                )
    except voting.VotingError as exc:
        raise CycleError(str(exc)) from None
    return code


def refused_district(budget: Budget, district: BudgetDistrict) -> str:
    """Why a ballot in ``district`` is refused to someone not on its register."""
    voters = district.voters_body or budget.body
    return _(
        "You do not vote in %(district)s: only the residents of %(body)s on its register do. "
        "Nothing was cast."
    ) % {"district": district.name, "body": voters.name}


def _chosen_keys(raw: Any) -> list[str]:
    if isinstance(raw, dict):
        return [k for k, v in raw.items() if str(v).strip() not in ("", "0")]
    if isinstance(raw, str):
        return [raw] if raw else []
    return [str(k) for k in raw or []]


@dataclass
class Spent:
    district: BudgetDistrict
    spent: Decimal
    limit: Decimal  # what a ballot may spend: the most a ballot may spend, else the amount
    capped: bool  # the limit is a rule of the ballot (a cart), not only the budget

    @property
    def over(self) -> bool:
        return self.capped and self.spent > self.limit

    @property
    def left(self) -> Decimal:
        return self.limit - self.spent


def spent(budget: Budget, choices: dict[int, Any]) -> list[Spent]:
    """The running total of a (possibly incomplete) ballot, per district of the budget: the
    cost of the projects chosen (given points, ranked) against what a ballot may spend."""
    found = []
    for district in _polls(budget):
        costs = {
            e.key: e.project.cost if e.project_id else None
            for e in district.entries.select_related("project")
        }
        if district.poll_id:
            costs = {o.key: o.cost for o in _options(district)}
        raw = choices.get(district.pk) or choices.get(str(district.pk)) or []
        total = sum((costs.get(k) or Decimal(0) for k in _chosen_keys(raw)), Decimal(0))
        poll = district.poll
        capped = poll is not None and poll.max_cost is not None
        limit = poll.max_cost if capped else district.amount
        found.append(Spent(district, total, limit, capped))
    return found


# --- the count -----------------------------------------------------------------------------


def compare(poll: Poll) -> dict[str, Any]:
    """What the budget's rule and the compared rules fund on the poll's ballots: rule id ->
    the funded keys, or None when the rule cannot count these ballots (Phragmén takes only
    approval-like ballots)."""
    inst = tally.pb_instance(poll)
    found: dict[str, Any] = {}
    if poll.result and "winners" in poll.result:
        found[poll.rule] = list(poll.result["winners"])  # the count's own: not run twice
    for rule in (poll.rule, *COMPARED):
        if rule in found:
            continue
        try:
            lookup(pb.RULES, rule, inst.vote_type)
        except ValueError:
            found[rule] = None
            continue
        found[rule] = list(pb.run(rule, inst).selected)
    return found


@transaction.atomic
def count(budget: Budget, *, by: Any) -> Budget:
    """Close and count every district's poll, compute the comparison with the other rules
    once (kept in the poll's result), and record the funded keys per district."""
    actor = actor_label(by)
    budget = _locked(budget)
    if budget.status != BudgetStatus.OPEN:
        raise CycleError(_("Only an open budget vote can be counted."))
    for district in _polls(budget):
        poll = district.poll
        if poll.status == PollStatus.OPEN:
            try:
                voting.close_poll(poll, by=by)
            except voting.VotingError as exc:
                raise CycleError(str(exc)) from None
        remember_comparison(district)
    budget.status = BudgetStatus.COUNTED
    budget.save(update_fields=["status"])
    record(budget.body.ledger_chain, "budget.counted", counted_payload(budget), actor=actor)
    return budget


def remember_comparison(district: BudgetDistrict) -> None:
    """Compute the comparison of a district's closed poll and keep it on the district (a
    count writes it once; a page only reads it)."""
    district.poll.refresh_from_db()
    district.comparison = compare(district.poll)
    district.save(update_fields=["comparison"])


def counted_payload(budget: Budget) -> dict[str, Any]:
    return {
        "budget": budget.pk,
        "rule": budget.rule,
        "districts": [
            {
                "district": d.pk,
                "amount": str(d.amount),
                "poll": d.poll_id,
                "funded": list((d.poll.result or {}).get("winners", [])),
                "comparison": d.comparison,
            }
            for d in _polls(budget)
        ],
    }


# --- the outcome ---------------------------------------------------------------------------


@dataclass
class ProjectOutcome:
    entry: BudgetProject
    option: Option | None
    counted: bool  # funded by the count
    funded: bool  # funded after the carried deviations
    sentences: list[str]
    votes: int
    deviation: Deviation | None  # the carried deviation that changed it, if any


@dataclass
class Column:
    rule: str
    applicable: bool
    funded: list[str]  # keys
    cost: Decimal


@dataclass
class DistrictOutcome:
    district: BudgetDistrict
    projects: list[ProjectOutcome]
    general: list[str]
    columns: list[Column]
    differ: list[str]  # keys some compared rule funds differently from the budget's rule
    spent: Decimal

    @property
    def left(self) -> Decimal:
        return self.district.amount - self.spent


def _comparison(district: BudgetDistrict) -> dict[str, Any]:
    return district.comparison if district.comparison is not None else compare(district.poll)


def outcome(budget: Budget) -> list[DistrictOutcome]:
    """Per district of a counted budget: each project funded or not, why (sentences in the
    active language, from the engine's messages), the carried deviation that changed it, and
    the side-by-side comparison with the other rules."""
    from comuna.voting.explain import explain

    carried = {
        d.entry_id: d
        for d in budget.deviations.filter(status=DeviationStatus.CARRIED).order_by("pk")
    }
    found = []
    for district in _polls(budget):
        poll = district.poll
        if poll is None or poll.status != PollStatus.CLOSED:
            continue
        options = _options(district)
        by_key = {o.key: o for o in options}
        result = poll.result or {}
        winners = list(result.get("winners", []))
        explained = explain(poll, options)
        whys = {w.option.key: w.sentences for w in explained.options}
        votes = result.get("tally", {})
        projects = []
        entries = list(district.entries.select_related("project__source__cycle__body"))
        for entry in entries:
            counted = entry.key in winners
            deviation = carried.get(entry.pk)
            now = counted
            if deviation is not None:
                now = deviation.change == DeviationChange.FUND
            projects.append(
                ProjectOutcome(
                    entry,
                    by_key.get(entry.key),
                    counted,
                    now,
                    whys.get(entry.key, []),
                    int(votes.get(entry.key, 0)),
                    deviation,
                )
            )
        projects.sort(key=lambda p: (not p.counted, winners.index(p.entry.key) if p.counted else 0))
        compared = _comparison(district)
        columns = []
        for rule in (poll.rule, *COMPARED):
            keys = compared.get(rule)
            if rule in [c.rule for c in columns]:
                continue
            cost = sum(
                ((by_key[k].cost or Decimal(0)) for k in keys or [] if k in by_key), Decimal(0)
            )
            columns.append(Column(rule, keys is not None, list(keys or []), cost))
        own = set(winners)
        differ = sorted(
            {k for c in columns if c.applicable for k in set(c.funded) ^ own},
            key=lambda k: [e.key for e in entries].index(k) if k in by_key else 0,
        )
        total = sum((by_key[k].cost or Decimal(0) for k in winners if k in by_key), Decimal(0))
        found.append(DistrictOutcome(district, projects, explained.general, columns, differ, total))
    return found


@dataclass
class Origin:
    """The funded projects that came from one member's plan (``body`` None: the body's own)."""

    body: Body | None
    projects: list[ProjectOutcome]
    cost: Decimal


@dataclass
class Overall:
    """A counted budget as a whole, after the carried deviations: how much of the amount the
    funded projects cost, and the funded projects by the member whose plan they came from."""

    amount: Decimal
    spent: Decimal
    funded: int
    projects: int
    origins: list[Origin]

    @property
    def left(self) -> Decimal:
        return self.amount - self.spent


def _cost(project: ProjectOutcome) -> Decimal:
    if project.option is not None and project.option.cost is not None:
        return project.option.cost
    return project.entry.project.cost if project.entry.project_id else Decimal(0)


def overall(budget: Budget, found: list[DistrictOutcome]) -> Overall:
    """The whole of a counted budget from its districts' outcome (:func:`outcome`); each
    district's ``funded_cost`` (after the carried deviations) is set on it too."""
    origins: dict[int | None, Origin] = {}
    spent = Decimal(0)
    funded_n = projects_n = 0
    for district in found:
        district.funded_cost = Decimal(0)
        for project in district.projects:
            projects_n += 1
            if not project.funded:
                continue
            cost = _cost(project)
            district.funded_cost += cost
            spent += cost
            funded_n += 1
            entry_project = project.entry.project
            origin = _origin(entry_project) if entry_project is not None else None
            if origin is None and district.district.voters_body_id:
                origin = district.district.voters_body
            key = origin.pk if origin is not None else None
            row = origins.setdefault(key, Origin(origin, [], Decimal(0)))
            row.projects.append(project)
            row.cost += cost
    ordered = sorted(
        origins.values(), key=lambda o: (o.body is None, o.body.name if o.body else "")
    )
    return Overall(budget.amount, spent, funded_n, projects_n, ordered)


def counted_keys(budget: Budget) -> list[str]:
    """The keys the count funded, every district, before deviations."""
    keys: list[str] = []
    for district in _polls(budget):
        poll = district.poll
        if poll is not None and poll.status == PollStatus.CLOSED:
            keys.extend((poll.result or {}).get("winners", []))
    return keys


def funded(budget: Budget) -> list[str]:
    """The keys funded after the deviations the assembly carried (in the budget's key order)."""
    keys = set(counted_keys(budget))
    for deviation in (
        budget.deviations.filter(status=DeviationStatus.CARRIED)
        .select_related("entry")
        .order_by("pk")
    ):
        if deviation.change == DeviationChange.FUND:
            keys.add(deviation.entry.key)
        else:
            keys.discard(deviation.entry.key)
    order = list(
        BudgetProject.objects.filter(district__budget=budget)
        .order_by("district__position", "district_id", "pk")
        .values_list("key", flat=True)
    )
    return [k for k in order if k in keys]


def export_pb(budget: Budget, district: BudgetDistrict) -> str:
    """One district of the budget as a ``.pb`` file: the Pabulib part's exporter
    (``pbfiles.export_pb``), or the voting engine's own until that is merged."""
    from comuna.cycles import pbfiles

    exporter = getattr(pbfiles, "export_pb", None)
    if exporter is not None:
        return exporter(budget, district=district)
    return tally.export_pb(district.poll)


# --- deviations ----------------------------------------------------------------------------


def put_on_agenda(assembly: Assembly, *, text: str, description: str, why, by: Any):
    """A decision the cycle needs (a deviation, spending beyond an allocation) as an item of
    the assembly in session, or added to a coming one's agenda while it may be amended; its
    main motion asks for a simple majority of those present. ``why`` (lazy) is said in the
    site's language. Returns the agenda item; a refusal of the assemblies becomes a
    CycleError under ``assembly``."""
    actor = actor_label(by)
    assembly = assembly.locked()
    reason = site_language(why)
    try:
        if assembly.status == Status.IN_SESSION:
            return convening.add_item_in_session(
                assembly, text=text, majority=Majority.SIMPLE, reason=reason, actor=actor
            )
        before = set(assembly.items.values_list("pk", flat=True))
        convening.amend_agenda(
            assembly,
            add=[{"text": text, "description": description, "majority": Majority.SIMPLE}],
            reason=reason,
            by=by,
        )
        return assembly.items.exclude(pk__in=before).get()
    except AssemblyError as exc:
        error = CycleError(" ".join(exc.messages))
        error.field = "assembly"
        raise error from None


def schedulable(body) -> list[Assembly]:
    """The assemblies a deviation may go to: the one in session, then the coming ones whose
    agenda may still be amended."""
    in_session = list(body.assemblies.filter(status=Status.IN_SESSION).order_by("starts_at"))
    return in_session + convening.coming_amendable(body)


def deviation_text(deviation: Deviation) -> str:
    project = deviation.entry.project.title if deviation.entry.project_id else deviation.entry.key
    message = (
        gettext_lazy("Budget {budget}: fund {project} although the count did not")
        if deviation.change == DeviationChange.FUND
        else gettext_lazy("Budget {budget}: do not fund {project} although the count did")
    )
    return site_language(format_lazy(message, budget=deviation.budget.title, project=project))[:300]


def proposed_payload(deviation: Deviation) -> dict[str, Any]:
    return {
        "deviation": deviation.pk,
        "budget": deviation.budget_id,
        "key": deviation.entry.key,
        "district": deviation.entry.district_id,
        "change": deviation.change,
        "reason": deviation.reason,
        "assembly": deviation.item.assembly_id if deviation.item_id else None,
        "item": deviation.item_id,
    }


@transaction.atomic
def propose_deviation(
    budget: Budget,
    *,
    entry: BudgetProject,
    change: str,
    reason: str,
    assembly: Assembly,
    by: Any,
) -> Deviation:
    """Put a change to the computed outcome (fund a project the count did not, or not fund
    one it did) on the agenda of the assembly in session, or of a coming assembly while its
    agenda may be amended. It takes effect only when the assembly carries it (simple majority
    of those present)."""
    actor = actor_label(by)
    budget = _locked(budget)
    if budget.status != BudgetStatus.COUNTED:
        raise CycleError(_("Only the outcome of a counted budget can be changed."))
    if entry.district.budget_id != budget.pk:
        raise CycleError(_("That project is not on this budget."))
    if change not in DeviationChange.values:
        raise CycleError(_("Choose whether to fund the project or not."))
    reason = (reason or "").strip()
    if not reason:
        raise CycleError(
            _("Say why the outcome should change: the assembly and the public read it.")
        )
    now = set(funded(budget))
    if change == DeviationChange.FUND and entry.key in now:
        raise CycleError(_("This project is already funded."))
    if change == DeviationChange.UNFUND and entry.key not in now:
        raise CycleError(_("This project is not funded."))
    matters.lapse_stale(
        budget.deviations.filter(entry=entry),
        chain=budget.body.ledger_chain,
        kind="budget.deviation_lapsed",
        payload=lapsed_payload,
        actor=actor,
    )
    if budget.deviations.filter(entry=entry, status=DeviationStatus.PROPOSED).exists():
        raise CycleError(_("A change to this project already waits for the assembly."))
    if assembly.body_id != budget.body_id:
        raise CycleError(_("That assembly is of another body."))
    deviation = Deviation.objects.create(
        budget=budget,
        entry=entry,
        change=change,
        reason=reason,
        proposed_by=acting_user(by),
    )
    item = put_on_agenda(
        assembly,
        text=deviation_text(deviation),
        description=reason,
        why=gettext_lazy("A change to the computed outcome of a participatory budget."),
        by=by,
    )
    deviation.item = item
    deviation.save(update_fields=["item"])
    record(
        budget.body.ledger_chain,
        "budget.deviation_proposed",
        proposed_payload(deviation),
        actor=actor,
    )
    return deviation


def lapsed_payload(deviation: Deviation) -> dict[str, Any]:
    return {
        "deviation": deviation.pk,
        "budget": deviation.budget_id,
        "key": deviation.entry.key,
    } | matters.where_lapsed(deviation)


def decided_payload(deviation: Deviation) -> dict[str, Any]:
    return {
        "deviation": deviation.pk,
        "budget": deviation.budget_id,
        "key": deviation.entry.key,
        "change": deviation.change,
        "motion": deviation.motion_id,
        "outcome": deviation.status,
    }


def on_decided(sender, motion: Motion, actor: str, **kwargs: Any) -> None:
    """The assemblies decided a motion: when it is the main motion on a deviation's item, the
    deviation is carried or rejected with it, in the same transaction."""
    deviation = matters.decide(Deviation, motion, related=("entry", "budget__body"))
    if deviation is None:
        return
    record(
        deviation.budget.body.ledger_chain,
        "budget.deviation_decided",
        decided_payload(deviation),
        actor=actor,
    )


# --- ledger checks -------------------------------------------------------------------------


def _budget_of(entry) -> tuple[Budget | None, str | None]:
    budget = Budget.objects.select_related("body").filter(pk=entry.data.get("budget")).first()
    if budget is None:
        return None, _("budget %(budget)s is missing from the database") % {
            "budget": entry.data.get("budget")
        }
    if budget.body.ledger_chain != entry.chain:
        return None, _("budget %(budget)s belongs to another body") % {"budget": budget.pk}
    return budget, None


def _is_latest_settings(entry, budget: Budget) -> bool:
    """Whether ``entry`` is the budget's last ``budget.created``/``budget.edited`` entry (the
    earlier ones describe settings since edited)."""
    from comuna.ledger import entries

    later = (
        entries(entry.chain).filter(kind="budget.edited", seq__gt=entry.seq).only("payload", "kind")
    )
    return not any(e.data.get("budget") == budget.pk for e in later)


def check_settings(entry) -> str | None:
    budget, problem = _budget_of(entry)
    if budget is None:
        return problem
    if not _is_latest_settings(entry, budget):
        return None
    return differs(_("budget"), budget.pk, entry.data, settings_payload(budget), every_key=True)


def check_opened(entry) -> str | None:
    budget, problem = _budget_of(entry)
    if budget is None:
        return problem
    if budget.status == BudgetStatus.DRAFT:
        return _("budget %(budget)s was opened, but it says it is a draft") % {"budget": budget.pk}
    polls = [d.poll_id for d in _polls(budget)]
    if polls != entry.data.get("polls"):
        return changed(_("budget"), budget.pk, ["polls"])
    return None


def check_counted(entry) -> str | None:
    budget, problem = _budget_of(entry)
    if budget is None:
        return problem
    if budget.status != BudgetStatus.COUNTED:
        return _("budget %(budget)s was counted, but it says otherwise") % {"budget": budget.pk}
    return differs(_("budget"), budget.pk, entry.data, counted_payload(budget), every_key=True)


def _deviation_of(entry) -> tuple[Deviation | None, str | None]:
    deviation = (
        Deviation.objects.select_related("budget__body", "entry", "item")
        .filter(pk=entry.data.get("deviation"))
        .first()
    )
    if deviation is None or deviation.budget.body.ledger_chain != entry.chain:
        return None, _("deviation %(deviation)s is missing from the database") % {
            "deviation": entry.data.get("deviation")
        }
    return deviation, None


check_deviation_proposed, check_deviation_decided, check_deviation_lapsed = matters.entry_checks(
    _deviation_of,
    gettext_lazy("deviation"),
    proposed=proposed_payload,
    decided=decided_payload,
    not_lapsed=gettext_lazy("deviation %(id)s lapsed, but it says otherwise"),
)


def check_deviations(chain: str) -> list[tuple[int, str, str]]:
    """Per chain: no deviation is in force (carried), rejected or lapsed without the entry
    that says so."""
    from comuna.territory import records

    body = records.body_of_chain(chain)
    if body is None:
        return []
    unrecorded = matters.undecided(
        chain,
        Deviation.objects.filter(budget__body=body),
        key="deviation",
        decided="budget.deviation_decided",
        lapsed="budget.deviation_lapsed",
    )
    return [
        (
            0,
            "",
            _("deviation %(deviation)s is %(status)s with no assembly decision recorded")
            % {"deviation": deviation.pk, "status": deviation.status},
        )
        for deviation in unrecorded
    ]


# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {
    "budget.created": (check_settings, gettext_lazy("Participatory budget created")),
    "budget.edited": (check_settings, gettext_lazy("Participatory budget edited")),
    "budget.opened": (check_opened, gettext_lazy("Participatory budget vote opened")),
    "budget.counted": (check_counted, gettext_lazy("Participatory budget counted")),
    "budget.deviation_proposed": (
        check_deviation_proposed,
        gettext_lazy("Change to a budget's outcome put to the assembly"),
    ),
    "budget.deviation_decided": (
        check_deviation_decided,
        gettext_lazy("Change to a budget's outcome decided by the assembly"),
    ),
    "budget.deviation_lapsed": (
        check_deviation_lapsed,
        gettext_lazy("Change to a budget's outcome left undecided by its assembly"),
    ),
}
CHAIN_CHECKS: dict = {"budget.deviations": check_deviations}
