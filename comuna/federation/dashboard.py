"""The dashboard of a commune or a communal city, as data: what its councils reported, planned,
were given, received and spent, and how many took part, rolled up from every council federated
into it (at any depth), per member and in total. Pages and the API render it; nothing here
writes.

What is counted, for each body of the tree (its *own* figures), then summed up the tree:

- *needs*: the needs reported in the body's cycles (withdrawn ones left out), by category;
  *reporters*: the residents who reported them, each counted once per body where they
  reported (a resident who reported in their council's cycle and in the commune's counts in
  both rows);
- *projects*: the projects proposed in its cycles, by status; *executions*: its funded projects
  by the status of their execution (under way: not started, in progress or paused; done;
  abandoned);
- *money*, per currency, never added across currencies, every sum a ``Decimal`` added here
  (SQLite adds decimals as floats): *allocated* to funded projects (``Execution.allocation``),
  *received* (``FundsReceived``), *spent* (expenses, a reversal counting as its negative);
- *register*: the residents on the electoral register today, under the body's own statute
  (residents belong to councils, so a commune's or city's own register is empty);
- *turnout*: over the body's counted polls (closed, with their turnout recorded when closed;
  a budget's district polls among them), the ballots counted (``ballots``) over the sizes of
  their registers (``eligible``), both summed as each closing recorded them: no ballot and no
  voter row is read. A district of a commune-wide budget voted by one council's register
  counts in that council's row. An assembly's secret ballot (its register is the people
  present) and a poll with an empty register (an imported file's) are left out.

**Small counts.** Every figure that counts people (*register*, *reporters*, *ballots*,
*eligible*) is suppressed when below the largest ``dashboard_min_count`` among the statutes of
the federation's communes and cities (default 5; see :func:`dashboard`: one suppression for the
whole federation): its :class:`Figure` has ``value=None`` and ``suppressed=True``, and
the true value is not kept in what this module returns. A turnout is shown only when both its
ballots and its register are. Zero is below the threshold too.

**Complementary suppression.** A row's figure is its own figures plus its members' rows, and
that sum is shown: if exactly one term of such a sum were suppressed, it could be recovered
by subtracting the others from the total. So, until no sum has exactly one suppressed term, the
smallest figure shown among the other members of that sum is suppressed as well (the sum
itself when no member is left to suppress). A member with no such figure (no counted poll:
``None``, nothing to hide) is a known zero.

Counts of needs, projects and money are not counts of people and are always shown (each
council's own pages show them already); so a row with fewer needs than the threshold says, as
those pages do, that at most that many people reported them.

**Statutes that keep the cycle to members.** A body whose statute does not make its cycle
public (``cycle_public``, not the dashboard's own body) contributes nothing: none of its own
figures counts in any row or total, so nothing about it can be read or derived here; it is
listed in ``withheld`` with its row marked. Its members' own figures still count (each judged
by its own statute).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from comuna.cycles.models import (
    Execution,
    ExecutionStatus,
    Expense,
    FundsReceived,
    Need,
    NeedCategory,
    Project,
)
from comuna.cycles.rules import UNDER_WAY
from comuna.territory.census import months_before, years_before
from comuna.territory.models import Body, BodyKind, Resident, StatuteVersion
from comuna.voting.models import Poll, Status

LEDGER_CHECKS: dict = {}  # a dashboard writes nothing, so it has no entry kind to re-check

FEDERATIONS = (BodyKind.COMMUNE, BodyKind.CITY)
ZERO = Decimal("0.00")
# the figures that count people: suppressed below the statute's dashboard_min_count
PEOPLE = ("register", "reporters", "ballots", "eligible")
# suppressed together: a council's register today and the registers of its counted polls are
# often the same number, so hiding one and showing the other would hide nothing
LINKED = (("register", "eligible"), ("reporters",), ("ballots",))


class NoDashboard(LookupError):
    """A council (or another body that is not a commune or a city) has no dashboard: its
    own pages show its figures."""


@dataclass(frozen=True)
class Figure:
    """A count of people, or a turnout: ``value`` (None when suppressed, or when there is
    nothing to count: then ``suppressed`` is False)."""

    value: int | Decimal | None
    suppressed: bool = False

    @property
    def shown(self) -> bool:
        return self.value is not None


@dataclass
class Money:
    """One currency's figures."""

    currency: str
    allocated: Decimal = ZERO
    received: Decimal = ZERO
    spent: Decimal = ZERO


@dataclass
class Row:
    """A body's figures: its own (``own=True``: its own cycles, budgets and polls, not its
    members'), or with every body federated into it (``members``: their rows, and its own
    row first when it has any)."""

    body: Body
    own: bool = False
    withheld: bool = False  # its statute keeps its cycle to its members: none of it counts
    needs: int = 0
    needs_by_category: dict[str, int] = field(default_factory=dict)
    projects: dict[str, int] = field(default_factory=dict)  # by ProjectStatus
    executions: dict[str, int] = field(default_factory=dict)  # by ExecutionStatus
    money: list[Money] = field(default_factory=list)  # the dashboard's currency first
    polls: int = 0  # counted polls
    register: Figure = Figure(None)
    reporters: Figure = Figure(None)
    ballots: Figure = Figure(None)
    eligible: Figure = Figure(None)
    turnout: Figure = Figure(None)  # a percentage, to one decimal
    members: list[Row] = field(default_factory=list)

    @property
    def projects_total(self) -> int:
        return sum(self.projects.values())

    @property
    def under_way(self) -> int:
        return sum(self.executions.get(s, 0) for s in UNDER_WAY)

    @property
    def done(self) -> int:
        return self.executions.get(ExecutionStatus.DONE, 0)

    @property
    def abandoned(self) -> int:
        return self.executions.get(ExecutionStatus.ABANDONED, 0)

    def walk(self) -> Iterable[Row]:
        """This row and every row under it, depth first."""
        yield self
        for member in self.members:
            yield from member.walk()


@dataclass
class Dashboard:
    body: Body
    on: date
    min_count: int  # the statute's dashboard_min_count: fewer people are not shown
    total: Row  # the body's figures with its members', its members' rows in ``members``
    withheld: list[Body]  # bodies whose statute keeps their cycle to their members
    categories: list[str]  # the need categories reported anywhere, in their usual order
    currencies: list[str]  # the dashboard body's currency first

    @property
    def suppressed_any(self) -> bool:
        return any(getattr(row, name).suppressed for row in self.total.walk() for name in PEOPLE)


# --- the raw figures, per body ---------------------------------------------------------------


@dataclass
class _Own:
    """A body's own figures before suppression."""

    needs: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reporters: int | None = None
    projects: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    executions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    money: dict[str, Money] = field(default_factory=dict)
    polls: int = 0
    register: int | None = None
    ballots: int | None = None
    eligible: int | None = None

    def money_in(self, currency: str) -> Money:
        return self.money.setdefault(currency, Money(currency))

    def empty(self) -> bool:
        return not (
            self.needs
            or self.reporters
            or self.projects
            or self.executions
            or self.money
            or self.polls
            or self.register
        )


def _statutes(ids: set[int]) -> dict[int, StatuteVersion]:
    """Each body's statute in force (its latest version), in one query."""
    found: dict[int, StatuteVersion] = {}
    for version in StatuteVersion.objects.filter(body_id__in=ids).order_by("body_id", "-number"):
        found.setdefault(version.body_id, version)
    return found


def _own_figures(
    bodies: dict[int, Body], included: set[int], statutes: dict[int, StatuteVersion], on: date
) -> dict[int, _Own]:
    own = {pk: _Own() for pk in included}
    needs = Need.objects.filter(cycle__body_id__in=included, withdrawn=False)
    for row in needs.values("cycle__body_id", "category").annotate(n=Count("pk")):
        own[row["cycle__body_id"]].needs[row["category"]] += row["n"]
    for row in needs.values("cycle__body_id").annotate(n=Count("reported_by", distinct=True)):
        own[row["cycle__body_id"]].reporters = row["n"]
    for row in (
        Project.objects.filter(cycle__body_id__in=included)
        .values("cycle__body_id", "status")
        .annotate(n=Count("pk"))
    ):
        own[row["cycle__body_id"]].projects[row["status"]] += row["n"]
    # money: summed here in Decimal, never by the database
    for body_id, status, currency, amount in Execution.objects.filter(
        budget__body_id__in=included
    ).values_list("budget__body_id", "status", "currency", "allocation"):
        own[body_id].executions[status] += 1
        own[body_id].money_in(currency).allocated += amount
    for body_id, currency, amount in FundsReceived.objects.filter(body_id__in=included).values_list(
        "body_id", "currency", "amount"
    ):
        own[body_id].money_in(currency).received += amount
    for body_id, currency, amount in Expense.objects.filter(
        execution__budget__body_id__in=included
    ).values_list("execution__budget__body_id", "currency", "amount"):
        own[body_id].money_in(currency).spent += amount
    _turnout(own, included)
    _registers(own, bodies, included, statutes, on)
    for pk in included:
        if bodies[pk].kind == BodyKind.COUNCIL and own[pk].reporters is None:
            own[pk].reporters = 0  # a council's residents report its needs: none did
    return own


def _turnout(own: dict[int, _Own], included: set[int]) -> None:
    """The ballots and register sizes each closing recorded (``Poll.result["turnout"]``),
    per body: a district's poll in the row of the body whose register voted in it."""
    polls = (
        Poll.objects.filter(status=Status.CLOSED, motion__isnull=True)
        .filter(Q(body_id__in=included) | Q(district__voters_body_id__in=included))
        .values_list("body_id", "district__voters_body_id", "result__turnout")
    )
    for body_id, voters_body_id, figures in polls:
        target = voters_body_id or body_id
        if target not in own or not isinstance(figures, dict):
            continue
        register, ballots = figures.get("register"), figures.get("ballots")
        if not isinstance(register, int) or not isinstance(ballots, int) or register <= 0:
            continue
        row = own[target]
        row.polls += 1
        row.eligible = (row.eligible or 0) + register
        row.ballots = (row.ballots or 0) + ballots


def _registers(
    own: dict[int, _Own],
    bodies: dict[int, Body],
    included: set[int],
    statutes: dict[int, StatuteVersion],
    on: date,
) -> None:
    """Each body's own residents on its register today, under its own statute (the same
    test as ``census.register``), in one query per distinct pair of age and residence."""
    by_rule: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk in included:
        statute = statutes[pk]
        by_rule[(statute.voting_age, statute.voter_residence_months)].append(pk)
    counts: dict[int, int] = {}
    for (age, months), ids in by_rule.items():
        counts |= dict(
            Resident.objects.filter(
                body_id__in=ids,
                birth_date__lte=years_before(on, age),
                resident_since__lte=months_before(on, months),
            )
            .values("body_id")
            .annotate(n=Count("pk"))
            .values_list("body_id", "n")
        )
    for pk in included:
        n = counts.get(pk, 0)
        # residents belong to councils: a council's register is always a figure
        own[pk].register = n if n or bodies[pk].kind == BodyKind.COUNCIL else None


# --- rolling up ------------------------------------------------------------------------------


@dataclass
class _Node:
    """A row being built: raw people counts by figure name, and its sum's terms."""

    row: Row
    raw: dict[str, int | None]
    terms: list[_Node] = field(default_factory=list)  # own row and members (a sum's terms)


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def _own_node(body: Body, figures: _Own, currencies: list[str]) -> _Node:
    money = sorted(figures.money.values(), key=lambda m: _currency_order(m.currency, currencies))
    row = Row(
        body=body,
        own=True,
        needs=sum(figures.needs.values()),
        needs_by_category=dict(figures.needs),
        projects=dict(figures.projects),
        executions=dict(figures.executions),
        money=money,
        polls=figures.polls,
    )
    return _Node(row, {name: getattr(figures, name) for name in PEOPLE})


def _currency_order(currency: str, currencies: list[str]) -> tuple[int, str]:
    return (currencies.index(currency) if currency in currencies else len(currencies), currency)


def _sum_node(body: Body, terms: list[_Node], withheld: bool, currencies: list[str]) -> _Node:
    row = Row(body=body, withheld=withheld)
    raw: dict[str, int | None] = dict.fromkeys(PEOPLE)
    money: dict[str, Money] = {}
    needs: dict[str, int] = defaultdict(int)
    projects: dict[str, int] = defaultdict(int)
    executions: dict[str, int] = defaultdict(int)
    for term in terms:
        for name in PEOPLE:
            raw[name] = _add(raw[name], term.raw[name])
        for key, n in term.row.needs_by_category.items():
            needs[key] += n
        for key, n in term.row.projects.items():
            projects[key] += n
        for key, n in term.row.executions.items():
            executions[key] += n
        for m in term.row.money:
            total = money.setdefault(m.currency, Money(m.currency))
            total.allocated += m.allocated
            total.received += m.received
            total.spent += m.spent
        row.polls += term.row.polls
    row.needs_by_category, row.needs = dict(needs), sum(needs.values())
    row.projects, row.executions = dict(projects), dict(executions)
    row.money = sorted(money.values(), key=lambda m: _currency_order(m.currency, currencies))
    return _Node(row, raw, terms)


def _build(
    body: Body,
    children: dict[int | None, list[Body]],
    own: dict[int, _Own],
    currencies: list[str],
) -> _Node:
    """The node of ``body``: a leaf's own figures, or the sum of its own row (when it has
    one) and its members' nodes."""
    withheld = body.pk not in own
    members = [_build(c, children, own, currencies) for c in children.get(body.pk, [])]
    if not members:
        if withheld:
            return _Node(Row(body=body, withheld=True), dict.fromkeys(PEOPLE))
        node = _own_node(body, own[body.pk], currencies)
        node.row.own = False
        return node
    terms = list(members)
    if not withheld and not own[body.pk].empty():
        terms.insert(0, _own_node(body, own[body.pk], currencies))
    node = _sum_node(body, terms, withheld, currencies)
    node.row.members = [t.row for t in terms]
    return node


def _sums(node: _Node) -> Iterable[_Node]:
    """Every node that is shown as a sum of shown terms."""
    if node.terms:
        yield node
        for term in node.terms:
            yield from _sums(term)


def suppress(root: _Node, names: tuple[str, ...], min_count: int) -> set[int]:
    """The ids (``id()``) of the nodes whose figures ``names`` are suppressed together: any of
    them below ``min_count``, then complementary suppression until no sum of any of them has
    exactly one suppressed term (see the module's docstring)."""
    nodes = list(_walk(root))
    hidden = {
        id(n)
        for n in nodes
        if any(n.raw[name] is not None and n.raw[name] < min_count for name in names)
    }
    sums = list(_sums(root))
    changed = True
    while changed:
        changed = False
        for name in names:
            for total in sums:
                terms = [n for n in [total, *total.terms] if n.raw[name] is not None]
                if sum(1 for n in terms if id(n) in hidden) != 1:
                    continue
                shown = [n for n in total.terms if n.raw[name] is not None and id(n) not in hidden]
                if shown:
                    hidden.add(id(min(shown, key=lambda n: n.raw[name])))
                else:  # the one hidden term is all there is: hide the sum
                    hidden.add(id(total))
                changed = True
    return hidden


def _walk(node: _Node) -> Iterable[_Node]:
    yield node
    for term in node.terms:
        yield from _walk(term)


def _percent(ballots: int, eligible: int) -> Decimal:
    exact = Decimal(ballots * 100) / Decimal(eligible)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _finish(root: _Node, min_count: int) -> None:
    """Put each node's people figures on its row, suppressed ones with no value."""
    hidden = {name: suppress(root, group, min_count) for group in LINKED for name in group}
    for node in _walk(root):
        for name in PEOPLE:
            value = node.raw[name]
            # nothing to count (no counted poll) hides nothing: the polls' count says so
            if id(node) in hidden[name] and value is not None:
                setattr(node.row, name, Figure(None, suppressed=True))
            else:
                setattr(node.row, name, Figure(value))
        ballots, eligible = node.row.ballots, node.row.eligible
        if ballots.suppressed or eligible.suppressed:
            node.row.turnout = Figure(None, suppressed=True)
        elif ballots.shown and eligible.shown and eligible.value:
            node.row.turnout = Figure(_percent(ballots.value, eligible.value))  # type: ignore[arg-type]


# --- the dashboard ---------------------------------------------------------------------------


def has_dashboard(body: Body) -> bool:
    return body.kind in FEDERATIONS


def top_of(body: Body) -> Body:
    """The highest body with a dashboard that ``body`` is federated into (itself if none):
    every dashboard of that federation is read off the same suppression."""
    top = body
    for above in body.ancestors():  # parent first
        if has_dashboard(above):
            top = above
    return top


def dashboard(body: Body, *, today: date | None = None) -> Dashboard:
    """The dashboard of the commune or city ``body``; NoDashboard for any other body.

    **One suppression for the whole federation.** The figures are computed and suppressed
    once for the highest body with a dashboard that ``body`` is federated into (its city), with
    the largest ``dashboard_min_count`` of the statutes of the federation's communes and
    cities, and ``body``'s dashboard is its part of that one table. So a commune's dashboard and
    its city's hide the same figures, and nothing hidden on one is recovered by subtracting
    what the other shows. A body whose statute keeps its cycle to its members (the top body
    aside) contributes nothing, on its own dashboard too."""
    if not has_dashboard(body):
        raise NoDashboard(body.slug)
    on = today or timezone.localdate()
    top = top_of(body)
    ids = top.descendant_ids()
    bodies = {b.pk: b for b in Body.objects.filter(pk__in=ids).order_by("name", "pk")}
    statutes = _statutes(ids)
    min_count = max(
        statutes[pk].dashboard_min_count for pk, b in bodies.items() if has_dashboard(b)
    )
    withheld = [b for b in bodies.values() if b.pk != top.pk and not statutes[b.pk].cycle_public]
    included = set(bodies) - {b.pk for b in withheld}
    own = _own_figures(bodies, included, statutes, on)
    currencies = [body.currency]
    for figures in own.values():
        currencies += sorted(set(figures.money) - set(currencies))
    currencies = [currencies[0], *sorted(set(currencies[1:]))]
    children: dict[int | None, list[Body]] = defaultdict(list)
    for b in bodies.values():  # in name order
        if b.pk != top.pk:
            children[b.parent_id].append(b)
    root = _build(top, children, own, currencies)
    _finish(root, min_count)
    total = next(n.row for n in _walk(root) if n.row.body.pk == body.pk and not n.row.own)
    mine, waiting = set(), [body.pk]
    while waiting:  # body and every body under it, from the tree already read
        pk = waiting.pop()
        mine.add(pk)
        waiting += [c.pk for c in children.get(pk, [])]
    found = {key for pk, figures in own.items() if pk in mine for key in figures.needs}
    return Dashboard(
        body=body,
        on=on,
        min_count=min_count,
        total=total,
        withheld=[b for b in withheld if b.pk in mine],
        categories=[c for c in NeedCategory.values if c in found],
        currencies=[c for c in currencies if c == body.currency or _has_money(total, c)],
    )


def _has_money(row: Row, currency: str) -> bool:
    return any(m.currency == currency for r in row.walk() for m in r.money)
