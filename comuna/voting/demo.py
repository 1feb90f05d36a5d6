"""Demo polls for the demo federation: two closed (with results anyone can recount) and two
open ones the demo logins can vote in."""

from __future__ import annotations

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from comuna.territory.actors import DEMO
from comuna.territory.models import Body
from comuna.voting import services

PROJECTS = [
    ("Impermeabilización del techo de la escuela", "18000"),
    ("Alumbrado de la calle 3", "9500"),
    ("Dotación del ambulatorio", "14000"),
    ("Cancha múltiple: rehabilitación", "12500"),
    ("Tanque de agua comunitario", "16000"),
    ("Huerto escolar", "4200"),
]
CANDIDATES = ["Marisol Yépez", "Pedro Querales", "Yelitza Hernández", "Ramón Peraza"]


@transaction.atomic
def load(seed: int = 2026) -> None:
    rng = random.Random(seed)
    veritas = Body.objects.get(slug="cc-las-veritas")
    commission = get_user_model().objects.get(username="electoral")
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["vecina", "vocero", "contralora", "admin", "electoral"]
        )
    }

    budget = services.create_poll(
        veritas,
        title="Presupuesto participativo 2026",
        method="budget",
        description="Proyectos propuestos en la asamblea de diagnóstico de marzo.",
        options=[{"label": label, "cost": Decimal(cost)} for label, cost in PROJECTS],
        budget=Decimal("50000"),
        max_choices=4,
        by=commission,
    )
    services.open_poll(budget, by=commission)
    popularity = [0.7, 0.45, 0.6, 0.35, 0.55, 0.3]
    paper = []
    for _ in range(46):
        chosen = [str(i + 1) for i, p in enumerate(popularity) if rng.random() < p][:4]
        paper.append(chosen or [str(rng.randint(1, 6))])
    services.enter_paper(budget, "Casa comunal", ballots=paper, by=DEMO)
    for name, choices in [
        ("vecina", ["1", "3"]),
        ("vocero", ["3", "5"]),
        ("contralora", ["1", "2", "6"]),
        ("admin", ["5"]),
    ]:
        services.cast(budget, users[name], choices)
    services.close_poll(budget, by=commission)

    election = services.create_poll(
        veritas,
        title="Elección de vocerías del Comité de Salud",
        method="ranked",
        rule="stv",
        seats=2,
        description="Dos vocerías por voto único transferible.",
        options=[{"label": c} for c in CANDIDATES],
        by=commission,
    )
    services.open_poll(election, by=commission)
    ballots = []
    for _ in range(38):
        order = sorted(range(4), key=lambda i: rng.random() * [1.0, 1.6, 1.2, 2.2][i])
        ballots.append([str(i + 1) for i in order[: rng.randint(1, 4)]])
    services.enter_paper(election, "Escuela Bolivariana Las Veritas", ballots=ballots, by=DEMO)
    services.cast(election, users["contralora"], ["3", "1"])
    services.close_poll(election, by=commission)

    cleanup = services.create_poll(
        veritas,
        title="¿Hacemos la jornada de limpieza el 5 de diciembre?",
        method="single",
        options=[{"label": "Sí"}, {"label": "No, otra fecha"}],
        by=commission,
    )
    services.open_poll(cleanup, by=commission)
    plan = services.create_poll(
        veritas,
        title="Presupuesto participativo 2027 (consulta abierta)",
        method="budget",
        options=[{"label": label, "cost": Decimal(cost)} for label, cost in PROJECTS],
        budget=Decimal("40000"),
        max_choices=3,
        by=commission,
    )
    services.open_poll(plan, by=commission)
