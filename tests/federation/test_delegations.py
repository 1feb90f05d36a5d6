"""A member's assembly elects and recalls its spokesperson in the commune's parliament; the
seats are declared from the members."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from comuna.assemblies.models import Status
from comuna.federation import delegations, parliament
from comuna.federation.errors import FederationError
from comuna.federation.models import Decision, Delegation
from comuna.ledger import entries, verify
from comuna.territory.models import Mandate, MandateKind, Seat, SeatSector
from tests.assemblies.factories import assembly_in
from tests.conftest import SETUP, make_resident
from tests.federation.parliament_fixtures import decide, in_session, problems


def _kinds(body):
    return [e.kind for e in entries(body.ledger_chain)]


# --- seats ---------------------------------------------------------------------------------------


def test_seats_are_declared_one_per_member_then_organisations_then_the_bank(cast, federation):
    seats = Seat.objects.filter(organ=cast.parliament).order_by("number")
    assert [(s.number, s.sector, s.member_id, s.label) for s in seats] == [
        (1, SeatSector.MEMBER, cast.council.pk, ""),
        (2, SeatSector.MEMBER, cast.other.pk, ""),
        (3, SeatSector.ORGANISATION, None, "Cooperativa El Maizal"),
        (4, SeatSector.BANK, None, ""),
    ]
    cast.parliament.refresh_from_db()
    assert cast.parliament.seats == 4
    assert "parliament.seats_declared" in _kinds(cast.commune)


def test_a_spokesperson_sent_before_the_seats_takes_their_members_seat(cast, federation):
    assert federation.a_principal.seat == federation.seat_a


def test_seats_are_refused_to_a_body_with_no_parliament(cast):
    with pytest.raises(FederationError, match="has no parliament"):
        parliament.declare_member_seats(cast.council, by=SETUP)


def test_an_organisation_named_twice_is_refused(cast):
    with pytest.raises(FederationError, match="named twice") as caught:
        parliament.declare_member_seats(cast.commune, organisations=["Coop", "coop"], by=SETUP)
    assert caught.value.field == "organisations"
    assert not Seat.objects.filter(organ=cast.parliament).exists()


def test_a_held_seat_is_not_given_to_someone_else(cast, federation):
    # without the organisation, seat 3 becomes the bank's: free, so it may change...
    parliament.declare_member_seats(cast.commune, organisations=[], bank=True, by=SETUP)
    # ...but a seat held by a mandate in force may not
    federation.confer(
        make_resident(cast.council, "Banquera"), Seat.objects.get(organ=cast.parliament, number=3)
    )
    with pytest.raises(FederationError, match="Seat 3 is held by"):
        parliament.declare_member_seats(cast.commune, organisations=["Coop"], bank=True, by=SETUP)


# --- elections -----------------------------------------------------------------------------------


def test_a_carried_election_seats_the_new_spokesperson_and_substitute(cast, federation):
    assembly = in_session(cast.council)
    delegation = delegations.propose_election(
        federation.seat_a,
        principal=cast.resident,
        substitute=cast.spokesperson,
        assembly=assembly,
        by=cast.electoral.user,
    )
    assert delegation.motion.item.assembly == assembly
    decide(delegation.motion)
    delegation.refresh_from_db()
    assert delegation.status == Decision.CARRIED
    today = timezone.localdate()
    seated = Mandate.objects.active().filter(seat=federation.seat_a)
    assert sorted((m.resident_id, m.kind) for m in seated) == sorted(
        [
            (cast.resident.pk, MandateKind.SPOKESPERSON),
            (cast.spokesperson.pk, MandateKind.SUBSTITUTE),
        ]
    )
    old = Mandate.objects.get(pk=federation.a_principal.pk)
    assert old.ends_on == today
    assert all(m.body == cast.commune and m.organ == cast.parliament for m in seated)
    assert "parliament.spokesperson_elected" in _kinds(cast.commune)
    assert "parliament.delegation_decided" in _kinds(cast.council)
    assert verify().ok, problems()


def test_a_rejected_election_changes_no_mandate(cast, federation):
    delegation = delegations.propose_election(
        federation.seat_a,
        principal=cast.resident,
        substitute=cast.spokesperson,
        assembly=in_session(cast.council),
        by=cast.electoral.user,
    )
    decide(delegation.motion, carried=False)
    delegation.refresh_from_db()
    assert delegation.status == Decision.REJECTED
    assert Mandate.objects.active().get(seat=federation.seat_a, kind="spokesperson") == (
        federation.a_principal
    )


def test_an_election_may_go_on_a_coming_assembly_whose_agenda_is_open(cast, federation):
    from datetime import timedelta

    coming = assembly_in(cast, Status.CONVENED, starts_at=timezone.now() + timedelta(days=20))
    delegation = delegations.propose_election(
        federation.seat_a,
        principal=cast.resident,
        substitute=cast.spokesperson,
        assembly=coming,
        by=cast.electoral.user,
    )
    assert delegation.motion.item.assembly == coming
    assert delegation.status == Decision.PROPOSED
    assert verify().ok, problems()


@pytest.mark.parametrize(
    "change, message, field",
    [
        ({"principal": "outsider"}, "not on the electoral register of Consejo A", "principal"),
        ({"substitute": "outsider"}, "not on the electoral register of Consejo A", "substitute"),
        ({"substitute": "resident"}, "two different people", "substitute"),
    ],
)
def test_an_election_of_someone_not_a_voter_of_the_member_is_refused(
    cast, federation, change, message, field
):
    people = {"principal": cast.resident, "substitute": cast.spokesperson}
    people.update({k: getattr(cast, v) for k, v in change.items()})
    assembly = in_session(cast.council)
    with pytest.raises(FederationError, match=message) as caught:
        delegations.propose_election(
            federation.seat_a, **people, assembly=assembly, by=cast.electoral.user
        )
    assert caught.value.field == field
    assert not Delegation.objects.exists()


def test_an_election_on_another_bodys_assembly_is_refused(cast, federation):
    with pytest.raises(FederationError, match="Choose an assembly of Consejo A") as caught:
        delegations.propose_election(
            federation.seat_a,
            principal=cast.resident,
            substitute=cast.spokesperson,
            assembly=in_session(cast.other),
            by=cast.electoral.user,
        )
    assert caught.value.field == "assembly"


def test_an_election_on_an_assembly_that_has_ended_is_refused(cast, federation):
    with pytest.raises(FederationError, match="can no longer be amended"):
        delegations.propose_election(
            federation.seat_a,
            principal=cast.resident,
            substitute=cast.spokesperson,
            assembly=assembly_in(cast, Status.ENDED),
            by=cast.electoral.user,
        )
    assert not Delegation.objects.exists()


def test_an_election_for_a_seat_that_is_not_a_members_is_refused(cast, federation):
    with pytest.raises(FederationError, match="not a member's seat"):
        delegations.propose_election(
            federation.seat_bank,
            principal=cast.resident,
            substitute=cast.spokesperson,
            assembly=in_session(cast.council),
            by=cast.electoral.user,
        )


def test_a_second_proposal_waits_for_the_first_and_a_stale_one_lapses(cast, federation):
    assembly = in_session(cast.council)
    first = delegations.propose_election(
        federation.seat_a,
        principal=cast.resident,
        substitute=cast.spokesperson,
        assembly=assembly,
        by=cast.electoral.user,
    )
    with pytest.raises(FederationError, match="has yet to decide"):
        delegations.propose_election(
            federation.seat_a,
            principal=cast.spokesperson,
            substitute=cast.resident,
            assembly=assembly,
            by=cast.electoral.user,
        )
    # the assembly ends without deciding it: the next proposal finds it lapsed
    from comuna.assemblies import attendance

    attendance.end_session(assembly, by=SETUP)
    delegations.propose_election(
        federation.seat_a,
        principal=cast.spokesperson,
        substitute=cast.resident,
        assembly=in_session(cast.council),
        by=cast.electoral.user,
    )
    first.refresh_from_db()
    assert first.status == Decision.LAPSED
    assert "parliament.delegation_lapsed" in _kinds(cast.council)
    assert verify().ok, problems()


def test_a_recall_never_waits_for_an_election_still_to_be_decided(cast, federation):
    """The member recalls its spokesperson at any time: an election put to a later assembly
    does not hold the recall back, and the recall carried seats the substitute at once."""
    coming = assembly_in(None, Status.CONVENED, body=cast.council)
    election = delegations.propose_election(
        federation.seat_a,
        principal=cast.resident,
        substitute=cast.spokesperson,
        assembly=coming,
        by=cast.electoral.user,
    )
    recall = delegations.propose_recall(
        federation.a_principal,
        assembly=in_session(cast.council),
        reason="Votó contra el mandato.",
        by=cast.electoral.user,
    )
    with pytest.raises(FederationError, match="has yet to decide"):
        delegations.propose_recall(
            federation.a_principal,
            assembly=in_session(cast.council),
            reason="Otra vez.",
            by=cast.electoral.user,
        )
    decide(recall.motion)
    principal = Mandate.objects.active().get(seat=federation.seat_a, kind=MandateKind.SPOKESPERSON)
    assert principal.resident == federation.a_substitute_resident
    election.refresh_from_db()
    assert election.status == Decision.PROPOSED
    assert verify().ok, problems()


# --- recalls -------------------------------------------------------------------------------------


def test_a_carried_recall_ends_the_mandate_and_seats_the_substitute(cast, federation):
    delegation = delegations.propose_recall(
        federation.a_principal,
        assembly=in_session(cast.council),
        reason="Votó contra el mandato de la asamblea.",
        by=cast.electoral.user,
    )
    decide(delegation.motion)
    principal = Mandate.objects.active().get(seat=federation.seat_a, kind=MandateKind.SPOKESPERSON)
    assert principal.resident == federation.a_substitute_resident
    assert (
        not Mandate.objects.active()
        .filter(seat=federation.seat_a, kind=MandateKind.SUBSTITUTE)
        .exists()
    )
    assert Mandate.objects.get(pk=federation.a_principal.pk).ends_on == timezone.localdate()
    assert "parliament.spokesperson_recalled" in _kinds(cast.commune)
    assert verify().ok, problems()


def test_a_recall_with_no_substitute_leaves_the_seat_vacant(cast, federation):
    Mandate.objects.filter(pk=federation.a_substitute.pk).update(ends_on=timezone.localdate())
    delegation = delegations.propose_recall(
        federation.a_principal,
        assembly=in_session(cast.council),
        reason="Renunció a venir.",
        by=cast.electoral.user,
    )
    decide(delegation.motion)
    assert not Mandate.objects.active().filter(seat=federation.seat_a).exists()


@pytest.mark.parametrize("reason, message", [("", "Say why"), ("x" * 301, "At most 300")])
def test_a_recall_needs_a_reason(cast, federation, reason, message):
    with pytest.raises(FederationError, match=message) as caught:
        delegations.propose_recall(
            federation.a_principal,
            assembly=in_session(cast.council),
            reason=reason,
            by=cast.electoral.user,
        )
    assert caught.value.field == "reason"


def test_a_recall_of_a_substitute_is_refused(cast, federation):
    with pytest.raises(FederationError, match="Only a spokesperson"):
        delegations.propose_recall(
            federation.a_substitute,
            assembly=in_session(cast.council),
            reason="No.",
            by=cast.electoral.user,
        )


def test_a_recall_in_another_members_assembly_is_refused(cast, federation):
    with pytest.raises(FederationError, match="Choose an assembly of Consejo A"):
        delegations.propose_recall(
            federation.a_principal,
            assembly=in_session(cast.other),
            reason="No.",
            by=cast.electoral.user,
        )


# --- ledger verify -------------------------------------------------------------------------------


def test_verify_finds_a_delegation_whose_status_was_changed_with_sql(cast, federation):
    delegation = delegations.propose_election(
        federation.seat_a,
        principal=cast.resident,
        substitute=cast.spokesperson,
        assembly=in_session(cast.council),
        by=cast.electoral.user,
    )
    decide(delegation.motion, carried=False)
    assert verify().ok, problems()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE federation_delegation SET status = 'carried' WHERE id = %s", [delegation.pk]
        )
    assert not verify().ok


def test_verify_finds_a_seat_given_to_another_member_with_sql(cast, federation):
    assert verify().ok, problems()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE territory_seat SET label = 'Otra' WHERE id = %s", [federation.seat_org.pk]
        )
    assert not verify().ok


def test_verify_finds_a_recalled_mandate_revived_with_sql(cast, federation):
    delegation = delegations.propose_recall(
        federation.a_principal,
        assembly=in_session(cast.council),
        reason="Votó contra el mandato.",
        by=cast.electoral.user,
    )
    decide(delegation.motion)
    assert verify().ok, problems()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE territory_mandate SET ends_on = NULL WHERE id = %s", [federation.a_principal.pk]
        )
    assert not verify().ok


def test_a_commune_sends_one_of_its_own_spokespersons_to_the_city_never_listing_a_register(cast):
    """A commune's electoral commission choosing its spokesperson in the city's parliament
    picks among the commune's spokespersons in office (public names), not among its councils'
    voters: the choice lists no council's register."""
    from comuna.territory import services
    from comuna.territory.models import OrganKind

    services.create_organ(
        cast.city, kind=OrganKind.PARLIAMENT, name="Consejo de la Ciudad", by=SETUP
    )
    (seat,) = parliament.declare_member_seats(cast.city, bank=False, by=SETUP)
    assert seat.member == cast.commune
    eligible = set(delegations.eligible(cast.commune))
    assert cast.parliamentarian in eligible
    assert cast.resident not in eligible and cast.outsider not in eligible
    with pytest.raises(FederationError, match="not a spokesperson in office") as caught:
        delegations.propose_election(
            seat,
            principal=cast.resident,
            substitute=cast.parliamentarian,
            assembly=None,
            by=SETUP,
        )
    assert caught.value.field == "principal"
    assert not Delegation.objects.exists()


def test_a_recall_puts_the_substitute_on_the_register_of_the_session_already_convened(
    cast, federation
):
    """The next session was convened before the recall: when it opens, the substitute who
    took the seat is on its register (and may be checked in and vote), the recalled
    spokesperson is not; a session already in session keeps its register. `ledger verify`
    stays green, and catches the register edited afterwards with SQL."""
    from comuna.assemblies.models import Registered
    from tests.federation.parliament_fixtures import session

    in_progress = session(cast.commune)
    coming = session(cast.commune, open_it=False)

    def registered(assembly):
        return set(Registered.objects.filter(assembly=assembly).values_list("resident", flat=True))

    assert cast.parliamentarian.pk in registered(coming)
    delegation = delegations.propose_recall(
        federation.a_principal,
        assembly=in_session(cast.council),
        reason="Votó contra el mandato de la asamblea.",
        by=cast.electoral.user,
    )
    decide(delegation.motion)
    substitute = federation.a_substitute_resident.pk
    assert substitute in registered(coming) and cast.parliamentarian.pk not in registered(coming)
    coming.refresh_from_db()
    assert coming.register_size == len(registered(coming)) == 2
    assert cast.parliamentarian.pk in registered(in_progress)  # in session: as frozen
    assert "parliament.session_register_changed" in _kinds(cast.commune)
    assert verify().ok, problems()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assemblies_registered SET resident_id = %s WHERE assembly_id = %s "
            "AND resident_id = %s",
            [cast.parliamentarian.pk, coming.pk, substitute],
        )
    assert any("register of session" in str(p) for p in problems()[0]), problems()
