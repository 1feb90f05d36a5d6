"""Demo mandates of Consejo Comunal Las Veritas, replayed through the services at the moments
they happened (as the assemblies' demo does), so every rule is checked and every step is in
the ledger:

- the seats of every organ declared (the education committee's three by STV);
- a completed election: the education committee (three seats, STV) and the sports committee
  (one seat), with a nomination, an objection dismissed with its reasons, online and paper
  ballots, the count with the substitutes, and the mandates conferred from the term's start;
- an open recall of one of the newly elected, its petition over the threshold, the
  comptroller's report pending;
- questions to the health committee's spokesperson (the ``vocero`` login): one answered, one
  unanswered and overdue.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from comuna.assemblies.demo import at
from comuna.mandates import accounting, candidacy, elections, recall, results, seats
from comuna.territory import census
from comuna.territory.actors import DEMO
from comuna.territory.models import Body, Counting, Mandate, MandateKind, Organ
from comuna.voting import services as voting

EDUCATION = "Comité de Educación, Cultura y Formación Ciudadana"
SPORTS = "Comité de Deporte y Recreación"


@transaction.atomic
def load(seed: int = 2026) -> None:
    rng = random.Random(seed)
    veritas = Body.objects.get(slug="cc-las-veritas")
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["vecina", "vocero", "electoral", "contralora", "admin"]
        )
    }
    commission, admin = users["electoral"], users["admin"]
    now = timezone.now()
    today = timezone.localdate()
    education = Organ.objects.get(body=veritas, name=EDUCATION)
    sports = Organ.objects.get(body=veritas, name=SPORTS)

    # 1. the seats, declared when the council adopted Comuna (before the election)
    with at(now - timedelta(days=75)):
        for organ in veritas.organs.exclude(seats=0).order_by("position", "pk"):
            if organ == education:
                seats.declare_seats(organ, seats=3, counting=Counting.STV, by=admin)
            else:
                seats.declare_seats(
                    organ, seats=organ.seats, counting=Counting.UNINOMINAL, by=admin
                )

    # 2. the election: convened 70 days ago, voted 35 days ago, seats taken 30 days ago
    with at(now - timedelta(days=70)):
        election = elections.convene(
            veritas,
            title="Elección de vocerías de Educación y Deporte",
            description="Elección de las tres vocerías del Comité de Educación (por voto "
            "único transferible) y de la vocería del Comité de Deporte.",
            contests=[education, sports],
            candidacy_opens=today - timedelta(days=65),
            candidacy_closes=today - timedelta(days=55),
            objections_close=today - timedelta(days=50),
            vote_on=today - timedelta(days=35),
            term_starts=today - timedelta(days=30),
            by=commission,
        )
    taken = set(
        Mandate.objects.active(today - timedelta(days=60))
        .filter(body=veritas)
        .exclude(organ__in=[education, sports])
        .values_list("resident_id", flat=True)
    )
    pool = [
        r
        for r in census.register(veritas).order_by("family_name", "given_name", "pk")
        if r.pk not in taken and r.user_id is None
    ]
    rng.shuffle(pool)
    edu_contest, sports_contest = list(election.contests.order_by("position", "pk"))
    with at(now - timedelta(days=62)):
        standing = [
            candidacy.stand(
                edu_contest,
                resident,
                statement="Propongo un plan de alfabetización digital para los adultos "
                "mayores y apoyo escolar por las tardes.",
                by=DEMO,
            )
            for resident in pool[:4]
        ]
        # a nomination: the neighbour puts forward a teacher of the sector
        standing.append(
            candidacy.stand(
                edu_contest,
                pool[4],
                statement="Maestra jubilada; propone una biblioteca comunitaria.",
                nominated_by=users["vecina"].resident,
                by=users["vecina"],
            )
        )
        for resident in pool[5:7]:
            candidacy.stand(
                sports_contest,
                resident,
                statement="Recuperar la cancha múltiple y organizar la liga infantil.",
                by=DEMO,
            )
    with at(now - timedelta(days=52)):
        objection = candidacy.object_to(
            standing[1],
            grounds="No vive en el sector desde hace un año.",
            by=users["vecina"],
        )
    with at(now - timedelta(days=51)):
        candidacy.decide_objection(
            objection,
            upheld=False,
            reason="La constancia de residencia del consejo comunal muestra que vive en el "
            "sector desde 2019; cumple el tiempo de residencia del estatuto.",
            by=commission,
        )
    with at(now - timedelta(days=35, hours=-8)):
        polls = results.open_vote(election, by=commission)
    edu_poll, sports_poll = polls
    edu_keys = [o.key for o in edu_poll.options.order_by("key")]
    with at(now - timedelta(days=35, hours=-12)):
        for username in ("vecina", "vocero", "contralora", "admin"):
            ranking = edu_keys[:]
            rng.shuffle(ranking)
            voting.cast(edu_poll, users[username], ranking[:3])
            voting.cast(sports_poll, users[username], [rng.choice(["1", "2"])])
        paper = []
        for _ in range(24):
            ranking = edu_keys[:]
            rng.shuffle(ranking)
            if rng.random() < 0.4:
                # a block that ranks the first two candidates together
                ranking.remove("1")
                ranking.insert(0, "1")
            paper.append(ranking[: rng.randint(1, len(ranking))])
        voting.enter_paper(edu_poll, "Casa comunal Las Veritas", ballots=paper, by=DEMO)
        sports_room = [["1"]] * 15 + [["2"]] * 11
        voting.enter_paper(sports_poll, "Casa comunal Las Veritas", ballots=sports_room, by=DEMO)
    with at(now - timedelta(days=35, hours=-20)):
        results.count(election, by=commission)
    with at(now - timedelta(days=33)):
        results.confer(election, by=commission)

    # 3. an open recall of one of the elected: the petition over the threshold, the report due
    elected = (
        Mandate.objects.active()
        .filter(organ=education, kind=MandateKind.SPOKESPERSON)
        .order_by("seat__number")
    )
    target = elected[1]
    signers = [
        r
        for r in census.register(veritas).order_by("pk")
        if r.pk != target.resident_id and r.document_id
    ]
    with at(now - timedelta(days=12)):
        opened = recall.start(
            target,
            grounds="No ha convocado al comité desde que fue electa y no responde a los "
            "vecinos sobre el plan de apoyo escolar.",
            by=users["vecina"],
        )
    with at(now - timedelta(days=9)):
        recall.sign(opened, by=users["vocero"])
    with at(now - timedelta(days=6)):
        opened.refresh_from_db()
        needed = opened.threshold - opened.signatures.count()
        recall.enter_paper_signatures(
            opened, [r.document_id for r in signers[: needed + 1]], by=commission
        )

    # 4. questions to the health committee's spokesperson: one answered, one overdue
    vocero = Mandate.objects.active().get(resident=users["vocero"].resident, kind="spokesperson")
    with at(now - timedelta(days=40)):
        answered = accounting.ask(
            vocero,
            text="¿Cuándo será la próxima jornada de vacunación en el sector Los Mangos?",
            by=users["vecina"],
        )
    with at(now - timedelta(days=37)):
        accounting.answer(
            answered,
            text="El sábado 14 en la escuela, de 8 a 12; llevar la tarjeta de vacunación.",
            by=users["vocero"],
        )
    with at(now - timedelta(days=25)):
        accounting.ask(
            vocero,
            text="¿Qué pasó con los medicamentos que donó la alcaldía al ambulatorio?",
            by=users["vecina"],
        )
