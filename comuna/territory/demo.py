"""The demo federation: a communal city with two communes and five councils.

Deterministic (fixed seed), so tests and screenshots see the same people every time.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comuna.territory import services, statutes
from comuna.territory.actors import DEMO
from comuna.territory.census import HOUSEHOLD_COLUMNS, RESIDENT_COLUMNS
from comuna.territory.models import (
    Body,
    BodyKind,
    Dwelling,
    Education,
    Mandate,
    MandateKind,
    Organ,
    OrganKind,
    Resident,
    Sex,
    Tenure,
)

PASSWORD = "comuna-demo"
SEED = 2009
TODAY = date(2026, 11, 1)  # ages and residence are drawn relative to a fixed day

CITY = (
    "ciudad-valle-del-turbio",
    "Ciudad Comunal Valle del Turbio",
    "Parroquia Juan de Villegas, Barquisimeto, estado Lara",
)
COMMUNES = [
    ("comuna-el-cardonal", "Comuna El Cardonal", "Sector El Cardonal y alrededores"),
    ("comuna-rio-claro", "Comuna Río Claro", "Márgenes del río Claro"),
]
COUNCILS = [
    (0, "cc-las-veritas", "Consejo Comunal Las Veritas", ["La Cruz", "Calle 3", "Los Mangos"]),
    (0, "cc-brisas-del-turbio", "Consejo Comunal Brisas del Turbio", ["Vereda 1", "Vereda 2"]),
    (0, "cc-el-carabali", "Consejo Comunal El Carabalí", ["La Cancha", "El Tanque"]),
    (1, "cc-los-cerritos", "Consejo Comunal Los Cerritos", ["Alto", "Bajo", "La Quebrada"]),
    (1, "cc-la-piedad-norte", "Consejo Comunal La Piedad Norte", ["Norte", "Las Flores"]),
]
COMMITTEES = [
    "Comité de Salud",
    "Comité de Educación, Cultura y Formación Ciudadana",
    "Comité de Tierra Urbana",
    "Comité de Vivienda y Hábitat",
    "Comité de Deporte y Recreación",
    "Comité de Seguridad y Defensa Integral",
    "Comité de Alimentación",
]
FEMALE = [
    "María",
    "Carmen",
    "Yolanda",
    "Luisa",
    "Rosa",
    "Ana",
    "Yusmary",
    "Daniela",
    "Gabriela",
    "Marisol",
    "Isabel",
    "Milagros",
    "Andreína",
    "Josefina",
    "Teresa",
    "Elena",
    "Francys",
    "Yelitza",
    "Adriana",
    "Nohemí",
]
MALE = [
    "José",
    "Luis",
    "Carlos",
    "Juan",
    "Pedro",
    "Jesús",
    "Miguel",
    "Rafael",
    "Antonio",
    "Francisco",
    "Ramón",
    "Alexander",
    "Jorge",
    "Eduardo",
    "Wilmer",
    "Ángel",
    "Manuel",
    "Orlando",
    "Yorman",
    "Freddy",
]
SURNAMES = [
    "González",
    "Rodríguez",
    "Pérez",
    "Hernández",
    "García",
    "Martínez",
    "López",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Mendoza",
    "Colmenárez",
    "Escalona",
    "Peraza",
    "Suárez",
    "Rojas",
    "Mujica",
    "Giménez",
    "Alvarado",
    "Castillo",
    "Linárez",
    "Yépez",
    "Pérez",
    "Briceño",
    "Querales",
    "Piña",
    "Crespo",
    "Álvarez",
]
STREETS = ["Calle", "Carrera", "Vereda", "Avenida"]
OCCUPATIONS = [
    "docente",
    "agricultora",
    "comerciante",
    "estudiante",
    "mecánico",
    "enfermera",
    "albañil",
    "costurera",
    "chofer",
    "jubilada",
    "ama de casa",
    "electricista",
]


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    body: str


LOGINS = [
    Login("vecina", _("resident"), "cc-las-veritas"),
    Login("vocero", _("spokesperson (health committee)"), "cc-las-veritas"),
    Login("electoral", _("electoral commission"), "cc-las-veritas"),
    Login("contralora", _("social comptroller unit"), "cc-las-veritas"),
    Login("tesorera", _("administrative and financial unit"), "cc-las-veritas"),
    Login("admin", _("administrator"), "cc-las-veritas"),
    Login("parlamentaria", _("spokesperson in the commune parliament"), "comuna-el-cardonal"),
    Login("foraneo", _("resident of another council (outsider to Las Veritas)"), "cc-los-cerritos"),
    # made by the cycles' demo (comuna/cycles/demo.py): Brisas del Turbio's budget vote is open
    Login("vecino", _("resident"), "cc-brisas-del-turbio"),
]


def is_loaded() -> bool:
    return Body.objects.filter(slug=CITY[0]).exists()


@transaction.atomic
def load() -> None:
    rng = random.Random(SEED)
    city = services.create_body(
        slug=CITY[0],
        name=CITY[1],
        territory=CITY[2],
        kind=BodyKind.CITY,
        description="Ciudad comunal de ejemplo para conocer Comuna.",
        boundary=_territory_of(range(len(COUNCILS))),
        by=DEMO,
    )
    communes = [
        services.create_body(
            slug=s,
            name=n,
            territory=t,
            kind=BodyKind.COMMUNE,
            parent=city,
            boundary=_territory_of(i for i, c in enumerate(COUNCILS) if c[0] == index),
            by=DEMO,
        )
        for index, (s, n, t) in enumerate(COMMUNES)
    ]
    councils = []
    for commune_index, slug, name, sectors in COUNCILS:
        council = services.create_body(
            by=DEMO,
            slug=slug,
            name=name,
            kind=BodyKind.COUNCIL,
            parent=communes[commune_index],
            territory=f"Sectores {', '.join(sectors)}",
            boundary={"type": "Polygon", "coordinates": [_council_ring(len(councils))]},
        )
        _census(rng, council, sectors)
        _council_organs(rng, council)
        councils.append(council)
    for body in [city, *communes]:
        _federal_organs(rng, body)
    statutes.adopt(communes[1], "reforma-2023", note="Asamblea de la comuna, acta 12/2024", by=DEMO)
    _demo_users(councils, communes)


# The demo councils side by side along the Turbio valley, west to east: each council lies
# between two of these borders, drawn south to north as (longitude offset, latitude) points.
WEST, SOUTH, NORTH = -69.345, 10.045, 10.062
BORDERS = [
    [(0.0, SOUTH), (0.001, 10.053), (-0.0005, NORTH)],
    [(0.012, SOUTH), (0.0105, 10.05), (0.0135, 10.056), (0.011, NORTH)],
    [(0.022, SOUTH), (0.0245, 10.052), (0.0215, NORTH)],
    [(0.035, SOUTH), (0.033, 10.049), (0.0345, 10.057), (0.036, NORTH)],
    [(0.046, SOUTH), (0.0475, 10.054), (0.045, NORTH)],
    [(0.057, SOUTH), (0.0585, 10.05), (0.0575, NORTH)],
]


def _council_ring(index: int) -> list[list[float]]:
    """The closed ring of the ``index``-th council: up its west border, down its east one."""
    west = [[round(WEST + dx, 4), lat] for dx, lat in BORDERS[index]]
    east = [[round(WEST + dx, 4), lat] for dx, lat in reversed(BORDERS[index + 1])]
    return [*west, *east, west[0]]


def _territory_of(councils: Iterable[int]) -> dict:
    """A commune's or city's territory: the councils federated into it."""
    return {"type": "MultiPolygon", "coordinates": [[_council_ring(i)] for i in councils]}


def _census(rng: random.Random, council: Body, sectors: list[str]) -> None:
    """The council's census, imported as a CSV file the way an electoral commission would."""
    rows: list[dict[str, object]] = []
    for number in range(1, rng.randint(20, 26) + 1):
        household = dict(
            household_code=f"{council.slug.split('-', 1)[1][:3].upper()}-{number:03d}",
            address=f"{rng.choice(STREETS)} {rng.randint(1, 12)}, casa {rng.randint(1, 80)}",
            sector=rng.choice(sectors),
            tenure=rng.choice(Tenure.values),
            dwelling=rng.choices(Dwelling.values, weights=[6, 2, 1, 1, 1])[0],
            monthly_income=rng.randrange(40, 600) * 10,
            has_running_water=rng.random() < 0.7,
            has_gas=rng.random() < 0.8,
        )
        family = rng.choice(SURNAMES)
        arrived = TODAY - timedelta(days=rng.randint(200, 40 * 365))
        for k in range(rng.choices([1, 2, 3, 4, 5, 6], weights=[1, 3, 4, 4, 2, 1])[0]):
            sex = rng.choice([Sex.FEMALE, Sex.MALE])
            age_days = rng.randint(30 * 365, 75 * 365) if k < 2 else rng.randint(200, 30 * 365)
            born = TODAY - timedelta(days=age_days)
            rows.append(
                dict(
                    household,
                    given_name=rng.choice(FEMALE if sex == Sex.FEMALE else MALE),
                    family_name=f"{family} {rng.choice(SURNAMES)}",
                    document_id=f"V-{rng.randint(5_000_000, 32_000_000)}",
                    birth_date=born,
                    sex=sex,
                    resident_since=max(arrived, born),
                    is_household_head=k == 0,
                    occupation=rng.choice(OCCUPATIONS) if age_days > 18 * 365 else "estudiante",
                    education=rng.choice(Education.values),
                    has_disability=rng.random() < 0.05,
                )
            )
    services.import_census(council, _csv(rows), by=DEMO)


def _csv(rows: list[dict[str, object]]) -> bytes:
    columns = [c for c in [*HOUSEHOLD_COLUMNS, *RESIDENT_COLUMNS] if c in rows[0]]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            ["1" if v is True else "0" if v is False else v for v in map(row.get, columns)]
        )
    return out.getvalue().encode()


def _adults(body: Body) -> list[Resident]:
    limit = TODAY - timedelta(days=18 * 365)
    return list(Resident.objects.filter(body=body, birth_date__lte=limit).order_by("pk"))


def _council_organs(rng: random.Random, council: Body) -> None:
    pool = _adults(council)
    rng.shuffle(pool)
    services.create_organ(
        council,
        kind=OrganKind.ASSEMBLY,
        name="Asamblea de Ciudadanos y Ciudadanas",
        position=0,
        seats=0,
        by=DEMO,
    )
    executive = services.create_organ(
        council, kind=OrganKind.EXECUTIVE, position=1, name="Unidad Ejecutiva", seats=0, by=DEMO
    )
    organs = [
        services.create_organ(
            council, kind=OrganKind.COMMITTEE, name=name, parent=executive, position=i, by=DEMO
        )
        for i, name in enumerate(COMMITTEES)
    ]
    for position, (kind, name, seats) in enumerate(
        [
            (OrganKind.FINANCIAL, "Unidad Administrativa y Financiera Comunitaria", 5),
            (OrganKind.COMPTROLLER, "Unidad de Contraloría Social", 5),
            (OrganKind.ELECTORAL, "Comisión Electoral Permanente", 5),
            (OrganKind.COORDINATION, "Colectivo de Coordinación Comunitaria", 3),
        ],
        start=2,
    ):
        organs.append(
            services.create_organ(
                council, kind=kind, name=name, seats=seats, position=position, by=DEMO
            )
        )
    for organ in organs:
        for kind in [MandateKind.SPOKESPERSON] * organ.seats + [MandateKind.SUBSTITUTE]:
            services.confer_mandate(
                council,
                pool.pop(),
                organ=organ,
                kind=kind,
                starts_on=date(2025, 3, 1),
                ends_on=date(2027, 3, 1),
                by=DEMO,
            )


def _federal_organs(rng: random.Random, body: Body) -> None:
    kind_name = "Parlamento Comunal" if body.kind == BodyKind.COMMUNE else "Consejo de la Ciudad"
    children = list(body.children.all())
    parliament = services.create_organ(
        body, kind=OrganKind.PARLIAMENT, name=kind_name, seats=len(children), position=0, by=DEMO
    )
    organs = [parliament] + [
        services.create_organ(body, kind=kind, name=name, seats=len(children), position=i, by=DEMO)
        for i, (kind, name) in enumerate(
            [
                (OrganKind.EXECUTIVE, "Consejo Ejecutivo"),
                (
                    OrganKind.FINANCIAL,
                    "Banco de la Comuna"
                    if body.kind == BodyKind.COMMUNE
                    else "Consejo de Economía",
                ),
                (OrganKind.COMPTROLLER, "Consejo de Contraloría"),
                (OrganKind.ELECTORAL, "Comisión Electoral"),
            ],
            start=1,
        )
    ]
    # nobody holds two mandates in the demo, so each demo login has exactly one role
    taken = set(Mandate.objects.values_list("resident_id", flat=True))
    for organ in organs:
        for child in body.children.order_by("pk")[: organ.seats]:
            # one spokesperson per member body, chosen among that body's residents
            member_residents = (
                Resident.objects.filter(
                    body_id__in=child.descendant_ids(),
                    birth_date__lte=TODAY - timedelta(days=18 * 365),
                )
                .exclude(pk__in=taken)
                .order_by("pk")
            )
            chosen = rng.choice(list(member_residents[:40]))
            taken.add(chosen.pk)
            services.confer_mandate(
                body,
                chosen,
                organ=organ,
                kind=MandateKind.SPOKESPERSON,
                starts_on=date(2025, 6, 1),
                ends_on=date(2027, 6, 1),
                by=DEMO,
            )


def _demo_users(councils: list[Body], communes: list[Body]) -> None:
    user_model = get_user_model()
    veritas = councils[0]

    def account(username: str, resident: Resident) -> None:
        assert resident.user_id is None, f"{resident} already has a login"
        user = user_model.objects.create_user(
            username=username,
            password=PASSWORD,
            first_name=resident.given_name,
            last_name=resident.family_name,
        )
        services.link_login(resident, user, by=DEMO)

    with_mandate = set(Mandate.objects.values_list("resident_id", flat=True))
    plain = [r for r in _adults(veritas) if r.pk not in with_mandate]
    account("vecina", plain[0])
    health = Organ.objects.get(body=veritas, name="Comité de Salud")
    account("vocero", health.mandates.filter(kind=MandateKind.SPOKESPERSON).first().resident)
    for username, kind in [
        ("electoral", OrganKind.ELECTORAL),
        ("contralora", OrganKind.COMPTROLLER),
        ("tesorera", OrganKind.FINANCIAL),
    ]:
        organ = Organ.objects.get(body=veritas, kind=kind)
        account(username, organ.mandates.filter(kind=MandateKind.SPOKESPERSON).first().resident)
    admin = plain[1]
    services.confer_mandate(
        veritas, admin, kind=MandateKind.ADMINISTRATOR, starts_on=date(2025, 3, 1), by=DEMO
    )
    account("admin", admin)
    parliament = Organ.objects.get(body=communes[0], kind=OrganKind.PARLIAMENT)
    account("parlamentaria", parliament.mandates.order_by("pk").first().resident)
    outsider = [r for r in _adults(councils[3]) if r.pk not in with_mandate][0]
    account("foraneo", outsider)
