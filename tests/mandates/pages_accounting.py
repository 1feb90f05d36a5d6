"""The accounting pages' probes for tests/web/test_permission_matrix.py (PROBES: page name -> Probe)
and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs). Every named page of the part must be in both.

Answering a question and rendering accounts are for the mandate's holder alone: their rule
lets every spokesperson in, and the service refuses anyone but the holder (on the form, see
tests/web/test_spokesperson_pages.py), so the matrix probes those two pages by GET only."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from comuna.assemblies.models import Assembly, Attendance, Method, Motion, Outcome, Status
from comuna.mandates.models import AccountsReport, Question
from comuna.territory.models import Mandate
from tests.assemblies.factories import assembly_in
from tests.web.probes import Probe


def health_mandate(cast) -> Mandate:
    """The spokesperson persona's mandate in the health committee of council A."""
    return Mandate.objects.active().get(resident=cast.spokesperson, organ=cast.health)


def quorate_assembly(cast, body=None):
    """An assembly of council A (or ``body``) in session, everyone on its register present."""
    assembly = assembly_in(cast, "in_session", body)
    for registered in assembly.registered.all():
        Attendance.objects.get_or_create(assembly=assembly, resident_id=registered.resident_id)
    return assembly


def question_to(mandate, asked_by, *, days_ago: int = 0, due_in: int = 15) -> Question:
    """A question made straight from the models."""
    asked = timezone.now() - timedelta(days=days_ago)
    return Question.objects.create(
        mandate=mandate,
        asked_by=asked_by,
        text="¿Cuándo llega el médico?",
        asked_at=asked,
        due_on=timezone.localdate() + timedelta(days=due_in),
    )


def report_of(mandate) -> AccountsReport:
    return AccountsReport.objects.create(
        mandate=mandate,
        period_from=date(2024, 1, 1),
        period_to=date(2024, 12, 31),
        text="Asistí a todas las reuniones del comité.",
    )


def decided_motion(assembly) -> Motion:
    item = assembly.items.order_by("position").first()
    return Motion.objects.create(
        item=item,
        text="Aprobar el plan de salud",
        original_text="Aprobar el plan de salud",
        method=Method.HANDS,
        outcome=Outcome.CARRIED,
        votes_for=5,
        votes_against=1,
        abstentions=0,
        present=8,
        decided_at=timezone.now(),
    )


def _ask(cast, obj):
    return {"pk": health_mandate(cast).pk}


def _question(cast, obj):
    return {"pk": question_to(health_mandate(cast), cast.resident).pk}


def _in_session(cast) -> Assembly:
    return Assembly.objects.filter(body=cast.council, status=Status.IN_SESSION).latest("pk")


def _put(cast, obj):
    quorate_assembly(cast)
    return {"pk": report_of(health_mandate(cast)).pk}


def _put_form(cast, obj):
    item = _in_session(cast).items.order_by("position").first()
    return {"target": str(item.pk), "method": "hands"}


def _instruct(cast, obj):
    return {"pk": quorate_assembly(cast).pk}


def _instruct_form(cast, obj):
    item = _in_session(cast).items.order_by("position").first()
    return {
        "target": str(item.pk),
        "mandate": str(health_mandate(cast).pk),
        "matter": "Ambulatorio",
        "text": "Pedir un médico a tiempo completo",
        "position": "for",
        "method": "hands",
    }


def _votes(cast, obj):
    assembly = quorate_assembly(cast)
    return {"pk": assembly.pk, "motion": decided_motion(assembly).pk}


PROBES: dict = {
    "spokesperson-ask": Probe(kwargs=_ask, post=lambda cast, obj: {"text": "¿Y el ambulatorio?"}),
    "question-answer": Probe(kwargs=_question),
    "accounts-new": Probe(kwargs=_ask),
    "accounts-put": Probe(kwargs=_put, post=_put_form),
    "instruction-new": Probe(kwargs=_instruct, post=_instruct_form),
    "named-votes": Probe(
        kwargs=_votes, post=lambda cast, obj: {f"vote_{health_mandate(cast).pk}": "for"}
    ),
}


def urls(cast) -> dict[str, list[str]]:
    slug = cast.council.slug
    mandate = health_mandate(cast)
    parliament = Mandate.objects.active().get(resident=cast.parliamentarian)
    open_question = question_to(mandate, cast.resident)
    late = question_to(mandate, cast.resident, days_ago=20, due_in=-5)
    answered = question_to(mandate, cast.resident)
    answered.answer, answered.answered_at = "Llega el lunes.", timezone.now()
    answered.save()
    report = report_of(mandate)
    in_session = quorate_assembly(cast)
    ended = assembly_in(cast, "ended")
    motion = decided_motion(in_session)
    pending = Motion.objects.create(
        item=in_session.items.first(), text="Otra", original_text="Otra", method=Method.HANDS
    )

    def on(name, body_slug=slug, **kwargs):
        return reverse(name, kwargs={"slug": body_slug, **kwargs})

    return {
        "spokesperson": [
            on("spokesperson", pk=mandate.pk),
            on("spokesperson", cast.commune.slug, pk=parliament.pk),
            on("spokesperson", pk=Mandate.objects.get(resident=cast.substitute).pk),
            on("spokesperson", pk=parliament.pk),  # not a mandate of council A: 404
        ],
        "spokesperson-ask": [
            on("spokesperson-ask", pk=mandate.pk),
            on("spokesperson-ask", cast.commune.slug, pk=parliament.pk),
        ],
        "question-answer": [
            on("question-answer", pk=q.pk) for q in (open_question, late, answered)
        ],
        "accounts-new": [on("accounts-new", pk=mandate.pk)],
        "accounts-put": [
            on("accounts-put", pk=report.pk),
            on("accounts-put", cast.other.slug, pk=report.pk),
        ],
        "instruction-new": [on("instruction-new", pk=a.pk) for a in (in_session, ended)],
        "named-votes": [
            on("named-votes", pk=in_session.pk, motion=m.pk) for m in (motion, pending)
        ],
    }
