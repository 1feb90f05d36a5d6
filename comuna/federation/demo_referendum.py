"""The demo's councils free to found a commune (issue 15, point 1): three communal councils of
the demo city that are in no commune yet, La Ceiba, El Manantial and Los Samanes, each with its
census, its permanent electoral commission and its coordination collective, and logins for
each council's coordinator, electoral commission member and two residents, so a founding
referendum can be walked from the proposal to the commune founded. Deterministic, like the
rest of the demo.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comuna.territory import demo, services
from comuna.territory.actors import DEMO
from comuna.territory.models import Body, BodyKind, MandateKind, OrganKind, Resident

# (slug, name, short name used in its logins, sector)
COUNCILS = [
    ("cc-la-ceiba", "Consejo Comunal La Ceiba", "ceiba", "La Ceiba"),
    ("cc-el-manantial", "Consejo Comunal El Manantial", "manantial", "El Manantial"),
    ("cc-los-samanes", "Consejo Comunal Los Samanes", "samanes", "Los Samanes"),
]
# each council's residents: (given name, family name, year of birth); the first two are its
# electoral commission, the third its coordinator, the next two residents with logins
PEOPLE = [
    ("Yolimar", "Escalona Piña", 1975, "F"),
    ("Richard", "Mendoza Crespo", 1968, "M"),
    ("Belkis", "Torres Yépez", 1981, "F"),
    ("Dayana", "Peraza Linárez", 1996, "F"),
    ("Nelson", "Colmenárez Rojas", 1990, "M"),
    ("Omaira", "Suárez Briceño", 1959, "F"),
    ("Jhonny", "Álvarez Mujica", 1987, "M"),
    ("Zuleima", "Querales Castillo", 1972, "F"),
]


def _logins() -> list[demo.Login]:
    found = []
    for slug, _name, short, _sector in COUNCILS:
        found += [
            demo.Login(f"coord-{short}", _("coordination collective"), slug),
            demo.Login(f"electoral-{short}", _("electoral commission"), slug),
            demo.Login(f"vecina-{short}", _("resident"), slug),
            demo.Login(f"vecino-{short}", _("resident"), slug),
        ]
    return found


LOGINS = _logins()
demo.LOGINS.extend(login for login in LOGINS if login not in demo.LOGINS)


def _census(council: Body, short: str, sector: str) -> list[Resident]:
    lines = ["household_code,address,sector,given_name,family_name,birth_date,sex,resident_since"]
    for i, (given, family, year, sex) in enumerate(PEOPLE):
        lines.append(
            f"{short[:3].upper()}-{i // 3 + 1:03d},Calle {i // 3 + 1} de {sector},{sector},"
            f"{given},{family},{year}-0{i % 9 + 1}-15,{sex},2012-01-01"
        )
    services.import_census(council, "\n".join(lines).encode(), by=DEMO)
    return list(Resident.objects.filter(body=council).order_by("pk"))


def _account(username: str, resident: Resident) -> None:
    user = get_user_model().objects.create_user(
        username=username,
        password=demo.PASSWORD,
        first_name=resident.given_name,
        last_name=resident.family_name,
    )
    services.link_login(resident, user, by=DEMO)


def _organ(council: Body, kind: str, name: str, holders: list[Resident], position: int) -> None:
    organ = services.create_organ(
        council, kind=kind, name=name, seats=len(holders), position=position, by=DEMO
    )
    for resident in holders:
        services.confer_mandate(
            council,
            resident,
            organ=organ,
            kind=MandateKind.SPOKESPERSON,
            starts_on=date(2025, 3, 1),
            ends_on=date(2027, 3, 1),
            by=DEMO,
        )


@transaction.atomic
def load() -> None:
    """The three councils, under the demo city, with their people and logins."""
    city = Body.objects.get(slug=demo.CITY[0])
    for slug, name, short, sector in COUNCILS:
        council = services.create_body(
            slug=slug,
            name=name,
            kind=BodyKind.COUNCIL,
            parent=city,
            territory=f"Sector {sector}",
            by=DEMO,
        )
        people = _census(council, short, sector)
        _organ(council, OrganKind.ELECTORAL, "Comisión Electoral Permanente", people[:2], 1)
        _organ(council, OrganKind.COORDINATION, "Colectivo de Coordinación", people[2:3], 2)
        for username, resident in zip(
            [f"electoral-{short}", f"coord-{short}", f"vecina-{short}", f"vecino-{short}"],
            [people[0], people[2], people[3], people[4]],
            strict=True,
        ):
            _account(username, resident)
