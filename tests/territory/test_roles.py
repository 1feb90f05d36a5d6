"""Roles come from the census and from mandates in force; a substitute holds no power."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from comuna.territory.models import Mandate, MandateKind
from comuna.territory.permissions import Role, bodies_of, roles

R, S = Role.RESIDENT, Role.SPOKESPERSON


def fresh(user):
    """The user as the next request would load it (roles are read once per request)."""
    return get_user_model().objects.get(pk=user.pk)


def test_a_substitute_holds_no_power_until_they_take_the_seat(cast):
    assert roles(cast.substitute.user, cast.council) == {R}
    today = timezone.localdate()
    seat = Mandate.objects.get(resident=cast.spokesperson)
    Mandate.objects.filter(pk=seat.pk).update(ends_on=today)
    Mandate.objects.filter(resident=cast.substitute).update(ends_on=today)
    Mandate.objects.create(
        body=cast.council,
        organ=cast.health,
        resident=cast.substitute,
        kind=MandateKind.SPOKESPERSON,
        starts_on=today,
    )
    assert roles(fresh(cast.substitute.user), cast.council) == {R, S}
    assert roles(fresh(cast.spokesperson.user), cast.council) == {R}


def test_the_parliamentarian_holds_the_parliament_role_in_the_commune_only(cast):
    user = cast.parliamentarian.user
    assert roles(user, cast.commune) == {R, S, Role.PARLIAMENTARIAN}
    assert roles(user, cast.council) == {R}
    assert roles(user, cast.city) == {R}


def test_the_financial_unit_spokesperson_holds_the_financial_role(cast):
    assert roles(cast.financial.user, cast.council) == {R, S, Role.FINANCIAL, Role.COORDINATION}
    assert roles(cast.financial.user, cast.commune) == {R}


def test_an_ended_or_future_mandate_gives_no_role(cast):
    today = timezone.localdate()
    Mandate.objects.filter(resident=cast.comptroller).update(ends_on=today)
    Mandate.objects.filter(resident=cast.electoral).update(starts_on=today + timedelta(days=1))
    assert roles(fresh(cast.comptroller.user), cast.council) == {R}
    assert roles(fresh(cast.electoral.user), cast.council) == {R}


def test_a_mandate_is_in_force_from_its_first_day_until_the_day_it_ends(cast):
    mandate = Mandate.objects.get(resident=cast.comptroller)
    start = mandate.starts_on
    end = start + timedelta(days=30)
    Mandate.objects.filter(pk=mandate.pk).update(ends_on=end)
    mandate.refresh_from_db()
    for day, in_force in [
        (start - timedelta(days=1), False),
        (start, True),
        (end - timedelta(days=1), True),
        (end, False),
    ]:
        assert Mandate.objects.active(on=day).filter(pk=mandate.pk).exists() == in_force, day
        assert mandate.is_active(day) == in_force, day


def test_anonymous_visitors_and_strangers_hold_no_role(cast):
    from django.contrib.auth.models import AnonymousUser

    stranger = get_user_model().objects.create_user("stranger")
    assert roles(AnonymousUser(), cast.council) == frozenset()
    assert roles(stranger, cast.council) == frozenset()
    assert bodies_of(stranger) == []


def test_roles_in_every_body_are_read_in_three_queries(cast, django_assert_num_queries):
    user = fresh(cast.parliamentarian.user)
    with django_assert_num_queries(3):  # the resident, their federation, their mandates
        for body in (cast.council, cast.other, cast.commune, cast.city):
            roles(user, body)
        bodies_of(user)


def test_a_member_belongs_to_their_council_and_every_body_above_nearest_first(cast):
    assert bodies_of(cast.parliamentarian.user) == [cast.council, cast.commune, cast.city]
    assert bodies_of(cast.outsider.user) == [cast.other, cast.commune, cast.city]
