"""The dashboard of a commune and of a communal city: figures rolled up from the councils, per
member and in total; counts of people below the statute's threshold suppressed, with a second
figure suppressed where one could be recovered by subtraction; money summed exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comuna.federation import dashboard
from comuna.federation.dashboard import PEOPLE, Dashboard, Figure, NoDashboard, Row
from comuna.territory import services, statutes
from comuna.territory.models import BodyKind
from tests.conftest import SETUP, add_voters, make_resident
from tests.federation.dashboard_world import commune_world, council, counted_poll

pytestmark = pytest.mark.django_db


def rows(board: Dashboard) -> dict[str, Row]:
    """Every member's row by its body's slug (an own row by ``<slug>:own``)."""
    return {
        (f"{r.body.slug}:own" if r.own else r.body.slug): r
        for r in board.total.walk()
        if r is not board.total
    }


def recoverable(board: Dashboard) -> list[tuple[str, str]]:
    """The suppressed figures that are the only suppressed term of a sum (a row and its
    members): those could be read as the sum less the others."""
    found = []
    for row in board.total.walk():
        if not row.members:
            continue
        for name in PEOPLE:
            terms = [row, *row.members]
            hidden = [t for t in terms if getattr(t, name).suppressed]
            if len(hidden) == 1:
                found.append((hidden[0].body.slug, name))
    return found


def below_threshold(board: Dashboard) -> list[tuple[str, str, int]]:
    return [
        (row.body.slug, name, getattr(row, name).value)
        for row in board.total.walk()
        for name in PEOPLE
        if getattr(row, name).value is not None and getattr(row, name).value < board.min_count
    ]


SUPPRESSED = Figure(None, suppressed=True)


@pytest.fixture
def world(cast):
    return commune_world(cast)


def test_the_commune_rolls_up_its_councils_needs_projects_executions_and_polls(world):
    board = dashboard.dashboard(world.commune)
    found = rows(board)
    assert list(found) == ["consejo-a", "consejo-b", "consejo-c"]  # no own row: nothing own
    a, b, c = found["consejo-a"], found["consejo-b"], found["consejo-c"]
    assert (a.needs, a.needs_by_category) == (6, {"water": 3, "health": 2, "roads": 1})
    assert (b.needs, b.needs_by_category) == (4, {"roads": 2, "water": 2})
    assert (c.needs, c.needs_by_category) == (1, {"water": 1})
    total = board.total
    assert (total.needs, total.needs_by_category) == (11, {"water": 6, "health": 2, "roads": 3})
    assert board.categories == ["water", "roads", "health"]  # NeedCategory's order
    assert (a.projects, c.projects, total.projects) == (
        {"feasible": 3},
        {"feasible": 1},
        {"feasible": 4},
    )
    assert (a.under_way, a.done, c.under_way, c.done) == (2, 0, 0, 1)
    assert (total.under_way, total.done, total.abandoned) == (2, 1, 0)
    assert (a.polls, b.polls, c.polls, total.polls) == (1, 1, 1, 3)
    # counts of people: A's shown (8 on the register, 5 reported needs: at the threshold)
    assert (a.register, a.reporters, a.eligible) == (Figure(8), Figure(5), Figure(8))
    assert (total.register, total.reporters) == (Figure(17), Figure(10))
    assert (total.ballots, total.eligible, total.turnout) == (
        Figure(8),
        Figure(17),
        Figure(Decimal("47.1")),  # 8 of 17
    )
    assert b.ballots == Figure(5)
    assert not below_threshold(board)
    assert not recoverable(board)


def test_money_is_summed_exactly_per_currency_never_across_currencies(world):
    board = dashboard.dashboard(world.commune)
    found = rows(board)
    assert board.currencies == ["VES", "USD"]
    (a,) = found["consejo-a"].money
    assert (a.currency, a.allocated, a.received, a.spent) == (
        "VES",
        Decimal("5000.00"),
        Decimal("6250.00"),
        Decimal("3300.00"),
    )
    (c,) = found["consejo-c"].money
    # 0.10 + 0.20 is 0.30 exactly (as floats it is 0.30000000000000004)
    assert (c.currency, c.allocated, c.received, c.spent) == (
        "USD",
        Decimal("2000.00"),
        Decimal("0.30"),
        Decimal("0.70"),
    )
    ves, usd = board.total.money
    assert (ves.currency, ves.allocated, ves.received, ves.spent) == (
        "VES",
        Decimal("5000.00"),
        Decimal("7250.10"),
        Decimal("3300.00"),
    )
    assert (usd.currency, usd.received) == ("USD", Decimal("0.30"))
    for m in (ves, usd, a, c):
        assert all(type(v) is Decimal for v in (m.allocated, m.received, m.spent))


def test_a_small_count_is_suppressed_and_one_that_could_be_subtracted_out_too(world):
    found = rows(dashboard.dashboard(world.commune))
    a, b, c = found["consejo-a"], found["consejo-b"], found["consejo-c"]
    # C has 3 on its register: suppressed; B (6) is then the smallest other, suppressed too,
    # or C would be the total (17) less A (8) less B (6)
    assert (a.register, b.register, c.register) == (Figure(8), SUPPRESSED, SUPPRESSED)
    # the same for the registers of the counted polls: suppressed with the register
    assert (a.eligible, b.eligible, c.eligible) == (Figure(8), SUPPRESSED, SUPPRESSED)
    # 4 reported needs in B, 1 in C: two suppressed, neither can be subtracted out
    assert (a.reporters, b.reporters, c.reporters) == (Figure(5), SUPPRESSED, SUPPRESSED)
    # 1 ballot in A, 2 in C; B's 5 shown
    assert (a.ballots, b.ballots, c.ballots) == (SUPPRESSED, Figure(5), SUPPRESSED)


def test_a_turnout_from_a_suppressed_count_is_suppressed(world):
    found = rows(dashboard.dashboard(world.commune))
    # A: 1 ballot of 8 (the ballots suppressed); B: 5 of 6 (the register suppressed); C: both
    for slug in ("consejo-a", "consejo-b", "consejo-c"):
        assert found[slug].turnout == SUPPRESSED


@pytest.mark.parametrize(("people", "shown"), [(4, False), (5, True)])
def test_the_threshold_is_exact_four_suppressed_five_shown(cast, people, shown):
    add_voters(cast.other, people - 1, "bv")  # the outsider is the first
    board = dashboard.dashboard(cast.commune)
    b = rows(board)["consejo-b"]
    assert b.register == (Figure(people) if shown else SUPPRESSED)
    # A (8) is the only other member: suppressed with B, or B would be the total less A
    assert rows(board)["consejo-a"].register == (Figure(8) if shown else SUPPRESSED)
    assert board.total.register == Figure(8 + people)
    assert not recoverable(board)


def test_the_commune_statute_sets_the_threshold_ten_suppresses_nine(cast):
    statutes.amend(cast.commune, {"dashboard_min_count": 10}, by=SETUP)
    statutes.amend(cast.council, {"dashboard_min_count": 2}, by=SETUP)  # not the commune's
    make_resident(cast.council, "Novena")  # council A: 9 on the register
    add_voters(cast.other, 9, "bv")  # council B: 10
    board = dashboard.dashboard(cast.commune)
    assert board.min_count == 10
    found = rows(board)
    assert found["consejo-a"].register == SUPPRESSED
    # B's 10 is not below the threshold, but shown it would give away A's 9 (19 − 10)
    assert found["consejo-b"].register == SUPPRESSED
    assert board.total.register == Figure(19)
    assert not below_threshold(board)
    assert not recoverable(board)


def test_a_council_has_no_dashboard(cast):
    with pytest.raises(NoDashboard):
        dashboard.dashboard(cast.council)
    assert dashboard.has_dashboard(cast.commune) and dashboard.has_dashboard(cast.city)


def test_a_council_whose_statute_keeps_its_cycle_to_members_is_left_out_of_every_figure(world):
    statutes.amend(world.c, {"cycle_public": False}, by=SETUP)
    board = dashboard.dashboard(world.commune)
    assert board.withheld == [world.c]
    c = rows(board)["consejo-c"]
    assert c.withheld and c.needs == 0 and c.money == [] and c.register == Figure(None)
    # nothing of C in the totals, so none of it can be subtracted out
    assert [m.currency for m in board.total.money] == ["VES"]
    assert board.total.needs == 10
    assert board.total.register == Figure(14)  # A 8 + B 6: both shown now
    assert board.currencies == ["VES"]


def test_a_city_rolls_up_its_communes_and_their_councils_suppressing_down_the_tree(cast):
    """City: the cast's commune (A: 8, B: 6 on the register) and a second commune with one
    council (D: 2). D is suppressed, so its commune is; the first commune (14) is then the
    only other member of the city's sum and suppressed too; within it, A and B were both
    shown and would add up to it: B, the smaller, is suppressed."""
    add_voters(cast.other, 5, "bv")
    second = services.create_body(
        name="Comuna Dos", slug="comuna-dos", kind=BodyKind.COMMUNE, parent=cast.city, by=SETUP
    )
    d = services.create_body(
        name="Consejo D", slug="consejo-d", kind=BodyKind.COUNCIL, parent=second, by=SETUP
    )
    add_voters(d, 2, "dv")
    board = dashboard.dashboard(cast.city)
    found = rows(board)
    assert list(found) == ["comuna", "consejo-a", "consejo-b", "comuna-dos", "consejo-d"]
    assert [m.body.slug for m in found["comuna"].members] == ["consejo-a", "consejo-b"]
    assert (found["consejo-d"].register, found["comuna-dos"].register) == (
        SUPPRESSED,
        SUPPRESSED,
    )
    assert found["comuna"].register == SUPPRESSED
    assert (found["consejo-a"].register, found["consejo-b"].register) == (Figure(8), SUPPRESSED)
    assert board.total.register == Figure(16)
    assert not below_threshold(board)
    assert not recoverable(board)


def test_a_commune_dashboard_hides_what_its_city_dashboard_hides(cast):
    """The city of the test above hides the first commune's 14 (or its 16 − 14 would give
    away the second commune's 2). Read alone, the commune's dashboard used to show that 14 as
    its total: both are now one table, and the commune's hides the same figures."""
    add_voters(cast.other, 5, "bv")
    second = services.create_body(
        name="Comuna Dos", slug="comuna-dos", kind=BodyKind.COMMUNE, parent=cast.city, by=SETUP
    )
    d = services.create_body(
        name="Consejo D", slug="consejo-d", kind=BodyKind.COUNCIL, parent=second, by=SETUP
    )
    add_voters(d, 2, "dv")
    statutes.amend(second, {"dashboard_min_count": 3}, by=SETUP)  # the largest one holds
    city, commune = dashboard.dashboard(cast.city), dashboard.dashboard(cast.commune)
    assert city.min_count == commune.min_count == 5
    assert commune.total.register == SUPPRESSED
    in_city = {(r.body.pk, r.own): r for r in city.total.walk()}
    for row in commune.total.walk():
        twin = in_city[(row.body.pk, row.own)]
        for name in ("register", "reporters", "ballots", "eligible", "turnout"):
            assert getattr(row, name) == getattr(twin, name), (row.body.slug, name)
    assert not recoverable(city) and not recoverable(commune)


def test_a_commune_shows_its_own_figures_beside_its_councils(cast):
    """A commune-wide poll (its register: every voter of its councils) is the commune's own:
    an own row, first, counted in the commune's sum."""
    extra = council(cast, "Consejo C", "consejo-c")
    voters = add_voters(extra, 6, "cv")
    counted_poll(cast.commune, voters, 5)  # 5 of 8 + 1 + 6
    board = dashboard.dashboard(cast.commune)
    found = rows(board)
    assert list(found) == ["comuna:own", "consejo-a", "consejo-b", "consejo-c"]
    own = found["comuna:own"]
    assert (own.polls, own.ballots, own.eligible) == (1, Figure(5), Figure(15))
    assert own.turnout == board.total.turnout == Figure(Decimal("33.3"))
    assert own.register == Figure(None)  # residents are the councils'
    # B has 1 on its register: suppressed, and C (6), the smallest other, with it
    assert [found[s].register for s in ("consejo-a", "consejo-b", "consejo-c")] == [
        Figure(8),
        SUPPRESSED,
        SUPPRESSED,
    ]
    assert board.total.register == Figure(15)
    # no poll of B's own: nothing to count, nothing hidden (its register's count is, with it)
    assert (found["consejo-b"].eligible, found["consejo-b"].turnout) == (Figure(None),) * 2
    assert not recoverable(board)


def test_the_dashboard_reads_as_many_queries_whatever_its_members(world, cast):
    def queries() -> int:
        commune = type(world.commune).objects.get(pk=world.commune.pk)
        with CaptureQueriesContext(connection) as done:
            dashboard.dashboard(commune)
        return len(done)

    before = queries()
    for i in range(3):
        add_voters(council(cast, f"Consejo {i}", f"consejo-{i}"), 2, f"x{i}")
    assert queries() == before <= 12
