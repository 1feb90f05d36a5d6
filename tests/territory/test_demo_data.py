from comuna.territory import demo
from comuna.territory.models import Body, BodyKind, Household, Mandate, MandateKind, Organ
from comuna.territory.permissions import Role, roles


def test_the_demo_is_a_city_with_two_communes_and_five_councils(db):
    demo.load()
    city = Body.objects.get(kind=BodyKind.CITY)
    communes = Body.objects.filter(kind=BodyKind.COMMUNE, parent=city)
    assert communes.count() == 2
    councils = Body.objects.filter(kind=BodyKind.COUNCIL, parent__in=communes)
    assert councils.count() == 5
    residents = sum(c.residents.count() for c in councils)
    assert 250 <= residents <= 600
    assert Household.objects.count() >= 100
    # every organ with seats has its spokespersons
    for organ in Organ.objects.filter(seats__gt=0):
        assert organ.mandates.filter(kind=MandateKind.SPOKESPERSON).count() == organ.seats, organ
    # the commune parliament has one spokesperson per council
    for commune in communes:
        parliament = commune.organs.get(kind="parliament")
        speakers = Mandate.objects.filter(organ=parliament)
        assert sorted(m.resident.body_id for m in speakers) == sorted(
            commune.children.values_list("pk", flat=True)
        )


def test_each_demo_login_holds_the_role_it_is_announced_with(db):
    from django.contrib.auth import get_user_model

    demo.load()
    users = get_user_model().objects
    veritas = Body.objects.get(slug="cc-las-veritas")
    assert roles(users.get(username="vecina"), veritas) == {Role.RESIDENT}
    assert roles(users.get(username="vocero"), veritas) == {Role.RESIDENT, Role.SPOKESPERSON}
    assert Role.ELECTORAL in roles(users.get(username="electoral"), veritas)
    assert Role.COMPTROLLER in roles(users.get(username="contralora"), veritas)
    assert Role.ADMINISTRATOR in roles(users.get(username="admin"), veritas)
    assert Role.FINANCIAL in roles(users.get(username="tesorera"), veritas)
    assert roles(users.get(username="foraneo"), veritas) == frozenset()
    commune = Body.objects.get(slug="comuna-el-cardonal")
    assert Role.SPOKESPERSON in roles(users.get(username="parlamentaria"), commune)
