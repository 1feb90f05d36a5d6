"""Social comptrollership's pages: probes for tests/web/test_permission_matrix.py (PROBES: page
name -> Probe), the public part of the comptroller page only the comptroller unit sees
(PUBLIC_PARTS), and sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page
name -> URLs). Every named page of the part is in ``urls``; every page guarded by an action
has a probe (public pages: none)."""

from __future__ import annotations

from django.urls import reverse

from comuna.cycles.models import ComplaintStatus, Evidence, Finding, FindingStatus
from comuna.cycles.rules import ComptrollerAction
from comuna.territory.models import Mandate, MandateKind
from tests.cycles.comptroller_factories import complaint_in, finding_in, inspection_in, pdf
from tests.web.probes import Probe

# the organ each persona speaks for in council A (answering a finding takes a spokesperson in
# office of the organ it names)
ORGAN_OF = {
    "spokesperson": "health",
    "electoral": "electoral_organ",
    "comptroller": "comptroller_organ",
    "financial": "financial_organ",
}


def _pk(cast, obj):
    return {"pk": obj.pk}


def _open_inspection(cast, obj):
    return {"pk": inspection_in(cast).pk}


def _names_the_personas_organ(cast, finding, persona):
    """The finding names the organ the persona speaks for."""
    organ = ORGAN_OF.get(persona)
    if organ is not None:
        Finding.objects.filter(pk=finding.pk).update(organ=getattr(cast, organ))


def _health_spokesperson(cast) -> int:
    return Mandate.objects.get(
        resident=cast.spokesperson, organ=cast.health, kind=MandateKind.SPOKESPERSON
    ).pk


PROBES: dict = {
    "inspection-new": Probe(
        post=lambda cast, obj: {
            "title": "Revisión de cuentas 2026",
            "scope": "Los gastos del primer trimestre.",
        }
    ),
    "inspection-close": Probe(kwargs=_open_inspection, post=lambda cast, obj: {}),
    "finding-new": Probe(
        kwargs=_open_inspection,
        post=lambda cast, obj: {
            "title": "Factura sin soporte",
            "text": "La factura 0042 no tiene orden de compra.",
            "organ": cast.health.pk,
            "evidence": pdf(),
        },
    ),
    "finding-answer": Probe(
        kwargs=_pk,
        post=lambda cast, obj: {"answer": "Se consiguió la orden de compra."},
        prepare=_names_the_personas_organ,
    ),
    "finding-close": Probe(kwargs=_pk, post=lambda cast, obj: {}),
    "finding-recall": Probe(
        kwargs=_pk,
        post=lambda cast, obj: {
            "mandate": _health_spokesperson(cast),
            "grounds": "No respondió por la factura 0042.",
        },
    ),
    "complaint-new": Probe(
        post=lambda cast, obj: {
            "subject": "La obra está parada",
            "text": "Nadie trabaja en la obra desde hace un mes.",
            "anonymous": "on",
        }
    ),
    "complaint-answer": Probe(
        kwargs=_pk, post=lambda cast, obj: {"answer": "Se pidió explicación al comité."}
    ),
}

# (action, phase) -> (public page, text only that part shows)
PUBLIC_PARTS = {(ComptrollerAction.SEE_ALL, None): ("comptroller", 'class="see-all')}


def urls(cast) -> dict[str, list[str]]:
    council = cast.council.slug
    findings = [finding_in(cast, status) for status in FindingStatus.values]
    evidence = Evidence(finding=findings[0], file_type="pdf", name="acta.pdf", sha256="0" * 64)
    evidence.file.save("acta.pdf", pdf(), save=False)
    evidence.save()
    complaints = [complaint_in(cast, s) for s in ComplaintStatus.values]
    complaints.append(complaint_in(cast, anonymous=True))
    inspections = [findings[0].inspection, inspection_in(cast, closed=True)]
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]

    def each(name, objs):
        return [reverse(name, kwargs={"slug": council, "pk": o.pk}) for o in objs]

    return {
        "comptroller": [reverse("comptroller", kwargs={"slug": s}) for s in slugs]
        + [reverse("comptroller", kwargs={"slug": council}) + "?findings=2&complaints=x"],
        "inspection-new": [reverse("inspection-new", kwargs={"slug": s}) for s in slugs],
        "inspection": each("inspection", inspections),
        "inspection-close": each("inspection-close", inspections),
        "finding-new": each("finding-new", inspections),
        "finding": each("finding", findings),
        "finding-answer": each("finding-answer", findings),
        "finding-close": each("finding-close", findings),
        "finding-recall": each("finding-recall", findings),
        "evidence": each("evidence", [evidence]),
        "complaint-new": [reverse("complaint-new", kwargs={"slug": s}) for s in slugs],
        "complaint": each("complaint", complaints),
        "complaint-answer": each("complaint-answer", complaints),
    }
