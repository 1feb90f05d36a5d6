"""The clearing house's pages: probes for tests/web/test_permission_matrix.py (PROBES: page
name -> Probe) and sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page
name -> URLs). Every named page of the part is in ``urls``; the one page guarded by an action
(the team's form recording a lesson) has a probe; the archive and a lesson's page are public.

Recording a lesson takes a spokesperson of the project's committee (or the coordination
collective): the probe makes the committee of the execution the persona's own organ first."""

from __future__ import annotations

from django.urls import reverse

from comuna.cycles.models import Execution, ExecutionStatus
from tests.web.probes import Probe

# the organ each persona speaks for in council A
ORGAN_OF = {
    "spokesperson": "health",
    "electoral": "electoral_organ",
    "comptroller": "comptroller_organ",
    "financial": "financial_organ",
}
FORM = {
    "what_happened": "Se instaló el tanque en dos semanas.",
    "what_worked": "Comprar el tanque con otro consejo.",
    "what_did_not": "La grúa llegó tarde.",
    "cost_note": "Costó lo estimado.",
    "advice": "Reservar la grúa con tiempo.",
}


def _pk(cast, obj):
    return {"pk": obj.pk}


def _the_personas_committee(cast, execution, persona):
    organ = ORGAN_OF.get(persona)
    if organ is not None:
        Execution.objects.filter(pk=execution.pk).update(committee=getattr(cast, organ))


PROBES: dict = {
    "lesson-record": Probe(
        kwargs=_pk, post=lambda cast, obj: dict(FORM), prepare=_the_personas_committee
    ),
}


def urls(cast) -> dict[str, list[str]]:
    from tests.cycles.lesson_factories import WATER, execution_in, lesson_in

    recorded = lesson_in(cast, project=WATER)
    elsewhere = lesson_in(cast, body=cast.other, project=WATER)
    waiting = [
        execution_in(cast, status, **WATER)
        for status in (ExecutionStatus.IN_PROGRESS, ExecutionStatus.ABANDONED)
    ]
    archive = reverse("lessons")
    return {
        "lessons": [
            archive,
            f"{archive}?q=tuber%C3%ADa&category=water&outcome=done&min_cost=1&max_cost=9000",
            f"{archive}?q=%22NEAR(&place=calle&page=2",
            f"{archive}?min_cost=mucho&category=nonsense",
        ],
        "lesson": [reverse("lesson", kwargs={"pk": lesson.pk}) for lesson in (recorded, elsewhere)]
        + [reverse("lesson", kwargs={"pk": 999999})],
        "lesson-record": [
            reverse("lesson-record", kwargs={"slug": cast.council.slug, "pk": e.pk})
            for e in (recorded.execution, *waiting)
        ]
        + [
            reverse(
                "lesson-record", kwargs={"slug": cast.council.slug, "pk": elsewhere.execution_id}
            )
        ],
    }
