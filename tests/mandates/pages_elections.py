"""The elections pages' probes for tests/web/test_permission_matrix.py (PROBES: page name -> Probe)
and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs). Every named page of the part must be in both."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from comuna.mandates.elections import CALENDAR
from comuna.mandates.models import Candidate, CandidateStatus, ElectionPhase, Objection
from tests.mandates.factories import election_in, seats_of
from tests.web.probes import Probe

RESIDENT_PERSONAS = (
    "resident",
    "spokesperson",
    "electoral",
    "comptroller",
    "admin",
    "financial",
    "parliamentarian",
    "substitute",
)


def _pk(cast, election):
    return {"pk": election.pk}


def _first_candidate(election):
    return Candidate.objects.filter(contest__election=election).order_by("pk").first()


def _candidate(cast, election):
    return {"pk": election.pk, "cid": _first_candidate(election).pk}


def _every_persona_standing(cast, election):
    """Each resident persona a standing candidate, so each may withdraw their own."""
    contest = election.contests.get()
    for persona in RESIDENT_PERSONAS:
        Candidate.objects.get_or_create(contest=contest, resident=getattr(cast, persona))
    return {"pk": election.pk}


def _objection(cast, election):
    objection = Objection.objects.create(
        candidate=_first_candidate(election),
        filed_by=cast.spokesperson,
        grounds="No vive en la comunidad desde hace un año.",
    )
    return {"pk": election.pk, "oid": objection.pk}


def _declared(cast, obj):
    seats_of(cast.health)
    return {}


def convene_form(cast, days: int = 5, **changes) -> dict:
    today = timezone.localdate()
    data = {
        "title": "Elección de vocerías 2027",
        "description": "",
        "contests": [str(cast.health.pk)],
        **{
            name: (today + timedelta(days=days + 5 * n)).isoformat()
            for n, name in enumerate(CALENDAR)
        },
    }
    data.update(changes)
    return data


def _shifted(cast, election) -> dict:
    """The calendar with the vote and the term's start one day later."""
    data = {name: getattr(election, name) for name in CALENDAR}
    data["vote_on"] += timedelta(days=1)
    data["term_starts"] += timedelta(days=1)
    return {k: v.isoformat() for k, v in data.items()}


PROBES: dict = {
    "election-new": Probe(kwargs=_declared, post=lambda cast, obj: convene_form(cast)),
    "election-edit": Probe(kwargs=_pk, post=_shifted),
    "election-cancel": Probe(kwargs=_pk, post=lambda cast, obj: {"reason": "Error de fechas"}),
    "election-stand": Probe(
        kwargs=_pk,
        post=lambda cast, election: {
            "contest": election.contests.get().pk,
            "nominee": cast.admin.pk,
            "statement": "Propongo jornadas de salud cada mes.",
        },
    ),
    "election-withdraw": Probe(
        kwargs=_every_persona_standing, post=lambda cast, obj: {"reason": "Me mudo."}
    ),
    "candidate-withdraw": Probe(
        kwargs=_candidate, post=lambda cast, obj: {"reason": "Lo pidió por escrito."}
    ),
    "candidate-object": Probe(
        kwargs=_candidate, post=lambda cast, obj: {"grounds": "No cumple la residencia."}
    ),
    "objection-decide": Probe(
        kwargs=_objection,
        post=lambda cast, obj: {"upheld": "yes", "reason": "Constatado en el censo."},
    ),
}


def urls(cast) -> dict[str, list[str]]:
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]
    council = cast.council.slug
    made = [election_in(cast, phase) for phase in ElectionPhase.values]
    objections = {}
    for election in made:
        candidate = _first_candidate(election)
        objections[election.pk] = Objection.objects.create(
            candidate=candidate, filed_by=cast.spokesperson, grounds="Motivos"
        )
    Candidate.objects.filter(pk=_first_candidate(made[-1]).pk).update(
        status=CandidateStatus.WITHDRAWN, reason="Se mudó"
    )

    def each(name, extra):
        return [reverse(name, kwargs={"slug": council, "pk": e.pk, **extra(e)}) for e in made]

    def none(election):
        return {}

    return {
        "elections": [reverse("elections", kwargs={"slug": s}) for s in slugs],
        "election-new": [reverse("election-new", kwargs={"slug": s}) for s in slugs],
        "election": each("election", extra=none),
        "election-edit": each("election-edit", extra=none),
        "election-cancel": each("election-cancel", extra=none),
        "election-stand": each("election-stand", extra=none),
        "election-withdraw": each("election-withdraw", extra=none),
        "candidate-withdraw": each(
            "candidate-withdraw", extra=lambda e: {"cid": _first_candidate(e).pk}
        ),
        "candidate-object": each(
            "candidate-object", extra=lambda e: {"cid": _first_candidate(e).pk}
        ),
        "objection-decide": each("objection-decide", extra=lambda e: {"oid": objections[e.pk].pk}),
    }
