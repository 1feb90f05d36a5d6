"""The execution pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs).

The team's pages (milestones, status, progress) are for the coordination collective and the
spokespersons of the project's committee (the service's check, beyond the role): each persona
allowed by the role table is put on the team first (``prepare``: the execution's committee
becomes an organ they sit in). Opening a counted budget's executions is requested with GET
here (the matrix's counted budget has no ballot, so nothing is funded); its POST is
tests/cycles/test_execution_pages.py's.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from comuna.assemblies.models import Status
from comuna.cycles.models import Execution, ExecutionStatus, Expense
from tests.cycles.execution_fixtures import PDF  # noqa: E402
from tests.web.probes import Probe


def _pk(cast, obj):
    return {"pk": obj.pk}


def _on_the_team(cast, obj, persona):
    """Make the persona's organ the execution's committee (the electoral commission's member
    holds the spokesperson role, but sits in no project committee)."""
    organ = {"electoral": cast.electoral_organ}.get(persona)
    if organ is not None:
        Execution.objects.filter(pk=obj.pk).update(committee=organ)


def _milestone(cast, obj):
    return {"pk": obj.pk, "milestone": obj.milestones.first().pk}


def _an_expense(cast, obj):
    expense = Expense.objects.create(
        execution=obj,
        amount="100.00",
        currency=obj.currency,
        spent_on=timezone.localdate(),
        supplier="Ferretería",
        supplier_tax_id="J-1",
        description="Tubos",
    )
    return {"pk": obj.pk, "expense": expense.pk}


def _with_an_assembly(cast, obj):
    from tests.assemblies.factories import assembly_in

    assembly_in(cast, Status.IN_SESSION, items=1)
    return {"pk": obj.pk}


def _authorisation_form(cast, obj):
    from comuna.assemblies.models import Assembly

    assembly = Assembly.objects.filter(body=cast.council, status=Status.IN_SESSION).first()
    return {"amount": "500", "reason": "Subió el cemento.", "assembly": str(assembly.pk)}


def expense_form(cast, obj, **changes):
    data = {
        "amount": "100,50",
        "currency": obj.currency,
        "spent_on": timezone.localdate().isoformat(),
        "supplier": "Ferretería El Tornillo",
        "supplier_tax_id": "J-12345678-9",
        "description": "Tubos y conexiones",
        "item": "",
        "receipt": SimpleUploadedFile("factura.pdf", PDF, content_type="application/pdf"),
    }
    data.update(changes)
    return data


def _other_status(cast, obj):
    status = ExecutionStatus.PAUSED if obj.status != ExecutionStatus.PAUSED else "in_progress"
    return {"status": status, "reason": "Falta cemento."}


PROBES: dict = {
    "milestone-new": Probe(
        kwargs=_pk,
        post=lambda cast, obj: {"title": "Instalación", "due_on": "2027-06-30"},
        prepare=_on_the_team,
    ),
    "milestone-done": Probe(
        kwargs=_milestone, post=lambda cast, obj: {"done_on": ""}, prepare=_on_the_team
    ),
    "execution-status": Probe(kwargs=_pk, post=_other_status, prepare=_on_the_team),
    "progress-new": Probe(
        kwargs=_pk, post=lambda cast, obj: {"text": "Llegó el tanque."}, prepare=_on_the_team
    ),
    "expense-new": Probe(kwargs=_pk, post=expense_form),
    "expense-reverse": Probe(
        kwargs=_an_expense, post=lambda cast, obj: {"reason": "Factura duplicada."}
    ),
    "execution-authorise": Probe(kwargs=_with_an_assembly, post=_authorisation_form),
    # GET only: see the module's docstring
    "executions-open": Probe(kwargs=_pk),
    "funds-new": Probe(
        post=lambda cast, obj: {
            "amount": "10000",
            "currency": cast.council.currency,
            "received_on": "2026-01-05",
            "source": "Fondo de Compensación",
            "reference": "T-1",
        }
    ),
}


def urls(cast) -> dict[str, list[str]]:
    from tests.cycles.factories import execution_in

    council = cast.council.slug
    made = [execution_in(cast, status) for status in ExecutionStatus.values]
    other = execution_in(cast, body=cast.other)
    first = made[0]
    kept = _an_expense(cast, first)["expense"]

    def on(name, **extra):
        return [reverse(name, kwargs={"slug": council, "pk": e.pk, **extra}) for e in made]

    return {
        "execution": [
            reverse("execution", kwargs={"slug": council, "pk": e.project_id}) for e in made
        ]
        + [
            reverse("execution", kwargs={"slug": cast.other.slug, "pk": other.project_id}),
            reverse("execution", kwargs={"slug": council, "pk": other.project_id}),
        ],
        "expense-receipt": [
            reverse(
                "expense-receipt", kwargs={"slug": council, "pk": first.project_id, "expense": kept}
            )
        ],
        "progress-photo": [
            reverse("progress-photo", kwargs={"slug": council, "pk": first.project_id, "update": 1})
        ],
        "milestone-new": on("milestone-new"),
        "milestone-done": [
            reverse(
                "milestone-done",
                kwargs={"slug": council, "pk": first.pk, "milestone": first.milestones.first().pk},
            )
        ],
        "execution-status": on("execution-status"),
        "progress-new": on("progress-new"),
        "expense-new": on("expense-new"),
        "expense-reverse": [
            reverse("expense-reverse", kwargs={"slug": council, "pk": first.pk, "expense": kept})
        ],
        "execution-authorise": on("execution-authorise"),
        "executions-open": [
            reverse("executions-open", kwargs={"slug": council, "pk": first.budget_id})
        ],
        "funds-new": [reverse("funds-new", kwargs={"slug": council})],
    }
