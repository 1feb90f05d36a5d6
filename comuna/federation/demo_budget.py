"""The demo's commune-wide plan and participatory budget (issue 15, point 4), replayed through
the services at the moments they happened (as the cycles' demo does):

- Consejo Comunal El Carabalí gets a short cycle of its own (a need, three projects found
  feasible), so each council of Comuna El Cardonal has a plan to bring;
- Comuna El Cardonal opens its cycle 2027; its executive unit takes into the commune's plan the
  projects Las Veritas did not fund in 2026, Brisas del Turbio's and El Carabalí's;
- the commune's budget, its vote open now: one district per council (voted on that council's
  own register) with two of the projects it brought, and a pot for the whole commune with the
  largest ones; a few ballots are in already (the ``vocero`` and ``contralora`` logins of Las
  Veritas and ``vecino`` of Brisas online, a few on paper at each casa comunal). The
  ``vecina`` login (Las Veritas) has not voted: her ballot holds Las Veritas's district and the
  commune's pot.

Deterministic: no random draw; a handful of service calls.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from comuna.assemblies.demo import at
from comuna.cycles import budgets, cycle, needs, projects
from comuna.cycles.demo import _calendar, _plain
from comuna.cycles.models import BudgetProject, Project, ProjectStatus
from comuna.federation import plan
from comuna.territory.actors import DEMO
from comuna.territory.models import Body
from comuna.voting import services as voting

COMMUNE = "comuna-el-cardonal"
COUNCILS = ("cc-las-veritas", "cc-brisas-del-turbio", "cc-el-carabali")
CARABALI_PROJECTS = [
    ("Iluminación de La Cancha", [("Reflector LED", 8, "450")]),
    ("Bebederos junto a El Tanque", [("Bebedero de acero", 3, "780")]),
    ("Techado del módulo de salud", [("Estructura y láminas", 1, "9400")]),
]
# ballots on paper per district (the key's position among the district's keys, 0-based)
PAPER = [[0], [1], [0, 1], [0], [1], [0, 1], [0]]


def _carabali(carabali: Body, now, today) -> list[Project]:
    """El Carabalí's short cycle: one need, three projects found feasible."""
    people = _plain(carabali, today - timedelta(days=60))
    dates = _calendar(today, (-60, -50, -45, -35, -25, 15, 300))
    with at(now - timedelta(days=61)):
        cyc = cycle.open_cycle(carabali, title="Ciclo comunal 2026-2027", by=DEMO, **dates)
    with at(now - timedelta(days=55)):
        need = needs.report(
            cyc,
            resident=people[0],
            category="culture",
            title="La cancha y el módulo no tienen servicios",
            description="De noche la cancha está a oscuras y el módulo de salud no tiene techo.",
            place="La Cancha",
            by=DEMO,
        )
    with at(now - timedelta(days=40)):
        made = [
            projects.propose(
                cyc,
                resident=people[1 + n],
                title=title,
                description=title + ".",
                needs=[need],
                items=[
                    {"description": d, "quantity": Decimal(q), "unit_cost": Decimal(c)}
                    for d, q, c in items
                ],
                place="La Cancha",
                by=DEMO,
            )
            for n, (title, items) in enumerate(CARABALI_PROJECTS)
        ]
    with at(now - timedelta(days=30)):
        for project in made:
            projects.review(project, decision="feasible", reason="", by=DEMO)
    return made


def _brought(council: Body) -> list[Project]:
    """A council's feasible projects the commune takes: three, those no budget of the council
    funded first (Las Veritas funded most of its 2026 plan)."""
    funded = set()
    for budget in council.budgets.filter(status="counted"):
        keys = set(budgets.funded(budget))
        funded |= {
            e.project_id
            for e in BudgetProject.objects.filter(district__budget=budget)
            if e.key in keys
        }
    found = Project.objects.filter(cycle__body=council, status=ProjectStatus.FEASIBLE)
    ordered = sorted(found.order_by("cost", "pk"), key=lambda p: p.pk in funded)
    return ordered[:3]


def _amount(rows: list[Project]) -> Decimal:
    """About two thirds of the projects' cost, and at least the dearest one's, in hundreds
    (rounded up)."""
    total = sum((p.cost for p in rows), Decimal(0))
    wanted = max(total * 2 / 3, max(p.cost for p in rows))
    return (wanted / 100).to_integral_value(rounding="ROUND_CEILING") * 100


@transaction.atomic
def load() -> None:
    now = timezone.now()
    today = timezone.localdate()
    commune = Body.objects.get(slug=COMMUNE)
    councils = [Body.objects.get(slug=s) for s in COUNCILS]
    _carabali(councils[2], now, today)
    with at(now - timedelta(days=21)):
        cyc = cycle.open_cycle(
            commune,
            title="Ciclo comunal 2027 de la comuna",
            description="El plan de la comuna con los proyectos que traen sus consejos "
            "comunales, y su presupuesto participativo.",
            by=DEMO,
            **_calendar(today, (-20, -18, -16, -14, -6, 20, 330)),
        )
    districts, pot = [], []
    with at(now - timedelta(days=10)):
        for council in councils:
            copies = [plan.include_project(cyc, p, by=DEMO) for p in _brought(council)]
            districts.append(
                {
                    "name": council.name,
                    "voters_body": council,
                    "amount": _amount(copies[:2]),
                    "projects": copies[:2],
                }
            )
            pot += copies[2:]
    districts.append(
        {"name": "Toda la comuna", "amount": _amount(pot), "projects": pot},
    )
    with at(now - timedelta(days=5)):
        budget = budgets.create(
            cyc,
            title="Presupuesto participativo comunal 2027",
            ballot_kind="approval",
            rule="mes-cost-complete",
            districts=districts,
            by=DEMO,
        )
        budgets.open(budget, by=DEMO)
    rows = list(budget.districts.select_related("poll", "voters_body").order_by("position"))
    with at(now - timedelta(days=2)):
        for row in rows:
            keys = [e.key for e in row.entries.order_by("pk")]
            place = (
                f"Casa comunal {row.voters_body.name.split(' ', 2)[-1]}"
                if row.voters_body
                else "Casa de la comuna"
            )
            ballots = [[keys[i] for i in chosen] for chosen in PAPER]
            voting.enter_paper(row.poll, place, ballots=ballots, by=DEMO)
        users = {
            u.username: u
            for u in get_user_model().objects.filter(
                username__in=["vocero", "contralora", "vecino"]
            )
        }
        for username, picks in (("vocero", (0, 0)), ("contralora", (1, 0)), ("vecino", (0, 1))):
            user = users.get(username)
            if user is None:
                continue
            mine = budgets.voting_districts(budget, user)
            choices = {}
            for district, pick in zip(mine, picks, strict=False):
                keys = [e.key for e in district.entries.order_by("pk")]
                choices[district.pk] = [keys[pick % len(keys)]]
            if choices:
                budgets.cast(budget, user=user, choices=choices)
