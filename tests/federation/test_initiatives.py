"""A matter raised to the parliament by the statute's share of the members (60 %: 3 of 5),
each by its own assembly's decision, is due on the parliament's agenda within the statute's
days; the commune's deadlines show it overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from comuna.federation import initiatives
from comuna.federation.errors import FederationError
from comuna.federation.models import Decision, Initiative, InitiativeStatus, Support
from comuna.ledger import entries, verify
from comuna.mandates import deadlines
from tests.conftest import SETUP
from tests.federation.parliament_fixtures import (
    decide,
    in_session,
    more_councils,
    problems,
    session,
)


@pytest.fixture
def five(cast, federation):
    """The commune with five member councils (A, B and three more)."""
    return [cast.council, cast.other, *more_councils(cast, 3)]


def _raise(cast, member):
    return initiatives.raise_matter(
        cast.commune,
        title="Reparar la vialidad agrícola",
        description="La vía de los productores está intransitable.",
        member=member,
        assembly=in_session(member),
        by=SETUP,
    )


def _supported(cast, members, carried_by):
    """The first member raises it, the others are asked; the first ``carried_by`` carry it."""
    initiative = _raise(cast, members[0])
    for member in members[1:]:
        initiatives.support(initiative, member, in_session(member), by=SETUP)
    for n, support in enumerate(initiative.supports.order_by("pk")):
        decide(support.motion, carried=n < carried_by)
    initiative.refresh_from_db()
    return initiative


def test_the_threshold_is_the_statutes_share_of_the_members(cast, five):
    initiative = _raise(cast, cast.council)
    assert (initiative.members, initiative.threshold) == (5, 3)
    assert initiative.status == InitiativeStatus.COLLECTING


@pytest.mark.parametrize("carried_by, reached", [(2, False), (3, True)])
def test_three_of_five_members_reach_it_two_do_not(cast, five, carried_by, reached):
    initiative = _supported(cast, five, carried_by)
    assert initiatives.carried(initiative) == carried_by
    assert (initiative.status == InitiativeStatus.REACHED) == reached
    if reached:
        assert initiative.due_on == timezone.localdate() + timedelta(days=30)
        assert "parliament.initiative_reached" in [
            e.kind for e in entries(cast.commune.ledger_chain)
        ]
    assert verify().ok, problems()


def test_a_reached_matter_goes_on_a_sessions_agenda(cast, five):
    initiative = _supported(cast, five, 3)
    coming = session(cast.commune, open_it=False)
    initiatives.schedule(initiative, coming, by=SETUP)
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.ON_AGENDA
    assert initiative.item.assembly == coming
    assert initiative.item.text == "Reparar la vialidad agrícola"
    assert verify().ok, problems()


def test_a_matter_not_yet_reached_is_not_scheduled(cast, five):
    initiative = _supported(cast, five, 2)
    with pytest.raises(FederationError, match="raised by enough members"):
        initiatives.schedule(initiative, session(cast.commune, open_it=False), by=SETUP)


def test_a_matter_is_scheduled_only_on_a_session_of_its_parliament(cast, five):
    initiative = _supported(cast, five, 3)
    with pytest.raises(FederationError, match="Choose a session") as caught:
        initiatives.schedule(initiative, in_session(cast.council), by=SETUP)
    assert caught.value.field == "assembly"
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.REACHED


def test_an_overdue_matter_shows_in_the_communes_deadlines(cast, five):
    initiative = _supported(cast, five, 3)

    def ours(day=None):
        return [d for d in deadlines.overdue(cast.commune, day) if "/parliament/" in d.url]

    assert ours() == []
    assert ours(initiative.due_on) == []
    [due] = ours(initiative.due_on + timedelta(days=1))
    assert "Reparar la vialidad agrícola" in str(due.what)
    assert due.url.endswith(f"/b/comuna/parliament/#initiative-{initiative.pk}")


def test_a_member_raises_a_matter_only_once(cast, five):
    initiative = _raise(cast, cast.council)
    with pytest.raises(FederationError, match="has yet to decide"):
        initiatives.support(initiative, cast.council, in_session(cast.council), by=SETUP)
    decide(initiative.supports.get().motion)
    with pytest.raises(FederationError, match="already raised"):
        initiatives.support(initiative, cast.council, in_session(cast.council), by=SETUP)


def test_a_member_that_rejected_it_may_be_asked_again(cast, five):
    initiative = _raise(cast, cast.council)
    decide(initiative.supports.get().motion, carried=False)
    initiatives.support(initiative, cast.council, in_session(cast.council), by=SETUP)
    assert initiative.supports.filter(status=Decision.PROPOSED).count() == 1


def test_a_body_that_is_not_a_member_may_not_raise_or_support(cast, five):
    stranger = cast.city
    with pytest.raises(FederationError, match="is not a member of Comuna"):
        _raise(cast, stranger)
    initiative = _raise(cast, cast.council)
    with pytest.raises(FederationError, match="is not a member of Comuna"):
        initiatives.support(initiative, cast.commune, in_session(cast.council), by=SETUP)


@pytest.mark.parametrize("title, message", [("", "Say what matter"), ("x" * 301, "At most 300")])
def test_a_matter_needs_a_title(cast, five, title, message):
    with pytest.raises(FederationError, match=message) as caught:
        initiatives.raise_matter(
            cast.commune,
            title=title,
            member=cast.council,
            assembly=in_session(cast.council),
            by=SETUP,
        )
    assert caught.value.field == "title"
    assert not Initiative.objects.exists()


def test_a_matter_on_another_bodys_assembly_is_refused_and_nothing_is_made(cast, five):
    with pytest.raises(FederationError, match="Choose an assembly of Consejo A"):
        initiatives.raise_matter(
            cast.commune,
            title="Agua",
            member=cast.council,
            assembly=in_session(cast.other),
            by=SETUP,
        )
    assert not Initiative.objects.exists() and not Support.objects.exists()


def test_verify_finds_a_matter_marked_reached_with_sql(cast, five):
    initiative = _supported(cast, five, 2)
    assert verify().ok, problems()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE federation_support SET status = 'carried' WHERE initiative_id = %s",
            [initiative.pk],
        )
    assert not verify().ok


def test_verify_finds_a_deadline_moved_with_sql(cast, five):
    initiative = _supported(cast, five, 3)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE federation_initiative SET due_on = %s WHERE id = %s",
            [(initiative.due_on + timedelta(days=60)).isoformat(), initiative.pk],
        )
    assert not verify().ok


def test_the_member_that_raised_a_matter_withdraws_it_while_it_is_its_own(cast, five):
    initiative = _raise(cast, cast.council)
    asked = initiatives.support(initiative, cast.other, in_session(cast.other), by=SETUP)
    # only the member that raised it, only saying why
    with pytest.raises(FederationError):
        initiatives.withdraw(initiative, cast.other, reason="No es nuestra.", by=SETUP)
    with pytest.raises(FederationError) as refused:
        initiatives.withdraw(initiative, cast.council, reason=" ", by=SETUP)
    assert refused.value.field == "reason"
    # its electoral commission may; a resident with no role may not
    with pytest.raises(FederationError):
        initiatives.withdraw(initiative, cast.council, reason="Error.", by=cast.resident.user)
    done = initiatives.withdraw(
        initiative, cast.council, reason="La planteamos por error.", by=cast.electoral.user
    )
    assert done.status == InitiativeStatus.WITHDRAWN
    # B's assembly deciding it afterwards changes nothing: there is nothing left to raise
    decide(asked.motion)
    assert Support.objects.get(pk=asked.pk).status == Decision.PROPOSED
    assert Initiative.objects.get(pk=initiative.pk).status == InitiativeStatus.WITHDRAWN
    assert verify().ok, problems()


def test_a_matter_another_member_raised_too_is_not_withdrawn(cast, five):
    initiative = _supported(cast, five[:2], 2)
    with pytest.raises(FederationError, match="otro miembro|Another member"):
        initiatives.withdraw(initiative, cast.council, reason="Ya no.", by=SETUP)
    assert Initiative.objects.get(pk=initiative.pk).status == InitiativeStatus.COLLECTING
