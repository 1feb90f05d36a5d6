"""The demo's communal cycles, replayed through the services at the moments they happened (as
the assemblies' and mandates' demos do), so every rule is checked and every step is in the
ledger:

- Consejo Comunal Las Veritas, cycle 2026, past its budget vote: needs reported and supported,
  the assembly's prioritisation vote and its ordered list, projects answering them (one
  rejected with its reason, one revised and resubmitted), the budget vote counted with Equal
  Shares and its explanations;
- Las Veritas, cycle 2027, in its diagnosis: a few needs reported (the ``vecina`` login can
  report and support);
- Consejo Comunal Brisas del Turbio, cycle 2026–2027, with its budget vote open (the ``vecino``
  login, a resident of Brisas, can vote).
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from comuna.assemblies.demo import at
from comuna.cycles import budgets, cycle, needs, projects
from comuna.cycles.models import Cycle
from comuna.territory import census, services
from comuna.territory.actors import DEMO
from comuna.territory.demo import PASSWORD
from comuna.territory.models import Body, Mandate, Organ
from comuna.voting import services as voting

# (category, title, description, place)
VERITAS_NEEDS = [
    (
        "water",
        "El agua llega dos días por semana",
        "En la calle 3 y Los Mangos el agua por "
        "tubería llega martes y viernes; las familias cargan pipotes desde La Cruz.",
        "Calle 3",
    ),
    (
        "electricity",
        "Calle 3 sin alumbrado",
        "Seis postes sin bombillo desde hace un año; de noche no se puede caminar a la parada.",
        "Calle 3, entre La Cruz y Los Mangos",
    ),
    (
        "health",
        "El ambulatorio no tiene insumos",
        "Faltan gasas, tensiómetro y una nevera para las vacunas.",
        "Ambulatorio Las Veritas",
    ),
    (
        "education",
        "La escuela se llueve",
        "El techo de dos aulas tiene filtraciones; en temporada de lluvia se suspenden las clases.",
        "Escuela Bolivariana Las Veritas",
    ),
    (
        "culture",
        "La cancha está abandonada",
        "Tableros rotos y piso agrietado; los muchachos no tienen dónde jugar.",
        "La Cancha",
    ),
    (
        "food",
        "Queremos sembrar",
        "Un huerto escolar para la merienda y para enseñar a sembrar.",
        "Escuela Bolivariana Las Veritas",
    ),
]
# (title, description, needs answered (indices), committee, items, feasible?)
VERITAS_PROJECTS = [
    (
        "Tanque de agua comunitario",
        "Un tanque de 20.000 litros en La Cruz, con tubería a la calle 3 y Los Mangos.",
        [0],
        "Comité de Vivienda y Hábitat",
        [("Tanque de 20.000 litros", 1, "9800"), ("Tubería y conexiones (metros)", 120, "45")],
        True,
    ),
    (
        "Alumbrado de la calle 3",
        "Seis luminarias LED y reparación del cableado.",
        [1],
        "Comité de Seguridad y Defensa Integral",
        [("Luminaria LED", 6, "850"), ("Cableado y mano de obra", 1, "3400")],
        True,
    ),
    (
        "Dotación del ambulatorio",
        "Insumos básicos, tensiómetros y una nevera para vacunas.",
        [2],
        "Comité de Salud",
        [("Nevera para vacunas", 1, "6200"), ("Insumos y tensiómetros", 1, "5300")],
        True,
    ),
    (
        "Impermeabilización del techo de la escuela",
        "Manto asfáltico sobre las dos aulas afectadas.",
        [3],
        "Comité de Educación, Cultura y Formación Ciudadana",
        [("Manto asfáltico (m²)", 160, "75"), ("Mano de obra", 1, "4200")],
        True,
    ),
    (
        "Cancha múltiple: rehabilitación",
        "Piso, tableros y pintura de la cancha.",
        [4],
        "Comité de Deporte y Recreación",
        [("Piso de concreto (m²)", 300, "28"), ("Tableros y aros", 2, "1100")],
        True,
    ),
    (
        "Huerto escolar",
        "Cercado, semillas, herramientas y riego por goteo.",
        [5],
        "Comité de Alimentación",
        [("Cercado", 1, "1600"), ("Semillas, herramientas y riego", 1, "2100")],
        True,
    ),
    (
        "Pozo profundo en La Cruz",
        "Perforar un pozo de 120 metros para el sector.",
        [0],
        "Comité de Vivienda y Hábitat",
        [("Perforación y bomba", 1, "68000")],
        False,
    ),
]
REJECTION = (
    "El estudio de suelos de la alcaldía (2024) ubica el acuífero a más de 200 metros en La "
    "Cruz: un pozo de 120 metros no daría agua, y uno de 200 cuesta más que el presupuesto "
    "entero del ciclo. Proponemos atender la necesidad con el tanque comunitario."
)
BRISAS_PROJECTS = [
    ("Muro de contención de la vereda 2", [("Muro de concreto (m)", 40, "310")]),
    ("Escaleras de la vereda 1", [("Escalones y baranda", 1, "8600")]),
    ("Bombillos para las veredas", [("Luminaria solar", 12, "520")]),
    ("Dotación de la casa comunal", [("Sillas y mesas", 1, "3900")]),
    ("Plan de recolección de basura", [("Contenedores", 8, "640")]),
]


def _login(resident, username: str):
    user = get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=resident.given_name,
        last_name=resident.family_name,
    )
    services.link_login(resident, user, by=DEMO)
    return user


def _plain(body: Body, on) -> list:
    """Residents on the register without a login or a mandate, in a fixed order."""
    holders = set(Mandate.objects.filter(body=body).values_list("resident_id", flat=True))
    return [
        r
        for r in census.register(body, on=on).order_by("family_name", "given_name", "pk")
        if r.user_id is None and r.pk not in holders
    ]


def _calendar(today, offsets):
    names = (
        "starts_on",
        "diagnosis_until",
        "prioritisation_until",
        "planning_until",
        "review_until",
        "budget_until",
        "ends_on",
    )
    return {n: today + timedelta(days=d) for n, d in zip(names, offsets, strict=True)}


@transaction.atomic
def load(seed: int = 2027) -> None:
    rng = random.Random(seed)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["vecina", "vocero", "electoral", "contralora", "admin"]
        )
    }
    now = timezone.now()
    today = timezone.localdate()
    veritas = Body.objects.get(slug="cc-las-veritas")
    brisas = Body.objects.get(slug="cc-brisas-del-turbio")
    _veritas_2026(veritas, users, rng, now, today)
    # issue 14: the 2026 budget carried out, its money followed, inspected and learned from
    from comuna.cycles import demo_execution

    demo_execution.load(veritas)
    _veritas_2027(veritas, users, now, today)
    _brisas(brisas, users, rng, now, today)


def _veritas_2026(veritas, users, rng, now, today) -> Cycle:
    commission, vecina = users["electoral"], users["vecina"]
    dates = _calendar(today, (-300, -250, -230, -200, -180, -150, 35))
    with at(now - timedelta(days=310)):
        cyc = cycle.open_cycle(
            veritas,
            title="Ciclo comunal 2026",
            description="Diagnóstico, plan y presupuesto participativo de Las Veritas para 2026.",
            by=users["admin"],
            **dates,
        )
    people = _plain(veritas, today - timedelta(days=300))
    reported = []
    with at(now - timedelta(days=295)):
        for n, (category, title, description, place) in enumerate(VERITAS_NEEDS):
            reported.append(
                needs.report(
                    cyc,
                    resident=people[n],
                    category=category,
                    title=title,
                    description=description,
                    place=place,
                    by=DEMO,
                )
            )
    weights = [0.8, 0.5, 0.6, 0.55, 0.3, 0.25]
    with at(now - timedelta(days=280)):
        for resident in people[6:]:
            for need, weight in zip(reported, weights, strict=True):
                if rng.random() < weight * 0.6:
                    needs.support(need, resident=resident, by=DEMO)
        needs.support(reported[0], resident=vecina.resident, by=vecina)
    with at(now - timedelta(days=245)):
        poll = needs.open_prioritisation(cyc, method="approval", by=commission)
    keys = [o.key for o in poll.options.order_by("pk")]
    with at(now - timedelta(days=240)):
        paper = []
        for _ in range(41):
            chosen = [k for k, w in zip(keys, weights, strict=True) if rng.random() < w]
            paper.append(chosen or [rng.choice(keys)])
        voting.enter_paper(poll, "Casa comunal Las Veritas", ballots=paper, by=DEMO)
        voting.cast(poll, vecina, keys[:2])
    with at(now - timedelta(days=232)):
        voting.close_poll(poll, by=commission)
        needs.record_priorities(cyc, by=commission)
    committees = {o.name: o for o in Organ.objects.filter(body=veritas)}
    proposed = []
    with at(now - timedelta(days=225)):
        for n, (title, description, answers, committee, items, _ok) in enumerate(VERITAS_PROJECTS):
            proposed.append(
                projects.propose(
                    cyc,
                    resident=people[(n * 3) % len(people)] if n else vecina.resident,
                    title=title,
                    description=description,
                    needs=[reported[i] for i in answers],
                    items=[
                        {"description": d, "quantity": Decimal(q), "unit_cost": Decimal(c)}
                        for d, q, c in items
                    ],
                    committee=committees.get(committee),
                    place=VERITAS_NEEDS[answers[0]][3],
                    by=vecina if n == 0 else DEMO,
                )
            )
    with at(now - timedelta(days=195)):
        for project, row in zip(proposed, VERITAS_PROJECTS, strict=True):
            feasible = row[5]
            projects.review(
                project,
                decision="feasible" if feasible else "rejected",
                reason="" if feasible else REJECTION,
                by=DEMO,
            )
    with at(now - timedelta(days=178)):
        budget = budgets.create(
            cyc,
            title="Presupuesto del ciclo comunal 2026",
            amount=Decimal("50000"),
            ballot_kind="approval",
            rule="mes-cost-complete",
            max_projects=4,
            by=commission,
        )
    with at(now - timedelta(days=170)):
        budgets.open(budget, by=commission)
    district = budget.districts.get()
    popularity = [0.75, 0.45, 0.6, 0.4, 0.5, 0.35]
    with at(now - timedelta(days=160)):
        paper = []
        for _ in range(40):
            chosen = [str(i + 1) for i, p in enumerate(popularity) if rng.random() < p][:4]
            paper.append(chosen or [str(rng.randint(1, 6))])
        voting.enter_paper(district.poll, "Casa comunal Las Veritas", ballots=paper, by=DEMO)
        for name, choices in [
            ("vecina", ["1", "3"]),
            ("vocero", ["3", "4"]),
            ("contralora", ["1", "2", "6"]),
        ]:
            budgets.cast(budget, user=users[name], choices={district.pk: choices})
    with at(now - timedelta(days=150)):
        budgets.count(budget, by=commission)
    return cyc


def _veritas_2027(veritas, users, now, today) -> Cycle:
    dates = _calendar(today, (-10, 20, 40, 70, 90, 120, 400))
    with at(now - timedelta(days=12)):
        cyc = cycle.open_cycle(
            veritas,
            title="Ciclo comunal 2027",
            description="El diagnóstico del año que viene: reporta lo que falta en tu calle.",
            by=users["admin"],
            **dates,
        )
    people = _plain(veritas, today)
    with at(now - timedelta(days=8)):
        first = needs.report(
            cyc,
            resident=people[0],
            category="roads",
            title="Huecos en la entrada de Los Mangos",
            description="La calle de entrada tiene tres huecos grandes; los carros se dañan y "
            "cuando llueve se llenan de agua.",
            place="Entrada de Los Mangos",
            by=DEMO,
        )
        needs.report(
            cyc,
            resident=people[1],
            category="safety",
            title="Una parada techada para los niños",
            description="Los niños esperan el transporte escolar bajo el sol y la lluvia.",
            place="La Cruz",
            by=DEMO,
        )
    with at(now - timedelta(days=5)):
        for resident in people[2:9]:
            needs.support(first, resident=resident, by=DEMO)
    return cyc


def _brisas(brisas, users, rng, now, today) -> Cycle:
    dates = _calendar(today, (-120, -90, -70, -50, -30, 10, 300))
    people = _plain(brisas, today - timedelta(days=120))
    vecino = _login(people[0], "vecino")
    with at(now - timedelta(days=125)):
        cyc = cycle.open_cycle(brisas, title="Ciclo comunal 2026-2027", by=DEMO, **dates)
    with at(now - timedelta(days=115)):
        reported = [
            needs.report(
                cyc,
                resident=people[(1 + n) % len(people)],
                category=category,
                title=title,
                description=title + ".",
                place=place,
                by=DEMO,
            )
            for n, (category, title, place) in enumerate(
                [
                    ("housing", "La vereda 2 se está deslizando", "Vereda 2"),
                    ("roads", "Las escaleras de la vereda 1 están rotas", "Vereda 1"),
                    ("electricity", "Las veredas están a oscuras", "Vereda 1 y 2"),
                    ("culture", "La casa comunal no tiene mobiliario", "Casa comunal"),
                    ("environment", "La basura se acumula en la entrada", "Entrada"),
                ]
            )
        ]
        for resident in people[6:30]:
            for need in reported:
                if rng.random() < 0.4:
                    needs.support(need, resident=resident, by=DEMO)
    with at(now - timedelta(days=60)):
        proposed = [
            projects.propose(
                cyc,
                resident=people[(1 + n) % len(people)],
                title=title,
                description=title + ".",
                needs=[reported[n]],
                items=[
                    {"description": d, "quantity": Decimal(q), "unit_cost": Decimal(c)}
                    for d, q, c in items
                ],
                place=reported[n].place,
                by=DEMO,
            )
            for n, (title, items) in enumerate(BRISAS_PROJECTS)
        ]
    with at(now - timedelta(days=40)):
        for project in proposed:
            projects.review(project, decision="feasible", reason="", by=DEMO)
    commission = brisas.organs.filter(kind="electoral").first()
    with at(now - timedelta(days=25)):
        budget = budgets.create(
            cyc,
            title="Presupuesto del ciclo comunal 2027",
            amount=Decimal("30000"),
            ballot_kind="cart",
            rule="mes-cost-complete",
            by=DEMO,
        )
        budgets.open(budget, by=DEMO)
    district = budget.districts.get()
    with at(now - timedelta(days=3)):
        paper = []
        keys = [str(n + 1) for n in range(len(BRISAS_PROJECTS))]
        costs = [p.cost for p in proposed]
        for _ in range(23):
            chosen, spent = [], Decimal(0)
            for key in rng.sample(keys, len(keys)):
                cost = costs[int(key) - 1]
                if spent + cost <= Decimal("30000") and rng.random() < 0.6:
                    chosen.append(key)
                    spent += cost
            paper.append(chosen or [keys[0]])
        voting.enter_paper(district.poll, "Casa comunal Brisas del Turbio", ballots=paper, by=DEMO)
    del commission, vecino
    return cyc
