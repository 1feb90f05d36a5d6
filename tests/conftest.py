"""One cast of personas shared by the Django tests.

A small federation: a city, a commune, and two councils (A and B). In council A: a resident,
a committee spokesperson, a member of the electoral commission, a member of the comptroller
unit, a member of the financial unit, an administrator, a substitute of the health committee
(not seated, so only a resident) and council A's spokesperson in the commune's parliament. In
council B: an outsider (a resident of another body).
"""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from comuna.territory.models import (
    Body,
    BodyKind,
    Household,
    Mandate,
    MandateKind,
    Organ,
    OrganKind,
    Resident,
)

PASSWORD = "a-long-test-password"
PERSONAS = [
    "anonymous",
    "resident",
    "spokesperson",
    "electoral",
    "comptroller",
    "admin",
    "outsider",
    "financial",
    "parliamentarian",
    "substitute",
]
MEMBERS = {
    "resident",
    "spokesperson",
    "electoral",
    "comptroller",
    "admin",
    "financial",
    "parliamentarian",
    "substitute",
}
# every adult resident of council A with a login: the register of a council-A poll
COUNCIL_A_VOTERS = len(MEMBERS)


@pytest.fixture(autouse=True)
def _english_messages():
    """Service-level messages are asserted in English (the source language); pages go
    through the locale middleware like any request (Spanish by default)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_resident(
    body, name, *, born=date(1980, 5, 17), since=date(2010, 1, 1), household=None, username=None
):
    household = household or Household.objects.create(
        body=body, code=f"H-{Household.objects.count() + 1}", address=f"Calle {name}"
    )
    resident = Resident.objects.create(
        household=household,
        body=body,
        given_name=name,
        family_name="Prueba",
        birth_date=born,
        sex="F",
        resident_since=since,
    )
    if username:
        resident.user = get_user_model().objects.create_user(username, password=PASSWORD)
        resident.save()
    return resident


def add_voters(body, n, prefix):
    """``n`` adult residents of ``body`` with logins (no passwords), in one household."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"{prefix}{i}") for i in range(n)
    )
    home = Household.objects.create(body=body, code=f"BLOQUE-{prefix}", address=f"Bloque {prefix}")
    Resident.objects.bulk_create(
        Resident(
            household=home,
            body=body,
            user=u,
            given_name=f"{prefix}{i}",
            family_name="Votante",
            birth_date=date(1990, 1, 1),
            sex="X",
            resident_since=date(2015, 1, 1),
        )
        for i, u in enumerate(users)
    )
    return users


class Cast:
    def __init__(self):
        self.city = Body.objects.create(name="Ciudad", slug="ciudad", kind=BodyKind.CITY)
        self.commune = Body.objects.create(
            name="Comuna", slug="comuna", kind=BodyKind.COMMUNE, parent=self.city
        )
        self.council = Body.objects.create(
            name="Consejo A", slug="consejo-a", kind=BodyKind.COUNCIL, parent=self.commune
        )
        self.other = Body.objects.create(
            name="Consejo B", slug="consejo-b", kind=BodyKind.COUNCIL, parent=self.commune
        )
        self.health = Organ.objects.create(
            body=self.council, kind=OrganKind.COMMITTEE, name="Comité de Salud"
        )
        self.electoral_organ = Organ.objects.create(
            body=self.council, kind=OrganKind.ELECTORAL, name="Comisión Electoral"
        )
        self.comptroller_organ = Organ.objects.create(
            body=self.council, kind=OrganKind.COMPTROLLER, name="Contraloría Social"
        )
        self.financial_organ = Organ.objects.create(
            body=self.council, kind=OrganKind.FINANCIAL, name="Unidad Financiera"
        )
        self.parliament = Organ.objects.create(
            body=self.commune, kind=OrganKind.PARLIAMENT, name="Parlamento Comunal"
        )
        self.resident = make_resident(self.council, "Residente", username="resident")
        self.spokesperson = make_resident(self.council, "Vocera", username="spokesperson")
        self.electoral = make_resident(self.council, "Electoral", username="electoral")
        self.comptroller = make_resident(self.council, "Contralor", username="comptroller")
        self.admin = make_resident(self.council, "Admin", username="admin")
        self.outsider = make_resident(self.other, "Foránea", username="outsider")
        self.financial = make_resident(self.council, "Financiera", username="financial")
        self.parliamentarian = make_resident(
            self.council, "Parlamentaria", username="parliamentarian"
        )
        self.substitute = make_resident(self.council, "Suplente", username="substitute")
        for resident, organ, kind in [
            (self.spokesperson, self.health, MandateKind.SPOKESPERSON),
            (self.electoral, self.electoral_organ, MandateKind.SPOKESPERSON),
            (self.comptroller, self.comptroller_organ, MandateKind.SPOKESPERSON),
            (self.financial, self.financial_organ, MandateKind.SPOKESPERSON),
            (self.admin, None, MandateKind.ADMINISTRATOR),
            (self.substitute, self.health, MandateKind.SUBSTITUTE),
            (self.parliamentarian, self.parliament, MandateKind.SPOKESPERSON),
        ]:
            Mandate.objects.create(
                body=organ.body if organ else self.council,
                organ=organ,
                resident=resident,
                kind=kind,
                starts_on=date(2020, 1, 1),
            )
        self.household = self.resident.household

    def user(self, persona):
        return None if persona == "anonymous" else getattr(self, persona).user


@pytest.fixture
def cast(db):
    return Cast()


@pytest.fixture
def login(client):
    def as_(user):
        if user is not None:
            client.force_login(user)
        return client

    return as_
